package io.jmanager.shm;

import io.jmanager.SharedLock;
import io.jmanager.SharedObject;

/**
 * An object in a same-host {@link SharedMemory} area. Its operations are memory accesses: no registry, no network,
 * no session. Thread-safe; usable from every process that opens the area.
 */
public interface MappedObject extends SharedObject {
    /**
     * The lock that synchronizes this object, Python's {@code get_lock()}: take it for compound updates.
     *
     * @throws IllegalStateException if the object was created with {@link Locking#NONE}
     */
    SharedLock getLock();

    /** Whether the object has a lock ({@link Locking#NONE} gives false). */
    boolean isSynchronized();
}
