package io.jmanager;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.function.BooleanSupplier;

/**
 * A shared condition, Python's {@code manager.Condition(lock)}, bound to a shared lock or rlock. {@code await}
 * requires holding the lock ({@link IllegalMonitorStateException} otherwise), releases it fully while waiting and
 * holds it again (with the same hold count) when it returns, in every case. Spurious wake-ups are possible, as the
 * {@link Condition} contract allows: wait in a loop, or use {@link #awaitUntil}.
 */
public interface SharedCondition extends Condition, SharedObject {
    /** The lock this condition is bound to. */
    SharedLock lock();

    /**
     * Python's {@code wait_for}: waits until {@code predicate} (evaluated here, with the lock held) is true, or the
     * timeout elapses; returns the predicate's last value.
     */
    boolean awaitUntil(BooleanSupplier predicate, long timeout, TimeUnit unit) throws InterruptedException;

    /** Waits without a timeout until {@code predicate} is true. */
    void awaitUntil(BooleanSupplier predicate) throws InterruptedException;
}
