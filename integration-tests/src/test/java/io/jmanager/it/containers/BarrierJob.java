package io.jmanager.it.containers;

import io.jmanager.SharedBarrier;
import io.jmanager.SharedDict;

/**
 * {@code BarrierJob URL PARTIES PHASES}: runs PHASES phases at barrier {@code phases} (PARTIES parties). In each
 * phase it counts its arrival in dict {@code arrived} (key: the phase), awaits the barrier, checks that all PARTIES
 * arrivals of the phase were counted before the barrier let it through, and counts itself in dict {@code passed}.
 * Prints {@code phase P index I} per phase (I: the barrier's arrival index).
 */
public final class BarrierJob {
    public static void main(String[] args) {
        Job.run(args, (m, a) -> {
            int parties = Integer.parseInt(a[1]);
            int phases = Integer.parseInt(a[2]);
            SharedBarrier barrier = m.barrier("phases", parties);
            SharedDict<Integer, Integer> arrived = m.dict("arrived");
            SharedDict<Integer, Integer> passed = m.dict("passed");
            StringBuilder out = new StringBuilder();
            for (int phase = 0; phase < phases; phase++) {
                arrived.increment(phase, 1);
                int index = barrier.await(Job.STEP_MILLIS, Job.MS);
                int seen = arrived.get(phase);
                if (seen != parties) {
                    throw new IllegalStateException("phase " + phase + ": passed the barrier with " + seen + " of "
                            + parties + " arrivals counted");
                }
                passed.increment(phase, 1);
                out.append("phase ").append(phase).append(" index ").append(index).append('\n');
            }
            System.out.print(out);
        });
    }
}
