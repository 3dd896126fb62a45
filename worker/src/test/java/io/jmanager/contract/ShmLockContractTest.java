package io.jmanager.contract;

import java.util.concurrent.locks.Lock;

/**
 * {@link LockContract} against the non-reentrant shared-memory lock ({@code shm.lock}, Python's
 * {@code multiprocessing.Lock}): re-entry by the owner blocks ({@code lock()}) or fails ({@code tryLock}).
 */
class ShmLockContractTest extends ShmLockContractBase {
    @Override
    protected Lock newLock() {
        return shm.lock("contract-lock");
    }

    @Override
    protected boolean isReentrant() {
        return false;
    }

    /** Closing the area's handle ends every wait for its locks with IllegalStateException. */
    @Override
    protected void unblockOwner(Lock lock, Thread owner) {
        shm.close();
    }
}
