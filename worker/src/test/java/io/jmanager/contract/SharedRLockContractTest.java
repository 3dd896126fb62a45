package io.jmanager.contract;

import io.jmanager.Manager;
import io.jmanager.SharedLock;
import io.jmanager.SharedReentrantLock;
import io.jmanager.TestRegistry;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link LockContract} against {@link SharedReentrantLock} ({@code manager.rlock}), one fresh rlock per test. */
class SharedRLockContractTest extends LockContract {
    private static TestRegistry registry;
    private static Manager manager;

    @BeforeAll
    static void startRegistry() {
        registry = TestRegistry.start();
        manager = registry.connect();
    }

    @AfterAll
    static void stopRegistry() {
        registry.close();
    }

    @Override
    protected Lock newLock() {
        return manager.rlock(TestRegistry.uniqueName("contract-rlock"));
    }

    @Override
    protected boolean isReentrant() {
        return true;
    }

    @Override
    protected int holdCount(Lock lock) {
        return ((SharedLock) lock).getHoldCount();
    }

    @Override
    protected void unblockOwner(Lock lock, Thread owner) {
        throw new UnsupportedOperationException("a shared rlock is reentrant");
    }
}
