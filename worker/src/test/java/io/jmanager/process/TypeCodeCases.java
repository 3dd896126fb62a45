package io.jmanager.process;

import io.jmanager.TypeCode;
import java.util.List;

/**
 * The values written by {@link TypeCodeWorker} and expected by the parent, per typecode: element 0 is the minimum,
 * element 1 the maximum, the rest edge values. Every value is of the typecode's {@link TypeCode#javaType()}, so
 * {@code equals} is an exact comparison (floats and doubles by their bits: NaN equals NaN, -0.0 differs from 0.0).
 */
final class TypeCodeCases {
    private TypeCodeCases() {
    }

    static List<Object> extremes(TypeCode code) {
        switch (code) {
            case SIGNED_CHAR: return List.of(-128, 127, 0, -1, 1);
            case UNSIGNED_CHAR: return List.of(0, 255, 1, 127, 128);
            case SHORT: return List.of(-32768, 32767, 0, -1, 1);
            case UNSIGNED_SHORT: return List.of(0, 65535, 1, 32767, 32768);
            case INT: return List.of(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1, 1);
            case UNSIGNED_INT: return List.of(0L, 4_294_967_295L, 1L, 2_147_483_647L, 2_147_483_648L);
            case LONG: case LONG_LONG: return List.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L, 1L);
            case UNSIGNED_LONG: case UNSIGNED_LONG_LONG:
                return List.of(0L, Long.MAX_VALUE, 1L, 4_294_967_296L, Long.MAX_VALUE - 1);
            case FLOAT:
                return List.of(-Float.MAX_VALUE, Float.MAX_VALUE, Float.MIN_VALUE, -Float.MIN_VALUE,
                        Float.MIN_NORMAL, 0.0f, -0.0f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                        0.1f, (float) (1.0 / 3));
            case DOUBLE:
                return List.of(-Double.MAX_VALUE, Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE,
                        Double.MIN_NORMAL, 0.0, -0.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                        0.1, 1.0 / 3);
            case CHAR: return List.of(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0, (byte) -1, (byte) 'A');
            case WCHAR: return List.of('\u0000', '\uffff', 'A', '\u00e9', '\ud800', '\u4e2d');
            default: throw new IllegalArgumentException("no cases for " + code);
        }
    }

    /** A zero of the typecode's Java type, for creating objects before the child writes them. */
    static Object zero(TypeCode code) {
        Class<?> t = code.javaType();
        if (t == Integer.class) {
            return 0;
        }
        if (t == Long.class) {
            return 0L;
        }
        if (t == Float.class) {
            return 0.0f;
        }
        if (t == Double.class) {
            return 0.0;
        }
        if (t == Byte.class) {
            return (byte) 0;
        }
        return '\u0000';
    }

    static String valueName(TypeCode code, String which) {
        return "tc/" + code.code() + "/" + which;
    }

    /** Struct elements: every field at its minimum, at its maximum, then edge values. */
    static List<Primitives> structs() {
        return List.of(
                new Primitives(Byte.MIN_VALUE, Short.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE, -Float.MAX_VALUE,
                        -Double.MAX_VALUE, '\u0000'),
                new Primitives(Byte.MAX_VALUE, Short.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE, Float.MAX_VALUE,
                        Double.MAX_VALUE, '\uffff'),
                new Primitives((byte) -1, (short) -1, -1, -1L, Float.NaN, -0.0, '\u00e9'),
                new Primitives((byte) 0, (short) 0, 0, 0L, Float.MIN_VALUE, Double.MIN_VALUE, '\ud800'),
                new Primitives((byte) 1, (short) 1, 1, 1L, Float.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 'A'));
    }
}
