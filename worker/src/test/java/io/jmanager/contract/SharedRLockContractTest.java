package io.jmanager.contract;

import io.jmanager.SharedReentrantLock;
import io.jmanager.TestRegistry;
import java.util.concurrent.locks.Lock;

/** {@link LockContract} against {@link SharedReentrantLock} ({@code manager.rlock}), one fresh rlock per test. */
class SharedRLockContractTest extends SharedLockContractBase {
    @Override
    protected Lock newLock() {
        return manager.rlock(TestRegistry.uniqueName("contract-rlock"));
    }

    @Override
    protected boolean isReentrant() {
        return true;
    }

    @Override
    protected void unblockOwner(Lock lock, Thread owner) {
        throw new UnsupportedOperationException("a shared rlock is reentrant");
    }
}
