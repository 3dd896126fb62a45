package io.jmanager.contract;

import io.jmanager.SharedLock;
import io.jmanager.TestRegistry;
import java.util.concurrent.locks.Lock;

/**
 * {@link LockContract} against the non-reentrant {@link SharedLock} ({@code manager.lock}, Python's {@code Lock}),
 * one fresh lock per test: re-entry by the owner blocks ({@code lock()}) or fails ({@code tryLock}).
 */
class SharedLockContractTest extends SharedLockContractBase {
    @Override
    protected Lock newLock() {
        return manager.lock(TestRegistry.uniqueName("contract-lock"));
    }

    @Override
    protected boolean isReentrant() {
        return false;
    }

    /** Destroying the lock fails its waiters with NoSuchSharedObjectException: the only way out of lock(). */
    @Override
    protected void unblockOwner(Lock lock, Thread owner) {
        manager.destroy(((SharedLock) lock).name());
    }
}
