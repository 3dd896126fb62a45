package io.jmanager.shm;

import io.jmanager.StructLayout;
import io.jmanager.TypeCode;
import java.util.StringJoiner;

/**
 * An operator's view of an object's data, read element by element <em>without</em> taking its lock (a process may
 * hold that lock for a long time; a monitoring command must not wait for it): each element is as atomic as a
 * single read, the whole is not a snapshot. Printed as Python prints it: {@code 7}, {@code [1, 2, 3]},
 * {@code b'hello'}, {@code [(1.875, -6.25), ...]}.
 */
final class Preview {
    private Preview() {
    }

    static String of(Entry entry, Memory memory, ProcessTable processes, int maxElements) {
        switch (entry.kind()) {
            case VALUE:
                return String.valueOf(TypeCode.of(entry.spec()).fromBits(
                        memory.read(TypeCode.of(entry.spec()), entry.dataOffset())));
            case ARRAY:
                return array(entry, memory, maxElements);
            case STRUCT_ARRAY:
                return structs(entry, memory, maxElements);
            default:
                long owner = memory.getLongAcquire(entry.dataOffset() + AreaLayout.L_OWNER);
                return owner == 0 ? "unlocked" : "held by pid " + processes.pidOf(owner) + ", thread "
                        + memory.getLongOpaque(entry.dataOffset() + AreaLayout.L_THREAD) + ", token "
                        + memory.getLongOpaque(entry.dataOffset() + AreaLayout.L_FENCE);
        }
    }

    private static String array(Entry entry, Memory memory, int maxElements) {
        TypeCode code = TypeCode.of(entry.spec());
        int shown = Math.min(entry.length(), maxElements);
        if (code == TypeCode.CHAR) {
            StringBuilder b = new StringBuilder("b'");
            for (int i = 0; i < shown; i++) {
                int c = (int) memory.read(code, entry.dataOffset() + i);
                if (c == 0 && allZeroFrom(memory, entry, i)) {
                    break; // Python's .value stops at the first NUL
                }
                b.append(c >= 0x20 && c < 0x7f && c != '\'' && c != '\\' ? String.valueOf((char) c)
                        : String.format("\\x%02x", c));
            }
            return b.append('\'').append(more(entry.length(), shown)).toString();
        }
        StringJoiner j = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < shown; i++) {
            j.add(String.valueOf(code.fromBits(memory.read(code, entry.dataOffset() + i * code.byteSize()))));
        }
        return j + more(entry.length(), shown);
    }

    private static boolean allZeroFrom(Memory memory, Entry entry, int from) {
        for (int i = from; i < entry.length(); i++) {
            if (memory.read(TypeCode.CHAR, entry.dataOffset() + i) != 0) {
                return false;
            }
        }
        return true;
    }

    private static String structs(Entry entry, Memory memory, int maxElements) {
        StructLayout layout = StructLayout.parse(entry.spec());
        StructOffsets offsets = new StructOffsets(layout);
        int shown = Math.min(entry.length(), maxElements);
        StringJoiner all = new StringJoiner(", ", "[", "]");
        for (int i = 0; i < shown; i++) {
            StringJoiner one = new StringJoiner(", ", "(", ")");
            for (int f = 0; f < layout.fieldCount(); f++) {
                TypeCode code = layout.fieldType(f);
                one.add(String.valueOf(code.fromBits(memory.read(code,
                        entry.dataOffset() + i * offsets.elementSize() + offsets.offset(f)))));
            }
            all.add(one.toString());
        }
        return all + more(entry.length(), shown);
    }

    private static String more(int length, int shown) {
        return length > shown ? " ... (" + (length - shown) + " more)" : "";
    }
}
