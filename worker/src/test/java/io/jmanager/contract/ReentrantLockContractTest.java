package io.jmanager.contract;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

/** The reference: {@link LockContract} against the JDK's {@link ReentrantLock}. */
class ReentrantLockContractTest extends LockContract {
    @Override
    protected Lock newLock() {
        return new ReentrantLock();
    }

    @Override
    protected boolean isReentrant() {
        return true;
    }

    @Override
    protected int holdCount(Lock lock) {
        return ((ReentrantLock) lock).getHoldCount();
    }

    @Override
    protected void unblockOwner(Lock lock, Thread owner) {
        throw new UnsupportedOperationException("ReentrantLock is reentrant");
    }
}
