package io.jmanager.shm;

import io.jmanager.SharedLock;

/**
 * What the values and arrays of an area share: where their data is, and the lock that synchronizes them (null for
 * {@link Locking#NONE}). Subclasses bracket each operation with {@link #enter()} and {@link #exit(boolean)}.
 */
abstract class AreaObject implements MappedObject {
    final SharedMemory shm;
    final Memory memory;
    final int offset;
    private final String name;
    private final AreaLock lock;

    AreaObject(SharedMemory shm, String name, int offset, AreaLock lock) {
        this.shm = shm;
        this.memory = shm.memory();
        this.name = name;
        this.offset = offset;
        this.lock = lock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public SharedLock getLock() {
        if (lock == null) {
            throw new IllegalStateException("'" + name + "' of shared memory '" + shm.name() + "' was created with"
                    + " Locking.NONE (Python's lock=False): it has no lock");
        }
        return lock;
    }

    @Override
    public boolean isSynchronized() {
        return lock != null;
    }

    /** Starts an operation: checks the area is open, and takes the lock unless unsynchronized or already held. */
    final boolean enter() {
        if (lock == null) {
            shm.checkOpen();
            return false;
        }
        return lock.enter();
    }

    final void exit(boolean entered) {
        if (entered) {
            lock.exit();
        }
    }

    final SharedMemoryException fault(InternalError error) {
        return memory.fault(error);
    }

    static IndexOutOfBoundsException outOfRange(String what, int index, int length, String name) {
        return new IndexOutOfBoundsException(what + " " + index + " out of range for '" + name + "' of length "
                + length);
    }
}
