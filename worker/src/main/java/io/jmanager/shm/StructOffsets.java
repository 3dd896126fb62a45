package io.jmanager.shm;

import io.jmanager.StructLayout;

/**
 * Where the fields of a {@link StructLayout} lie in one element, as C lays out a struct: each field at the next
 * multiple of its size, the element's size rounded up to a multiple of its widest field. {@code Point(x: d, y: d)}
 * is 16 bytes with {@code x} at 0 and {@code y} at 8; {@code (b: b, d: d)} is 16 bytes with {@code d} at 8.
 */
final class StructOffsets {
    private final int[] offsets;
    private final int elementSize;

    StructOffsets(StructLayout layout) {
        offsets = new int[layout.fieldCount()];
        int at = 0;
        int widest = 1;
        for (int i = 0; i < offsets.length; i++) {
            int size = layout.fieldType(i).byteSize();
            at = (at + size - 1) / size * size;
            offsets[i] = at;
            at += size;
            widest = Math.max(widest, size);
        }
        elementSize = (at + widest - 1) / widest * widest;
    }

    int offset(int field) {
        return offsets[field];
    }

    int elementSize() {
        return elementSize;
    }
}
