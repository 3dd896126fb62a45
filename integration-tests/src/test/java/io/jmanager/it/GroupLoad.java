package io.jmanager.it;

import io.jmanager.JManagerException;
import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedValue;
import io.jmanager.it.linearizability.CounterModel;
import io.jmanager.it.linearizability.History;
import io.jmanager.it.linearizability.RegisterModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A load of register and counter operations on a registry group from several worker threads, each with its own
 * {@link Manager} (its own session and connections), recording every operation for the linearizability checker:
 * <ul>
 *   <li>registers {@code reg0..}: shared values ({@code 'q'}), read / write of a unique value / compare-and-set from
 *       the last value read, into {@link #registers};</li>
 *   <li>counters {@code ctr0..}: shared values, add-and-get 1 (or a read), into {@link #counters};</li>
 *   <li>a dict {@code totals}: each worker increments its own key; {@link #acknowledged} and {@link #uncertain}
 *       count them, so the final totals are checked exactly.</li>
 * </ul>
 * A call that returns is recorded with its result; a call that fails with a {@link JManagerException} (the leader
 * died or was cut off: connection lost, {@code NotLeaderException}, the one {@code SessionExpiredException} of a
 * leader change) is recorded as <i>uncertain</i> if it could change state, since its request may have been committed
 * before the failure; a failed read is dropped. Also tracks the first acknowledged write invoked after a fault.
 */
final class GroupLoad {
    static final int REGISTERS = 2;
    static final int COUNTERS = 2;

    final History registers = new History();
    final History counters = new History();
    final long[] acknowledged;
    final long[] uncertain;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    final List<Throwable> failures = new CopyOnWriteArrayList<>();
    private volatile long faultNanos = Long.MAX_VALUE;
    private final AtomicLong firstWriteAfterFault = new AtomicLong(Long.MAX_VALUE);

    /** Creates the objects (through {@code setup}) and starts {@code workers} threads on managers of {@code group}. */
    GroupLoad(GroupCluster group, Manager setup, int workers) throws InterruptedException {
        for (int i = 0; i < REGISTERS; i++) {
            setup.value("reg" + i, 'q', 0L);
        }
        for (int i = 0; i < COUNTERS; i++) {
            setup.value("ctr" + i, 'q', 0L);
        }
        SharedDict<String, Long> totals = setup.dict("totals");
        for (int w = 0; w < workers; w++) {
            totals.put("w" + w, 0L);
        }
        acknowledged = new long[workers];
        uncertain = new long[workers];
        CountDownLatch running = new CountDownLatch(workers);
        for (int w = 0; w < workers; w++) {
            int me = w;
            Manager m = group.connect();
            Thread t = new Thread(() -> run(me, m, running), "group-load-" + w);
            t.start();
            threads.add(t);
        }
        if (!running.await(RegistryJar.millis(60_000), TimeUnit.MILLISECONDS)) {
            throw new AssertionError("the load's workers did not start");
        }
    }

    private void run(int me, Manager m, CountDownLatch running) {
        String client = "w" + me;
        Random random = new Random(me);
        try {
            List<SharedValue<Long>> regs = new ArrayList<>();
            List<SharedValue<Long>> ctrs = new ArrayList<>();
            for (int i = 0; i < REGISTERS; i++) {
                regs.add(m.value("reg" + i, 'q', 0L));
            }
            for (int i = 0; i < COUNTERS; i++) {
                ctrs.add(m.value("ctr" + i, 'q', 0L));
            }
            SharedDict<String, Long> totals = m.dict("totals");
            running.countDown();
            long[] lastRead = new long[REGISTERS];
            for (long n = 1; !stop.get(); n++) {
                int r = random.nextInt(REGISTERS);
                String key = "reg" + r;
                int kind = random.nextInt(5);
                long t0 = System.nanoTime();
                if (kind < 2) {
                    try {
                        long v = regs.get(r).get();
                        registers.ok(key, client, new RegisterModel.Read(), v, t0);
                        lastRead[r] = v;
                    } catch (JManagerException e) {
                        // a failed read changed nothing
                    }
                } else if (kind < 4) {
                    long v = me * 1_000_000_000L + n;
                    RegisterModel.Write op = new RegisterModel.Write(v);
                    try {
                        regs.get(r).set(v);
                        registers.ok(key, client, op, null, t0);
                        wrote(t0);
                    } catch (JManagerException e) {
                        registers.uncertain(key, client, op, t0);
                    }
                } else {
                    long v = -(me * 1_000_000_000L + n);
                    RegisterModel.Cas op = new RegisterModel.Cas(lastRead[r], v);
                    try {
                        boolean swapped = regs.get(r).compareAndSet(lastRead[r], v);
                        registers.ok(key, client, op, swapped, t0);
                        wrote(t0);
                    } catch (JManagerException e) {
                        registers.uncertain(key, client, op, t0);
                    }
                }
                int c = random.nextInt(COUNTERS);
                String ckey = "ctr" + c;
                t0 = System.nanoTime();
                if (random.nextInt(5) == 0) {
                    try {
                        counters.ok(ckey, client, new CounterModel.Read(), ctrs.get(c).get(), t0);
                    } catch (JManagerException e) {
                        // a failed read changed nothing
                    }
                } else {
                    CounterModel.Add op = new CounterModel.Add(1);
                    try {
                        long after = ctrs.get(c).addAndGet(1L);
                        counters.ok(ckey, client, op, after, t0);
                        wrote(t0);
                    } catch (JManagerException e) {
                        counters.uncertain(ckey, client, op, t0);
                    }
                }
                try {
                    totals.increment(client, 1L);
                    acknowledged[me]++;
                } catch (JManagerException e) {
                    uncertain[me]++;
                }
            }
        } catch (Throwable e) {
            failures.add(e);
            running.countDown();
        }
    }

    private void wrote(long invokedNanos) {
        writes.incrementAndGet();
        if (invokedNanos > faultNanos) {
            firstWriteAfterFault.accumulateAndGet(System.nanoTime(), Math::min);
        }
    }

    /** Acknowledged writes so far (register writes, compare-and-sets and increments). */
    long writes() {
        return writes.get();
    }

    /** Waits (bounded) until {@code by} more writes were acknowledged: the load runs. */
    void awaitProgress(long by, GroupCluster group) throws InterruptedException {
        long target = writes.get() + by;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(60_000));
        while (writes.get() < target) {
            if (System.nanoTime() > deadline || !failures.isEmpty()) {
                throw new AssertionError("the load made no progress (" + writes.get() + " writes, wanted " + target
                        + "): " + failures + "\n" + group.logs());
            }
            Thread.sleep(20); // polling a counter the workers advance
        }
    }

    /** Marks a fault made now; {@link #millisToFirstWriteAfterFault} measures from here. */
    void fault(long nanos) {
        firstWriteAfterFault.set(Long.MAX_VALUE);
        faultNanos = nanos;
    }

    /**
     * Waits (bounded) for the first write acknowledged to a call invoked after the last {@link #fault}; returns the
     * milliseconds from the fault to that acknowledgement.
     */
    long millisToFirstWriteAfterFault(GroupCluster group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(60_000));
        while (firstWriteAfterFault.get() == Long.MAX_VALUE) {
            if (System.nanoTime() > deadline || !failures.isEmpty()) {
                throw new AssertionError("no write acknowledged within 60 s of the fault: " + failures + "\n"
                        + group.logs());
            }
            Thread.sleep(5); // polling a time the workers set
        }
        return (firstWriteAfterFault.get() - faultNanos) / 1_000_000;
    }

    /** Stops the workers and waits for them (bounded; one that does not stop is a failure). */
    void stop() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(RegistryJar.millis(60_000));
            if (t.isAlive()) {
                failures.add(new AssertionError(t.getName() + " did not stop within 60 s"));
            }
        }
    }

    long totalAcknowledged() {
        long s = 0;
        for (long a : acknowledged) {
            s += a;
        }
        return s;
    }

    long totalUncertain() {
        long s = 0;
        for (long u : uncertain) {
            s += u;
        }
        return s;
    }
}
