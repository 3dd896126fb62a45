package io.jmanager.shm;

import static io.jmanager.shm.AreaLayout.L_COND_SEQ;
import static io.jmanager.shm.AreaLayout.L_COND_WAITERS;

import io.jmanager.SharedCondition;
import io.jmanager.SharedLock;
import java.util.Date;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * The condition of a shared-memory lock, Python's {@code multiprocessing.Condition}. A wait reads the lock block's
 * condition sequence, releases the lock fully, and waits (polling, with back-off up to 1 ms) until a signal has
 * changed the sequence, the time is up or the thread is interrupted; it then holds the lock again with the same hold
 * count, in every case. {@link #signal()} wakes every waiter, which the {@link java.util.concurrent.locks.Condition}
 * contract allows (a spurious wake-up for all but one): wait in a loop, or use {@link #awaitUntil}.
 */
final class AreaCondition implements SharedCondition {
    private static final long MAX_POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final AreaLock lock;
    private final Memory memory;
    private final int base;

    AreaCondition(AreaLock lock, Memory memory, int base) {
        this.lock = lock;
        this.memory = memory;
        this.base = base;
    }

    @Override
    public String name() {
        return lock.name() + "/condition";
    }

    @Override
    public SharedLock lock() {
        return lock;
    }

    /** Waits up to {@code nanos} (negative: forever); returns the time left (or -1 for no timeout). */
    private long awaitNanos(long nanos, boolean interruptible) throws InterruptedException {
        lock.shm.checkOpen();
        RobustLock core = lock.core;
        if (!core.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("await on " + name() + " without holding " + lock.describe());
        }
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long start = System.nanoTime();
        long seq = memory.getLongVolatile(base + L_COND_SEQ);
        memory.getAndAddLong(base + L_COND_WAITERS, 1);
        int holds = core.holds();
        core.release();
        boolean interrupted = false;
        try {
            long poll = 1_000;
            for (int round = 0; memory.getLongVolatile(base + L_COND_SEQ) == seq; round++) {
                long elapsed = System.nanoTime() - start;
                if (nanos >= 0 && elapsed >= nanos) {
                    break;
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (interruptible) {
                        break;
                    }
                }
                if (round < 64) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(nanos < 0 ? poll : Math.max(1, Math.min(poll, nanos - elapsed)));
                    poll = Math.min(poll * 2, MAX_POLL_NANOS);
                }
            }
        } finally {
            memory.getAndAddLong(base + L_COND_WAITERS, -1);
            RobustLock.Grant grant = core.acquire(-1, false, lock.shm);
            core.setHolds(holds);
            if (grant == RobustLock.Grant.RECOVERED) {
                throw new OwnerDiedException(lock.describe() + ": a process died holding it while this thread waited"
                        + " on its condition; this thread holds it again: check or repair the data it guards",
                        core.recoveredFrom(), core.fence());
            }
        }
        if (interrupted) {
            if (interruptible) {
                throw new InterruptedException();
            }
            Thread.currentThread().interrupt();
        }
        return nanos < 0 ? -1 : nanos - (System.nanoTime() - start);
    }

    @Override
    public void await() throws InterruptedException {
        awaitNanos(-1, true);
    }

    @Override
    public void awaitUninterruptibly() {
        try {
            awaitNanos(-1, false);
        } catch (InterruptedException cannotHappen) {
            throw new AssertionError(cannotHappen);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        return awaitNanos(Math.max(0, nanosTimeout), true);
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return awaitNanos(unit.toNanos(time)) > 0;
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        return await(deadline.getTime() - System.currentTimeMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean awaitUntil(BooleanSupplier predicate, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!predicate.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return predicate.getAsBoolean();
            }
            awaitNanos(left);
        }
        return true;
    }

    @Override
    public void awaitUntil(BooleanSupplier predicate) throws InterruptedException {
        while (!predicate.getAsBoolean()) {
            await();
        }
    }

    @Override
    public void signal() {
        signalAll();
    }

    @Override
    public void signalAll() {
        lock.shm.checkOpen();
        if (!lock.core.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException("signal on " + name() + " without holding " + lock.describe());
        }
        if (memory.getLongVolatile(base + L_COND_WAITERS) > 0) {
            memory.getAndAddLong(base + L_COND_SEQ, 1);
        }
    }

    @Override
    public String toString() {
        return "Condition('" + name() + "')";
    }
}
