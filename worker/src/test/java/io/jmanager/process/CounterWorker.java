package io.jmanager.process;

import io.jmanager.SharedBarrier;
import io.jmanager.SharedDict;
import io.jmanager.SharedLock;
import io.jmanager.SharedValue;
import java.util.BitSet;

/**
 * {@code CounterWorker URL MODE ITERATIONS PARTIES}: waits at barrier {@code counter-start} (PARTIES workers), then
 * increments {@code ITERATIONS} times and prints {@code bits <name> <base64 bit set>} of the values it produced
 * (each produced value must be produced by exactly one worker).
 * <ul>
 *   <li>{@code locked}: {@code lock(); v = value.get(); value.set(v + 1); unlock()} on value {@code counter-locked}
 *       under lock {@code counter-lock};</li>
 *   <li>{@code locked-dict}: the same on entry {@code "n"} of dict {@code counter-dict-locked} under rlock
 *       {@code counter-rlock};</li>
 *   <li>{@code atomic}: {@code dict.increment("n", 1)} on dict {@code counter-dict} and
 *       {@code value.addAndGet(1)} on value {@code counter-atomic}, each ITERATIONS times.</li>
 * </ul>
 */
public final class CounterWorker {
    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            String mode = a[1];
            int iterations = Integer.parseInt(a[2]);
            int parties = Integer.parseInt(a[3]);
            SharedBarrier start = m.barrier("counter-start", parties);
            switch (mode) {
                case "locked": {
                    SharedLock lock = m.lock("counter-lock");
                    SharedValue<Integer> value = m.value("counter-locked", 'i', 0);
                    BitSet produced = new BitSet();
                    start.await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
                    for (int i = 0; i < iterations; i++) {
                        lock.lock();
                        try {
                            int next = value.get() + 1;
                            value.set(next);
                            mark(produced, next);
                        } finally {
                            lock.unlock();
                        }
                    }
                    System.out.println("bits locked " + Workers.encode(produced));
                    break;
                }
                case "locked-dict": {
                    SharedLock lock = m.rlock("counter-rlock");
                    SharedDict<String, Integer> dict = m.dict("counter-dict-locked");
                    BitSet produced = new BitSet();
                    start.await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
                    for (int i = 0; i < iterations; i++) {
                        lock.lock();
                        try {
                            int next = dict.getOrDefault("n", 0) + 1;
                            dict.put("n", next);
                            mark(produced, next);
                        } finally {
                            lock.unlock();
                        }
                    }
                    System.out.println("bits locked-dict " + Workers.encode(produced));
                    break;
                }
                case "atomic": {
                    SharedDict<String, Integer> dict = m.dict("counter-dict");
                    SharedValue<Long> value = m.value("counter-atomic", 'q', 0L);
                    BitSet fromDict = new BitSet();
                    BitSet fromValue = new BitSet();
                    start.await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
                    for (int i = 0; i < iterations; i++) {
                        mark(fromDict, dict.increment("n", 1));
                        mark(fromValue, Math.toIntExact(value.addAndGet(1)));
                    }
                    System.out.println("bits dict " + Workers.encode(fromDict));
                    System.out.println("bits value " + Workers.encode(fromValue));
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown mode " + mode);
            }
        });
    }

    /** Records a produced value; producing the same value twice in one worker is already a failure. */
    private static void mark(BitSet produced, int value) {
        if (produced.get(value)) {
            throw new IllegalStateException("value " + value + " produced twice by this worker");
        }
        produced.set(value);
    }
}
