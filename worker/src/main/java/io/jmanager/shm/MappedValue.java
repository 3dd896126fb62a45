package io.jmanager.shm;

import io.jmanager.SharedValue;

/**
 * A typed value in shared memory, Python's {@code multiprocessing.Value}. See {@link Locking} for what is atomic.
 *
 * @param <T> the Java type of the typecode
 */
public interface MappedValue<T> extends SharedValue<T>, MappedObject {
}
