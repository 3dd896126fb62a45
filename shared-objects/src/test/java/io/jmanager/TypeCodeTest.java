package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

class TypeCodeTest {

    /** Integral typecodes with their smallest and largest values (as {@code javaType()}). */
    static Stream<Arguments> integralRanges() {
        return Stream.of(
                Arguments.of(TypeCode.SIGNED_CHAR, -128, 127),
                Arguments.of(TypeCode.UNSIGNED_CHAR, 0, 255),
                Arguments.of(TypeCode.SHORT, -32768, 32767),
                Arguments.of(TypeCode.UNSIGNED_SHORT, 0, 65535),
                Arguments.of(TypeCode.INT, Integer.MIN_VALUE, Integer.MAX_VALUE),
                Arguments.of(TypeCode.UNSIGNED_INT, 0L, 4294967295L),
                Arguments.of(TypeCode.LONG, Long.MIN_VALUE, Long.MAX_VALUE),
                Arguments.of(TypeCode.UNSIGNED_LONG, 0L, Long.MAX_VALUE),
                Arguments.of(TypeCode.LONG_LONG, Long.MIN_VALUE, Long.MAX_VALUE),
                Arguments.of(TypeCode.UNSIGNED_LONG_LONG, 0L, Long.MAX_VALUE));
    }

    @ParameterizedTest
    @MethodSource("integralRanges")
    void integralMinAndMaxRoundTrip(TypeCode type, Number min, Number max) {
        assertEquals(min, type.fromBits(type.toBits(min)));
        assertEquals(max, type.fromBits(type.toBits(max)));
        assertEquals(type.javaType(), type.fromBits(type.toBits(max)).getClass());
        assertDoesNotThrow(() -> type.checkBits(min.longValue()));
        assertDoesNotThrow(() -> type.checkBits(max.longValue()));
        assertEquals(min + ".." + max, type.rangeDescription());
    }

    @ParameterizedTest
    @MethodSource("integralRanges")
    void integralBeyondMinAndMaxIsRejected(TypeCode type, Number min, Number max) {
        BigInteger belowMin = BigInteger.valueOf(min.longValue()).subtract(BigInteger.ONE);
        BigInteger aboveMax = BigInteger.valueOf(max.longValue()).add(BigInteger.ONE);
        String range = " is out of range for typecode '" + type.code() + "' (" + min + ".." + max + ")";

        assertRejected(belowMin + range, () -> type.toBits(belowMin));
        assertRejected(aboveMax + range, () -> type.toBits(aboveMax));
        if (belowMin.bitLength() < 64) {
            assertRejected(belowMin + range, () -> type.toBits(belowMin.longValueExact()));
            assertRejected(belowMin + range, () -> type.checkBits(belowMin.longValueExact()));
        }
        if (aboveMax.bitLength() < 64) {
            assertRejected(aboveMax + range, () -> type.toBits(aboveMax.longValueExact()));
            assertRejected(aboveMax + range, () -> type.checkBits(aboveMax.longValueExact()));
        }
    }

    @Test
    void storing300InSignedCharFails() {
        assertRejected("300 is out of range for typecode 'b' (-128..127)", () -> TypeCode.of('b').toBits(300));
    }

    @Test
    void fractionalValueIntoIntFails() {
        assertRejected("typecode 'i' takes an integer, got java.lang.Double 1.5", () -> TypeCode.INT.toBits(1.5));
        assertRejected("typecode 'i' takes an integer, got java.math.BigDecimal 2.5",
                () -> TypeCode.INT.toBits(new BigDecimal("2.5")));
        assertRejected("typecode 'i' takes an integer, got java.lang.Double NaN",
                () -> TypeCode.INT.toBits(Double.NaN));
        assertRejected("typecode 'i' takes an integer, got java.lang.String 7", () -> TypeCode.INT.toBits("7"));
    }

    @Test
    void integralCodesTakeEveryIntegralNumber() {
        TypeCode type = TypeCode.LONG_LONG;
        assertEquals(5, type.toBits((byte) 5));
        assertEquals(5, type.toBits((short) 5));
        assertEquals(5, type.toBits(5));
        assertEquals(5, type.toBits(5L));
        assertEquals(5, type.toBits(BigInteger.valueOf(5)));
        assertEquals(5, type.toBits(new AtomicInteger(5)));
        assertEquals(5, type.toBits(new AtomicLong(5)));
        assertEquals(5, type.toBits(5.0));
        assertEquals(5, type.toBits(5.0f));
        assertEquals(500, type.toBits(new BigDecimal("5.00E+2")));
    }

    @Test
    void hugeNumbersAreOutOfRangeNotSlow() {
        assertRejected("1E+999999999 is out of range for typecode 'q' (-9223372036854775808..9223372036854775807)",
                () -> TypeCode.LONG_LONG.toBits(new BigDecimal("1E+999999999")));
        assertRejected("100000000000000000000 is out of range for typecode 'i' (-2147483648..2147483647)",
                () -> TypeCode.INT.toBits(1e20));
    }

