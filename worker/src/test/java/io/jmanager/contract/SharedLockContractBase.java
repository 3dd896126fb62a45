package io.jmanager.contract;

import io.jmanager.Manager;
import io.jmanager.SharedLock;
import io.jmanager.TestRegistry;
import java.util.concurrent.locks.Lock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link LockContract} against shared locks: one in-JVM registry per test class, one fresh lock per test. */
abstract class SharedLockContractBase extends LockContract {
    static TestRegistry registry;
    static Manager manager;

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
    protected int holdCount(Lock lock) {
        return ((SharedLock) lock).getHoldCount();
    }
}
