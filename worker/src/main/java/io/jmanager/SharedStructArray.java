package io.jmanager;

import java.util.List;

/**
 * A shared fixed-length array of structs, Python's {@code sharedctypes} {@code Array(Point, [...])}: each element
 * has the fields of a {@link StructLayout}, typically declared by a record of primitives. Element and field access
 * and field arithmetic are atomic (on the registry; in shared memory, see {@link io.jmanager.shm.Locking}).
 *
 * @param <R> the record type
 */
public interface SharedStructArray<R extends Record> extends SharedObject {
    StructLayout layout();

    int length();

    R get(int index);

    void set(int index, R value);

    /** A copy of all elements in one round trip. */
    List<R> toList();

    /** Writes all elements from index 0 in one atomic round trip. */
    void setAll(List<R> values);

    /** One field of one element, as the field's typecode Java type. */
    Object getField(int index, String field);

    void setField(int index, String field, Object value);

    /** Adds atomically to one field and returns the new value. */
    Object addAndGetField(int index, String field, Number delta);

    boolean compareAndSetField(int index, String field, Object expect, Object update);
}
