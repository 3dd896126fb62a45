package io.jmanager.shm;

import io.jmanager.SharedReentrantLock;

/**
 * A {@link SharedReentrantLock} in shared memory, Python's {@code multiprocessing.RLock}: the owning thread may lock
 * it again and must unlock it as many times. Otherwise as {@link AreaLock}.
 */
final class AreaRLock extends AreaLock implements SharedReentrantLock {
    AreaRLock(SharedMemory shm, String name, int offset, RobustLock core) {
        super(shm, name, offset, core, true);
    }
}
