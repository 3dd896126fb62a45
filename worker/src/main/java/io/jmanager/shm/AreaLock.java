package io.jmanager.shm;

import io.jmanager.SharedCondition;
import io.jmanager.SharedLock;
import java.util.concurrent.TimeUnit;

/**
 * A {@link SharedLock} in shared memory, Python's {@code multiprocessing.Lock}: <b>not reentrant</b> (a second
 * {@code lock()} by the owner blocks, {@code tryLock()} gives false). The owner is (process, thread). A process that
 * dies holding it does not block the others: the next locker takes it over within about 20 ms and gets
 * {@link OwnerDiedException}, holding the lock. A stopped process keeps it: only death frees a shared-memory lock.
 * Fencing tokens come from a per-lock counter in the area.
 */
class AreaLock implements SharedLock {
    final SharedMemory shm;
    final RobustLock core;
    private final String name;
    private final int offset;
    private final boolean reentrant;
    private volatile AreaCondition condition;

    AreaLock(SharedMemory shm, String name, int offset, RobustLock core, boolean reentrant) {
        this.shm = shm;
        this.name = name;
        this.offset = offset;
        this.core = core;
        this.reentrant = reentrant;
    }

    @Override
    public String name() {
        return name;
    }

    /** The lock block's offset in the area. */
    int offset() {
        return offset;
    }

    /**
     * Acquires for the caller; returns the fencing token, 0 on timeout.
     *
     * @param nanos negative: no timeout
     * @throws OwnerDiedException with the lock held, if the previous owner died holding it
     */
    private long acquire(long nanos, boolean interruptible) throws InterruptedException {
        shm.checkOpen();
        try {
            if (core.isHeldByCurrentThread()) {
                if (reentrant) {
                    core.setHolds(core.holds() + 1);
                    return core.fence();
                }
                if (nanos == 0) {
                    return 0;
                }
            }
            RobustLock.Grant grant = core.acquire(nanos, interruptible, shm);
            if (grant == RobustLock.Grant.TIMED_OUT) {
                return 0;
            }
            long token = core.fence();
            if (grant == RobustLock.Grant.RECOVERED) {
                throw new OwnerDiedException(describe() + ": its previous owner (pid " + core.recoveredFrom()
                        + ") died while holding it; this thread now holds the lock: check or repair the data it"
                        + " guards, then unlock()", core.recoveredFrom(), token);
            }
            return token;
        } catch (InternalError fault) {
            throw shm.memory().fault(fault);
        }
    }

    private long acquireUninterruptibly() {
        try {
            return acquire(-1, false);
        } catch (InterruptedException cannotHappen) {
            throw new AssertionError(cannotHappen);
        }
    }

    /**
     * For an operation of an object this lock synchronizes: acquires unless the calling thread holds the lock.
     *
     * @return whether it acquired (then the caller calls {@link #exit()})
     * @throws OwnerDiedException without the lock, if the previous owner died holding it
     */
    boolean enter() {
        shm.checkOpen();
        if (core.isHeldByCurrentThread()) {
            return false;
        }
        RobustLock.Grant grant;
        try {
            grant = core.acquire(-1, false, shm);
        } catch (InterruptedException cannotHappen) {
            throw new AssertionError(cannotHappen);
        } catch (InternalError fault) {
            throw shm.memory().fault(fault);
        }
        if (grant == RobustLock.Grant.RECOVERED) {
            long pid = core.recoveredFrom();
            core.release();
            throw new OwnerDiedException(describe() + ": its previous owner (pid " + pid + ") died while holding it,"
                    + " so the data it guards may be half-updated; the operation was not done. Check the data under"
                    + " the lock, then retry", pid, 0);
        }
        return true;
    }

    void exit() {
        try {
            core.release();
        } catch (InternalError fault) {
            throw shm.memory().fault(fault);
        }
    }

    @Override
    public void lock() {
        acquireUninterruptibly();
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        acquire(-1, true);
    }

    @Override
    public boolean tryLock() {
        try {
            return acquire(0, false) != 0;
        } catch (InterruptedException cannotHappen) {
            throw new AssertionError(cannotHappen);
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryLockAndGetToken(time, unit) != 0;
    }

    @Override
    public long lockAndGetToken() {
        return acquireUninterruptibly();
    }

    @Override
    public long tryLockAndGetToken(long time, TimeUnit unit) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return acquire(Math.max(0, unit.toNanos(time)), true);
    }

    @Override
    public void unlock() {
        shm.checkOpen();
        if (!core.isHeldByCurrentThread()) {
            throw new IllegalMonitorStateException(describe() + " is not held by this thread");
        }
        int holds = core.holds();
        if (holds > 1) {
            core.setHolds(holds - 1);
        } else {
            exit();
        }
    }

    @Override
    public long currentToken() {
        shm.checkOpen();
        try {
            return core.isLocked() ? core.fence() : 0;
        } catch (InternalError fault) {
            throw shm.memory().fault(fault);
        }
    }

    @Override
    public boolean isLocked() {
        shm.checkOpen();
        try {
            return core.isLocked();
        } catch (InternalError fault) {
            throw shm.memory().fault(fault);
        }
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return core.isHeldByCurrentThread();
    }

    @Override
    public int getHoldCount() {
        return core.holds();
    }

    @Override
    public Hold hold() {
        long token = lockAndGetToken();
        return new Hold() {
            private boolean closed;

            @Override
            public long token() {
                return token;
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    unlock();
                }
            }
        };
    }

    /** The lock's one condition, {@code <name>/condition}: every call returns the same one. */
    @Override
    public SharedCondition newCondition() {
        AreaCondition c = condition;
        if (c == null) {
            synchronized (this) {
                if (condition == null) {
                    condition = new AreaCondition(this, shm.memory(), offset);
                }
                c = condition;
            }
        }
        return c;
    }

    String describe() {
        return (reentrant ? "reentrant lock '" : "lock '") + name + "' of shared memory '" + shm.name() + "'";
    }

    @Override
    public String toString() {
        long owner = core.ownerToken();
        return (reentrant ? "RLock('" : "Lock('") + name + "', " + (owner == 0 ? "unlocked"
                : "held by pid " + shm.area().processes.pidOf(owner)) + ")";
    }
}
