package io.jmanager.shm;

import io.jmanager.StructLayout;
import io.jmanager.TypeCode;

/**
 * One object of an area's object table, as read (and checked) from it; see {@link AreaLayout} for its bytes.
 *
 * @param index      the entry's index in the table
 * @param kind       what the object is
 * @param length     elements (1 for a value, 0 for a lock)
 * @param lockIndex  the entry index of the lock that synchronizes it, or -1
 * @param dataOffset where its data starts in the area
 * @param dataSize   its data's size in bytes
 * @param name       its name
 * @param spec       the typecode of a value or array, the struct spec of a struct array, "" for a lock
 */
record Entry(int index, ObjectKind kind, int length, int lockIndex, int dataOffset, int dataSize, String name,
             String spec) {

    /**
     * The bytes an object of this kind, spec and length needs.
     *
     * @throws IllegalArgumentException if the spec is not one of this kind (a damaged entry)
     */
    static long dataSize(ObjectKind kind, String spec, long length) {
        switch (kind) {
            case VALUE:
            case ARRAY:
                return length * TypeCode.of(spec).byteSize();
            case STRUCT_ARRAY: {
                StructLayout layout = StructLayout.parse(spec);
                if (layout.isScalar()) {
                    // what a record class gives always has named fields; a lone typecode is an array's spec
                    throw new IllegalArgumentException("struct spec \"" + spec + "\" has no named fields");
                }
                return length * new StructOffsets(layout).elementSize();
            }
            default:
                return AreaLayout.LOCK_BLOCK;
        }
    }

    /** E.g. {@code a value of typecode 'i'}, {@code an array of 5 'd'}, {@code a struct array of 3 x:d,y:d}. */
    String describe() {
        return describe(kind, spec, length);
    }

    static String describe(ObjectKind kind, String spec, long length) {
        switch (kind) {
            case VALUE:
                return "a value of typecode '" + spec + "'";
            case ARRAY:
                return "an array of " + length + " '" + spec + "'";
            case STRUCT_ARRAY:
                return "a struct array of " + length + " " + spec;
            case LOCK:
                return "a lock";
            default:
                return "a reentrant lock";
        }
    }
}
