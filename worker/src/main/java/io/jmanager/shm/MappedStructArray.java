package io.jmanager.shm;

import io.jmanager.SharedStructArray;

/**
 * A fixed-length array of structs in shared memory, Python's {@code sharedctypes.Array(Point, ...)}: fields are laid
 * out as C lays out a struct (each field aligned to its size, the element padded to its widest field). Reading or
 * writing a whole element of a synchronized array holds its lock; see {@link Locking}.
 *
 * @param <R> the record type
 */
public interface MappedStructArray<R extends Record> extends SharedStructArray<R>, MappedObject {
}
