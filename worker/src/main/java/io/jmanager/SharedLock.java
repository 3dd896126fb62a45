package io.jmanager;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;

/**
 * A shared lock, Python's {@code manager.Lock()}: <b>not reentrant</b> &mdash; a second {@code lock()} by the owner
 * blocks and {@code tryLock()} gives false. The owner is this worker's session (in shared memory: this process) and the calling thread; unlocking a
 * lock the calling thread does not hold throws {@link IllegalMonitorStateException}. If the worker dies, its
 * session's lease runs out and the registry releases the lock; a shared-memory lock is taken over by the next
 * locker, who gets {@link io.jmanager.shm.OwnerDiedException}.
 *
 * <p>Every grant carries a fencing token from a per-lock, strictly increasing counter; pass it to the systems you
 * write to so that a holder presumed dead can be refused.
 *
 * <p>{@link #newCondition()} returns the lock's default shared condition, named {@code <lock name>/condition}.
 */
public interface SharedLock extends Lock, SharedObject {
    /** Like {@link #lock()}, returning the grant's fencing token. */
    long lockAndGetToken();

    /** Like {@link #tryLock(long, TimeUnit)}, returning the fencing token, or 0 if not acquired in time. */
    long tryLockAndGetToken(long time, TimeUnit unit) throws InterruptedException;

    /** The current holder's fencing token, or 0 if the lock is free. */
    long currentToken();

    boolean isLocked();

    boolean isHeldByCurrentThread();

    /** How many holds the calling thread has (0 or 1 for a non-reentrant lock). */
    int getHoldCount();

    /** Locks and returns a hold for try-with-resources: {@code try (var h = lock.hold()) { ... }}. */
    Hold hold();

    /** A lock hold that unlocks on {@link #close()}. */
    interface Hold extends AutoCloseable {
        /** The grant's fencing token. */
        long token();

        @Override
        void close();
    }

    @Override
    SharedCondition newCondition();
}
