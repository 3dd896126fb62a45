package io.jmanager.process;

import io.jmanager.SharedBarrier;

/**
 * {@code BarrierWorker URL PARTIES ROUNDS}: awaits barrier {@code rounds} ROUNDS times and prints one line
 * {@code round index} per round (the round is this worker's count: every party takes part in every generation).
 */
public final class BarrierWorker {
    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            int parties = Integer.parseInt(a[1]);
            int rounds = Integer.parseInt(a[2]);
            SharedBarrier barrier = m.barrier("rounds", parties);
            int[] indexes = new int[rounds];
            for (int r = 0; r < rounds; r++) {
                indexes[r] = barrier.await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
            }
            StringBuilder out = new StringBuilder(rounds * 8);
            for (int r = 0; r < rounds; r++) {
                out.append(r).append(' ').append(indexes[r]).append('\n');
            }
            System.out.print(out);
        });
    }
}
