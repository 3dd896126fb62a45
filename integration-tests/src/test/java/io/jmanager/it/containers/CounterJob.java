package io.jmanager.it.containers;

import io.jmanager.SharedBarrier;
import io.jmanager.SharedLock;
import io.jmanager.SharedValue;

/**
 * {@code CounterJob URL ITERATIONS PARTIES}: waits at barrier {@code counter-start} (PARTIES workers), then makes
 * ITERATIONS locked increments ({@code lock(); v = get(); set(v + 1); unlock()} on value {@code counter-locked}
 * under lock {@code counter-lock}: a read-modify-write that loses updates without the lock), then ITERATIONS
 * atomic increments ({@code addAndGet(1)} on value {@code counter-atomic}). Prints {@code done LOCKED ATOMIC}.
 */
public final class CounterJob {
    public static void main(String[] args) {
        Job.run(args, (m, a) -> {
            int iterations = Integer.parseInt(a[1]);
            int parties = Integer.parseInt(a[2]);
            SharedBarrier start = m.barrier("counter-start", parties);
            SharedLock lock = m.lock("counter-lock");
            SharedValue<Long> locked = m.value("counter-locked", 'q', 0L);
            SharedValue<Long> atomic = m.value("counter-atomic", 'q', 0L);
            start.await(Job.STEP_MILLIS, Job.MS);
            long begin = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                lock.lock();
                try {
                    locked.set(locked.get() + 1);
                } finally {
                    lock.unlock();
                }
            }
            long lockedMillis = (System.nanoTime() - begin) / 1_000_000;
            begin = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                atomic.addAndGet(1L);
            }
            long atomicMillis = (System.nanoTime() - begin) / 1_000_000;
            Job.say("done " + iterations + " " + iterations + " locked-ms " + lockedMillis + " atomic-ms "
                    + atomicMillis);
        });
    }
}
