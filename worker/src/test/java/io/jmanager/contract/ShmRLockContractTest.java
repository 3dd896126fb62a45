package io.jmanager.contract;

import java.util.concurrent.locks.Lock;

/** {@link LockContract} against the shared-memory reentrant lock ({@code shm.rlock}, Python's {@code RLock}). */
class ShmRLockContractTest extends ShmLockContractBase {
    @Override
    protected Lock newLock() {
        return shm.rlock("contract-rlock");
    }

    @Override
    protected boolean isReentrant() {
        return true;
    }

    @Override
    protected void unblockOwner(Lock lock, Thread owner) {
        throw new UnsupportedOperationException("a shared-memory rlock is reentrant");
    }
}
