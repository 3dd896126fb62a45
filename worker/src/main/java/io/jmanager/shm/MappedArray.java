package io.jmanager.shm;

import io.jmanager.SharedArray;

/**
 * A fixed-length typed array in shared memory, Python's {@code multiprocessing.Array}. Elements are stored in their
 * C sizes. A slice, {@code toList()}, {@code bytes()} and {@code setBytes} of a synchronized array hold its lock
 * for the whole slice; see {@link Locking}.
 *
 * @param <T> the Java type of the typecode
 */
public interface MappedArray<T> extends SharedArray<T>, MappedObject {
}