    @Test
    void nullIsRejected() {
        assertRejected("typecode 'i' does not take null", () -> TypeCode.INT.toBits(null));
        assertRejected("typecode 'f' does not take a null delta", () -> TypeCode.FLOAT.deltaBits(null));
    }

    @Test
    void floatRoundsToFloatPrecision() {
        long bits = TypeCode.FLOAT.toBits(0.1);
        assertEquals(Double.doubleToRawLongBits((double) 0.1f), bits);
        assertEquals(0.1f, TypeCode.FLOAT.fromBits(bits));
        assertDoesNotThrow(() -> TypeCode.FLOAT.checkBits(bits));
        assertRejected("0.1 is not exactly representable as a float for typecode 'f'",
                () -> TypeCode.FLOAT.checkBits(Double.doubleToRawLongBits(0.1)));
    }

    @Test
    void floatMinAndMaxRoundTrip() {
        for (float value : new float[] {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 0f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
            long bits = TypeCode.FLOAT.toBits(value);
            assertEquals(value, TypeCode.FLOAT.fromBits(bits));
            assertDoesNotThrow(() -> TypeCode.FLOAT.checkBits(bits));
        }
        assertEquals(Float.POSITIVE_INFINITY, TypeCode.FLOAT.fromBits(TypeCode.FLOAT.toBits(1e300)));
        assertRejected("typecode 'f' takes a number, got java.lang.String 1.0", () -> TypeCode.FLOAT.toBits("1.0"));
    }

    @Test
    void doubleMinAndMaxRoundTrip() {
        for (double value : new double[] {Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_VALUE, 0.1,
                Double.NEGATIVE_INFINITY, Double.NaN}) {
            long bits = TypeCode.DOUBLE.toBits(value);
            assertEquals(value, TypeCode.DOUBLE.fromBits(bits));
            assertDoesNotThrow(() -> TypeCode.DOUBLE.checkBits(bits));
        }
        assertEquals(3.0, TypeCode.DOUBLE.fromBits(TypeCode.DOUBLE.toBits(3)));
        assertEquals("any double", TypeCode.DOUBLE.rangeDescription());
    }

    @Test
    void charTakesOneByte() {
        TypeCode c = TypeCode.CHAR;
        assertEquals(65, c.toBits('A'));
        assertEquals((byte) 'A', c.fromBits(c.toBits('A')));
        assertEquals(255, c.toBits((byte) -1));
        assertEquals((byte) -1, c.fromBits(255));
        assertEquals(120, c.toBits("x"));
        assertEquals(7, c.toBits(new byte[] {7}));
        assertEquals(233, c.toBits('é'));
        assertEquals(128, c.toBits(-128));
        assertEquals(255, c.toBits(255));
        assertEquals("0..255", c.rangeDescription());

        assertRejected("-129 is out of range for typecode 'c' (-128..255)", () -> c.toBits(-129));
        assertRejected("256 is out of range for typecode 'c' (-128..255)", () -> c.toBits(256));
        assertRejected("256 is out of range for typecode 'c' (0..255)", () -> c.checkBits(256));
        assertRejected("-1 is out of range for typecode 'c' (0..255)", () -> c.checkBits(-1));
        String expected = "typecode 'c' takes a single byte (a Byte, an integer in -128..255, a char in 0..255,"
                + " or a String or byte[] of length 1), got ";
        assertRejected(expected + "java.lang.String xy", () -> c.toBits("xy"));
        assertRejected(expected + "java.lang.Character €", () -> c.toBits('€'));
        assertRejected(expected + "byte[] [1, 2]", () -> c.toBits(new byte[] {1, 2}));
    }

    @Test
    void wcharTakesOneUtf16Char() {
        TypeCode u = TypeCode.WCHAR;
        assertEquals(0xE9, u.toBits('é'));
        assertEquals(0xE9, u.toBits("é"));
        assertEquals('é', u.fromBits(u.toBits('é')));
        assertEquals(Character.MIN_VALUE, u.fromBits(u.toBits(Character.MIN_VALUE)));
        assertEquals(Character.MAX_VALUE, u.fromBits(u.toBits(Character.MAX_VALUE)));
        assertEquals(65535, u.toBits(65535));

        assertRejected("-1 is out of range for typecode 'u' (0..65535)", () -> u.toBits(-1));
        assertRejected("65536 is out of range for typecode 'u' (0..65535)", () -> u.toBits(65536));
        assertRejected("65536 is out of range for typecode 'u' (0..65535)", () -> u.checkBits(65536));
        String expected = "typecode 'u' takes a single UTF-16 char (a Character, a String of length 1,"
                + " or an integer in 0..65535), got java.lang.String ";
        assertRejected(expected + "ab", () -> u.toBits("ab"));
        assertRejected(expected + "\uD83D\uDE00", () -> u.toBits("\uD83D\uDE00"));
    }

    @Test
    void addBitsChecksRange() {
        assertEquals(127, TypeCode.SIGNED_CHAR.addBits(126, TypeCode.SIGNED_CHAR.deltaBits(1)));
        assertRejected("127 + 1 = 128 is out of range for typecode 'b' (-128..127)",
                () -> TypeCode.SIGNED_CHAR.addBits(127, TypeCode.SIGNED_CHAR.deltaBits(1)));
        assertRejected("0 + -1 = -1 is out of range for typecode 'B' (0..255)",
                () -> TypeCode.UNSIGNED_CHAR.addBits(0, TypeCode.UNSIGNED_CHAR.deltaBits(-1)));
        assertRejected("9223372036854775807 + 1 = 9223372036854775808 is out of range for typecode 'q'"
                        + " (-9223372036854775808..9223372036854775807)",
                () -> TypeCode.LONG_LONG.addBits(Long.MAX_VALUE, 1));
        assertRejected("-9223372036854775808 + -1 = -9223372036854775809 is out of range for typecode 'l'"
                        + " (-9223372036854775808..9223372036854775807)",
                () -> TypeCode.LONG.addBits(Long.MIN_VALUE, -1));
        assertRejected("255 + 1 = 256 is out of range for typecode 'c' (0..255)",
                () -> TypeCode.CHAR.addBits(255, 1));
        assertRejected("65535 + 1 = 65536 is out of range for typecode 'u' (0..65535)",
                () -> TypeCode.WCHAR.addBits(65535, 1));
        assertRejected("typecode 'i' takes an integer, got java.lang.Double 0.5",
                () -> TypeCode.INT.deltaBits(0.5));
    }

    @Test
    void addBitsForFloatingCodes() {
        TypeCode f = TypeCode.FLOAT;
        long sum = f.addBits(f.toBits(0.1f), f.deltaBits(0.2f));
        assertEquals(0.1f + 0.2f, f.fromBits(sum));
        assertDoesNotThrow(() -> f.checkBits(sum));
        TypeCode d = TypeCode.DOUBLE;
        assertEquals(0.1 + 0.2, d.fromBits(d.addBits(d.toBits(0.1), d.deltaBits(0.2))));
        assertEquals(Double.doubleToRawLongBits(1.5), d.deltaBits(1.5));
    }

    @Test
    void bitsEqualIsNumericEquality() {
        TypeCode d = TypeCode.DOUBLE;
        assertTrue(d.bitsEqual(d.toBits(0.0), d.toBits(-0.0)));
        assertFalse(d.bitsEqual(d.toBits(Double.NaN), d.toBits(Double.NaN)));
        assertTrue(d.bitsEqual(d.toBits(2.5), d.toBits(2.5)));
        assertTrue(TypeCode.INT.bitsEqual(7, 7));
        assertFalse(TypeCode.INT.bitsEqual(7, 8));
    }

    @Test
    void compareBitsIsNumericOrder() {
        TypeCode d = TypeCode.DOUBLE;
        assertTrue(d.compareBits(d.toBits(-1.0), d.toBits(0.5)) < 0);
        assertTrue(d.compareBits(d.toBits(2.0), d.toBits(-3.0)) > 0);
        assertTrue(TypeCode.LONG.compareBits(-1, 1) < 0);
        assertEquals(0, TypeCode.LONG.compareBits(4, 4));
    }

    @Test
    void lookupByCode() {
        assertEquals("bBhHiIlLqQfdcu",
                Stream.of(TypeCode.values()).map(t -> String.valueOf(t.code())).reduce("", String::concat));
        for (TypeCode type : TypeCode.values()) {
            assertEquals(type, TypeCode.of(type.code()));
            assertEquals(type, TypeCode.of(String.valueOf(type.code())));
        }
        String valid = ": use one of b B h H i I l L q Q f d c u";
        assertRejected("unknown typecode 'x'" + valid, () -> TypeCode.of('x'));
        assertRejected("unknown typecode '\u00e9'" + valid, () -> TypeCode.of('é'));
        assertRejected("unknown typecode \"ii\"" + valid, () -> TypeCode.of("ii"));
        assertRejected("unknown typecode null" + valid, () -> TypeCode.of(null));
    }

    @ParameterizedTest
    @EnumSource(TypeCode.class)
    void sizesAndKinds(TypeCode type) {
        List<Integer> sizes = List.of(1, 1, 2, 2, 4, 4, 8, 8, 8, 8, 4, 8, 1, 4);
        List<Class<?>> javaTypes = List.of(Integer.class, Integer.class, Integer.class, Integer.class, Integer.class,
                Long.class, Long.class, Long.class, Long.class, Long.class,
                Float.class, Double.class, Byte.class, Character.class);
        int ordinal = type.ordinal();
        assertAll(
                () -> assertEquals(sizes.get(ordinal), type.byteSize()),
                () -> assertEquals(javaTypes.get(ordinal), type.javaType()),
                () -> assertInstanceOf(type.javaType(), type.fromBits(type.toBits(1))),
                () -> assertEquals(ordinal <= TypeCode.UNSIGNED_LONG_LONG.ordinal(), type.isIntegral()),
                () -> assertEquals(type == TypeCode.FLOAT || type == TypeCode.DOUBLE, type.isFloating()));
    }

    private static void assertRejected(String expectedMessage, Executable call) {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expectedMessage, thrown.getMessage());
    }
}
