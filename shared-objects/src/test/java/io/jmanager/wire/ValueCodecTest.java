package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ValueCodecTest {
    record Point(int x, String label) implements Serializable {
    }

    /** A serializable class that refuses to be read back. */
    static final class Bomb implements Serializable {
        private static final long serialVersionUID = 1L;
        final int payload = 7;

        private void readObject(ObjectInputStream in) {
            throw new IllegalStateException("Bomb must never be deserialized");
        }
    }

    /** Serializable, but holding something that is not. */
    static final class Holder implements Serializable {
        private static final long serialVersionUID = 1L;
        final Object inside = new Object();
    }

    private static byte[] enc(Object v) {
        return ValueCodec.encode(v, null);
    }

    /** This test's own classes, declared as an application declares its value classes. */
    private static final ValueFilter TEST_CLASSES = ValueFilter.defaults().allowClasses(Point.class, Bomb.class,
            Holder.class);

    private static Object dec(byte[] b) {
        return ValueCodec.decode(b, null, TEST_CLASSES);
    }

    static Stream<Arguments> everyTag() {
        return Stream.of(
                Arguments.of(null, ValueCodec.NULL),
                Arguments.of(false, ValueCodec.FALSE),
                Arguments.of(true, ValueCodec.TRUE),
                Arguments.of(0, ValueCodec.INT),
                Arguments.of(Integer.MIN_VALUE, ValueCodec.INT),
                Arguments.of(Integer.MAX_VALUE, ValueCodec.INT),
                Arguments.of(Long.MIN_VALUE, ValueCodec.LONG),
                Arguments.of(-1L, ValueCodec.LONG),
                Arguments.of(Math.PI, ValueCodec.DOUBLE),
                Arguments.of(-0.0, ValueCodec.DOUBLE),
                Arguments.of(Double.NaN, ValueCodec.DOUBLE),
                Arguments.of(Double.NEGATIVE_INFINITY, ValueCodec.DOUBLE),
                Arguments.of("", ValueCodec.STRING),
                Arguments.of("plain ascii", ValueCodec.STRING),
                Arguments.of("grüße, 日本語, \u0000 nul", ValueCodec.STRING),
                Arguments.of("pair \uD83D\uDE00 emoji", ValueCodec.STRING),
                Arguments.of("lone high \uD800 in the middle", ValueCodec.STRING_UTF16),
                Arguments.of("\uDC00 lone low first", ValueCodec.STRING_UTF16),
                Arguments.of("ends high \uD83D", ValueCodec.STRING_UTF16),
                Arguments.of("reversed \uDE00\uD83D pair", ValueCodec.STRING_UTF16),
                Arguments.of("\uD800", ValueCodec.STRING_UTF16),
                Arguments.of(new byte[0], ValueCodec.BYTES),
                Arguments.of(new byte[] {0, -1, 127, -128}, ValueCodec.BYTES),
                Arguments.of(new ValueCodec.Reference("some/dict", ObjectType.DICT), ValueCodec.REFERENCE),
                Arguments.of(new ValueCodec.Reference("b", ObjectType.BARRIER), ValueCodec.REFERENCE),
                Arguments.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"), ValueCodec.SERIALIZED),
                Arguments.of(new Point(3, "p"), ValueCodec.SERIALIZED),
                Arguments.of(TimeUnit.SECONDS, ValueCodec.SERIALIZED),
                Arguments.of(new ArrayList<>(List.of(1, "two")), ValueCodec.SERIALIZED),
                Arguments.of(1.5f, ValueCodec.FLOAT),
                Arguments.of(Float.NaN, ValueCodec.FLOAT),
                Arguments.of((short) -300, ValueCodec.SHORT),
                Arguments.of((byte) -7, ValueCodec.BYTE),
                Arguments.of('x', ValueCodec.CHAR),
                Arguments.of('\uD800', ValueCodec.CHAR));
    }

    @ParameterizedTest
    @MethodSource("everyTag")
    void roundTripsEveryTag(Object value, byte tag) {
        byte[] bytes = enc(value);
        assertEquals(tag, ValueCodec.tag(bytes));
        Object back = dec(bytes);
        if (value instanceof byte[] array) {
            assertArrayEquals(array, (byte[]) back);
        } else {
            assertEquals(value, back);
        }
        assertArrayEquals(bytes, enc(back), "re-encoding the decoded value gives the same bytes");
    }

    @Test
    void referencesGoThroughTheResolver() {
        ValueCodec.Reference ref = new ValueCodec.Reference("q", ObjectType.QUEUE);
        Object proxy = new Object();
        ValueCodec.References refs = new ValueCodec.References() {
            @Override
            public ValueCodec.Reference referenceOf(Object value) {
                return value == proxy ? ref : null;
            }

            @Override
            public Object resolve(ValueCodec.Reference reference) {
                assertEquals(ref, reference);
                return proxy;
            }
        };
        byte[] bytes = ValueCodec.encode(proxy, refs);
        assertArrayEquals(ValueCodec.encodeReference(ref), bytes);
        assertSame(proxy, ValueCodec.decode(bytes, refs));
        assertEquals(ref, ValueCodec.decode(bytes, null));
        assertEquals("a reference to queue 'q'", ValueCodec.describe(bytes));
    }

    @Test
    void equalValuesEncodeToEqualBytes() {
        assertArrayEquals(enc("text"), enc(new String("text".toCharArray())));
        assertArrayEquals(enc(1000), enc(Integer.valueOf(1000)));
        assertArrayEquals(enc(new Point(1, "a")), enc(new Point(1, "a")));
        assertArrayEquals(enc(UUID.fromString("00000000-0000-0001-0000-000000000002")), enc(new UUID(1, 2)));
        assertArrayEquals(enc(Double.NaN), enc(Double.longBitsToDouble(0x7ff8000000000123L)), "canonical NaN");
        assertArrayEquals(enc(Float.NaN), enc(Float.intBitsToFloat(0x7fc00123)));
        assertArrayEquals(enc("a\uD800"), enc(new String("a\uD800".toCharArray())));
        assertArrayEquals(enc(new byte[] {1, 2}), enc(new byte[] {1, 2}));
    }

    @Test
    void differentTypesEncodeDifferently() {
        List<byte[]> ones = List.of(enc(1), enc(1L), enc(1.0), enc(1.0f), enc((short) 1), enc((byte) 1), enc("1"),
                enc('1'), enc(true), enc(new byte[] {1}));
        for (int i = 0; i < ones.size(); i++) {
            for (int j = i + 1; j < ones.size(); j++) {
                assertFalse(Arrays.equals(ones.get(i), ones.get(j)), i + " vs " + j);
            }
        }
        assertFalse(Arrays.equals(enc(0.0), enc(-0.0)), "Double.equals tells them apart too");
    }

    @Test
    void nonSerializableValuesAreRefusedNamingTheClass() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> enc(new Object()));
        assertTrue(e.getMessage().contains("java.lang.Object"), e.getMessage());
        assertTrue(e.getMessage().contains("not java.io.Serializable"), e.getMessage());
        IllegalArgumentException inner = assertThrows(IllegalArgumentException.class, () -> enc(new Holder()));
        assertTrue(inner.getMessage().contains(Holder.class.getName()), inner.getMessage());
        assertTrue(inner.getMessage().contains("java.lang.Object"), inner.getMessage());
        Thread thread = Thread.currentThread();
        assertTrue(assertThrows(IllegalArgumentException.class, () -> enc(thread)).getMessage()
                .contains("java.lang.Thread"));
    }

    @Test
    void describeNamesTheClassOfASerializedValueWithoutDeserializing() {
        assertEquals("a java.util.UUID (serialized)", ValueCodec.describe(enc(new UUID(1, 2))));
        assertEquals("a " + Point.class.getName() + " (serialized)", ValueCodec.describe(enc(new Point(1, "a"))));
        assertEquals("a java.util.concurrent.TimeUnit (serialized)", ValueCodec.describe(enc(TimeUnit.SECONDS)));
        assertEquals("a [I (serialized)", ValueCodec.describe(enc(new int[] {1})));
        byte[] bomb = enc(new Bomb());
        assertEquals("a " + Bomb.class.getName() + " (serialized)", ValueCodec.describe(bomb));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> dec(bomb));
        assertTrue(e.getMessage().contains("Bomb must never be deserialized")
                || String.valueOf(e.getCause()).contains("Bomb must never"), e.toString());

        // a class that does not exist here: describe reads the name from the stream, decode cannot load it
        String name = Bomb.class.getName();
        String other = name.substring(0, name.length() - 1) + "X";
        byte[] missing = replace(bomb, name.getBytes(StandardCharsets.UTF_8), other.getBytes(StandardCharsets.UTF_8));
        assertEquals("a " + other + " (serialized)", ValueCodec.describe(missing));
        IllegalArgumentException notHere = assertThrows(IllegalArgumentException.class, () -> dec(missing));
        assertTrue(notHere.getMessage().contains(other), notHere.getMessage());
    }

    private static byte[] replace(byte[] in, byte[] what, byte[] with) {
        assertEquals(what.length, with.length);
        byte[] out = in.clone();
        for (int i = 0; i + what.length <= out.length; i++) {
            if (Arrays.equals(out, i, i + what.length, what, 0, what.length)) {
                System.arraycopy(with, 0, out, i, with.length);
                return out;
            }
        }
        fail("not found");
        return null;
    }

    @Test
    void describeOfEveryTag() {
        assertEquals("nothing", ValueCodec.describe(null));
        assertEquals("nothing", ValueCodec.describe(new byte[0]));
        assertEquals("null", ValueCodec.describe(enc(null)));
        assertEquals("a Boolean", ValueCodec.describe(enc(true)));
        assertEquals("an Integer", ValueCodec.describe(enc(1)));
        assertEquals("a Long", ValueCodec.describe(enc(1L)));
        assertEquals("a Double", ValueCodec.describe(enc(1.0)));
        assertEquals("a String", ValueCodec.describe(enc("s")));
        assertEquals("a String", ValueCodec.describe(enc("\uD800")));
        assertEquals("a byte[]", ValueCodec.describe(enc(new byte[1])));
        assertEquals("a Float", ValueCodec.describe(enc(1f)));
        assertEquals("a Short", ValueCodec.describe(enc((short) 1)));
        assertEquals("a Byte", ValueCodec.describe(enc((byte) 1)));
        assertEquals("a Character", ValueCodec.describe(enc('c')));
        assertEquals("an unknown value (tag 99)", ValueCodec.describe(new byte[] {99}));
    }

    @Test
    void addKeepsTheStoredType() {
        assertArrayEquals(enc(5), ValueCodec.add(enc(2), enc(3)));
        assertArrayEquals(enc(5), ValueCodec.add(enc(2), enc(3L)));
        assertArrayEquals(enc(5L), ValueCodec.add(enc(2L), enc(3)));
        assertArrayEquals(enc((short) 5), ValueCodec.add(enc((short) 2), enc((byte) 3)));
        assertArrayEquals(enc((byte) -1), ValueCodec.add(enc((byte) 2), enc(-3L)));
        assertArrayEquals(enc(2.5), ValueCodec.add(enc(2.0), enc(0.5f)));
        assertArrayEquals(enc(3.0), ValueCodec.add(enc(2.0), enc(1)));
        assertArrayEquals(enc(2.5f), ValueCodec.add(enc(2.0f), enc(0.5)));
        assertArrayEquals(enc(Long.MIN_VALUE), ValueCodec.add(enc(-1L), enc(Long.MIN_VALUE + 1)));
    }

    @Test
    void addOfNothingTakesTheDeltaAsItIs() {
        byte[] delta = enc(7L);
        byte[] sum = ValueCodec.add(null, delta);
        assertArrayEquals(delta, sum);
        assertNotSame(delta, sum);
    }

    @Test
    void addRefusesOverflowFractionsAndNonNumbers() {
        assertOverflow(enc(Integer.MAX_VALUE), enc(1), "Integer");
        assertOverflow(enc(Integer.MIN_VALUE), enc(-1L), "Integer");
        assertOverflow(enc(Long.MAX_VALUE), enc(1), "Long");
        assertOverflow(enc(Long.MIN_VALUE), enc(Long.MIN_VALUE), "Long");
        assertOverflow(enc(Short.MAX_VALUE), enc((short) 1), "Short");
        assertOverflow(enc(Byte.MIN_VALUE), enc((byte) -1), "Byte");
        assertOverflow(enc((byte) 0), enc(Long.MAX_VALUE), "Byte");
        assertOverflow(enc(5), enc(Long.MAX_VALUE), "Integer");
        assertOverflow(enc((short) -5), enc(Long.MIN_VALUE), "Short");
        IllegalArgumentException fraction = assertThrows(IllegalArgumentException.class,
                () -> ValueCodec.add(enc(1), enc(0.5)));
        assertTrue(fraction.getMessage().contains("a Double"), fraction.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.add(enc(1L), enc(1.0f)));
        for (Object notNumber : new Object[] {"1", null, true, 'c', new byte[] {1}, new UUID(0, 0)}) {
            assertThrows(IllegalArgumentException.class, () -> ValueCodec.add(enc(notNumber), enc(1)), "current");
            assertThrows(IllegalArgumentException.class, () -> ValueCodec.add(enc(1), enc(notNumber)), "delta");
            assertThrows(IllegalArgumentException.class, () -> ValueCodec.add(null, enc(notNumber)), "delta");
        }
    }

    private static void assertOverflow(byte[] current, byte[] delta, String type) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ValueCodec.add(current, delta));
        assertTrue(e.getMessage().contains("overflows " + type), e.getMessage());
    }

    @Test
    void compareOrdersNumbersNumericallyAcrossTypes() {
        assertTrue(ValueCodec.compare(enc(1), enc(2L)) < 0);
        assertTrue(ValueCodec.compare(enc(2.5), enc(2)) > 0);
        assertEquals(0, ValueCodec.compare(enc(2), enc(2.0f)));
        assertEquals(0, ValueCodec.compare(enc((byte) 3), enc((short) 3)));
        assertTrue(ValueCodec.compare(enc(Long.MAX_VALUE), enc(Long.MAX_VALUE - 1)) > 0, "exact for longs");
        assertTrue(ValueCodec.compare(enc(Double.NEGATIVE_INFINITY), enc(Long.MIN_VALUE)) < 0);
        assertTrue(ValueCodec.compare(enc(Double.POSITIVE_INFINITY), enc(Long.MAX_VALUE)) > 0);
        assertTrue(ValueCodec.compare(enc(Double.NaN), enc(Double.POSITIVE_INFINITY)) > 0, "NaN sorts last");
        assertTrue(ValueCodec.compare(enc(Double.NaN), enc(Long.MAX_VALUE)) > 0);
        assertEquals(0, ValueCodec.compare(enc(Double.NaN), enc(Float.NaN)));
        assertEquals(0, ValueCodec.compare(enc(-0.0), enc(0)));
        assertEquals(0, ValueCodec.compare(enc(-0.0), enc(0.0)), "-0.0 == 0.0 as numbers, as in Python");
    }

    @Test
    void compareOfLongsAndDoublesIsExactAndTransitive() {
        long big = 1L << 53;
        byte[] a = enc(big + 1);
        byte[] b = enc((double) big);
        byte[] c = enc(big);
        assertTrue(ValueCodec.compare(a, b) > 0, "2^53+1 > 2^53 even though (double) (2^53+1) == 2^53");
        assertEquals(0, ValueCodec.compare(b, c));
        assertTrue(ValueCodec.compare(a, c) > 0);
        assertTrue(ValueCodec.compare(enc(Long.MAX_VALUE), enc(0x1p63)) < 0, "2^63-1 < 2^63");
        assertTrue(ValueCodec.compare(enc(Long.MIN_VALUE), enc(-0x1p63)) == 0);
        assertTrue(ValueCodec.compare(enc(Long.MIN_VALUE + 1), enc(-0x1p63)) > 0);
        // transitivity over a mixed sample
        Random random = new Random(7);
        List<byte[]> values = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            long base = (1L << 53) + random.nextInt(8) - 4;
            values.add(random.nextBoolean() ? enc(base) : enc((double) base));
            values.add(enc(random.nextInt(5) - 2));
            values.add(enc(random.nextDouble() * 4 - 2));
        }
        values.add(enc(-0.0));
        values.add(enc(0.0));
        values.add(enc(Double.NaN));
        for (byte[] x : values) {
            for (byte[] y : values) {
                assertEquals(Integer.signum(ValueCodec.compare(x, y)), -Integer.signum(ValueCodec.compare(y, x)));
                for (byte[] z : values) {
                    if (ValueCodec.compare(x, y) <= 0 && ValueCodec.compare(y, z) <= 0) {
                        assertTrue(ValueCodec.compare(x, z) <= 0, dec(x) + " <= " + dec(y) + " <= " + dec(z));
                    }
                }
            }
        }
    }

    @Test
    void compareOrdersStringsByUtf16Units() {
        assertTrue(ValueCodec.compare(enc("a"), enc("b")) < 0);
        assertTrue(ValueCodec.compare(enc("B"), enc("a")) < 0);
        assertEquals(0, ValueCodec.compare(enc("x"), enc("x")));
        assertTrue(ValueCodec.compare(enc("\uD83D\uDE00"), enc("\uFFFF")) < 0, "UTF-16 order, not code points");
        assertTrue(ValueCodec.compare(enc("a\uD800"), enc("a\uD83D\uDE00")) < 0);
        assertTrue(ValueCodec.compare(enc("a"), enc("a\uD800")) < 0);
    }

    @Test
    void compareRefusesOtherTypes() {
        Object[][] pairs = {{1, "1"}, {"1", 1}, {null, null}, {true, false}, {'a', 'b'}, {new byte[0], new byte[0]},
                {new UUID(0, 1), new UUID(0, 2)}, {1, null}};
        for (Object[] pair : pairs) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ValueCodec.compare(enc(pair[0]), enc(pair[1])));
            assertTrue(e.getMessage().contains("sorts numbers or strings"), e.getMessage());
        }
    }

    static Stream<byte[]> malformed() {
        return Stream.of(
                new byte[0],
                new byte[] {ValueCodec.INT, 1, 2},
                new byte[] {ValueCodec.INT, 1, 2, 3, 4, 5},
                new byte[] {ValueCodec.LONG},
                new byte[] {ValueCodec.DOUBLE, 1},
                new byte[] {ValueCodec.FLOAT, 1, 2, 3},
                new byte[] {ValueCodec.DOUBLE, 0x7f, (byte) 0xf8, 0, 0, 0, 1, 0, 1}, // a NaN, not the canonical one
                new byte[] {ValueCodec.FLOAT, (byte) 0xff, (byte) 0xc0, 0, 0}, // likewise (a negative NaN)
                new byte[] {ValueCodec.SHORT, 1},
                new byte[] {ValueCodec.BYTE},
                new byte[] {ValueCodec.BYTE, 1, 2},
                new byte[] {ValueCodec.CHAR, 1},
                new byte[] {ValueCodec.NULL, 5},
                new byte[] {ValueCodec.TRUE, 0},
                new byte[] {ValueCodec.FALSE, 0, 0},
                new byte[] {ValueCodec.STRING, (byte) 0xFF},
                new byte[] {ValueCodec.STRING, (byte) 0xC3},
                new byte[] {ValueCodec.STRING, (byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {ValueCodec.STRING_UTF16, 0},
                new byte[] {ValueCodec.STRING_UTF16, 0, 65, 0},
                new byte[] {ValueCodec.STRING_UTF16, 0, 65}, // "A", whose one encoding is UTF-8 (tag 6)
                new byte[] {ValueCodec.STRING_UTF16}, // "", likewise
                new byte[] {ValueCodec.REFERENCE},
                new byte[] {ValueCodec.REFERENCE, 0},
                new byte[] {ValueCodec.REFERENCE, 99, 'a'},
                new byte[] {ValueCodec.REFERENCE, -1, 'a'},
                new byte[] {ValueCodec.REFERENCE, 0, 'a', (byte) 0xAD}, // a name that is not UTF-8
                new byte[] {ValueCodec.SERIALIZED},
                new byte[] {ValueCodec.SERIALIZED, 1, 2, 3},
                new byte[] {ValueCodec.SERIALIZED, (byte) 0xAC, (byte) 0xED, 0, 5},
                new byte[] {ValueCodec.SERIALIZED, (byte) 0xAC, (byte) 0xED, 0, 5, 0x73, 0x72, 0, 50, 'a'},
                new byte[] {15},
                new byte[] {-1},
                new byte[] {Byte.MIN_VALUE, 1, 2});
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void malformedInputIsAnIllegalArgument(byte[] bytes) {
        assertThrows(IllegalArgumentException.class, () -> dec(bytes));
        assertOnlyIllegalArgument(() -> ValueCodec.add(bytes, enc(1)));
        assertOnlyIllegalArgument(() -> ValueCodec.add(enc(1), bytes));
        assertOnlyIllegalArgument(() -> ValueCodec.add(null, bytes));
        assertOnlyIllegalArgument(() -> ValueCodec.compare(bytes, enc(1)));
        assertOnlyIllegalArgument(() -> ValueCodec.compare(enc("s"), bytes));
        assertOnlyIllegalArgument(() -> ValueCodec.tag(bytes));
        assertOnlyIllegalArgument(() -> ValueCodec.isNumber(bytes));
        assertOnlyIllegalArgument(() -> ValueCodec.decodeReference(bytes));
        String description = ValueCodec.describe(bytes);
        assertTrue(description != null && !description.isEmpty());
    }

    @Test
    void nullInputIsAnIllegalArgument() {
        assertThrows(IllegalArgumentException.class, () -> dec(null));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.add(enc(1), null));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.add(null, null));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.compare(null, enc(1)));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.compare(enc(1), null));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.tag(null));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.isNumber(null));
        assertThrows(IllegalArgumentException.class, () -> ValueCodec.decodeReference(null));
    }

    @Test
    void aSerializedArrayClaimingAHugeLengthIsAnIllegalArgumentNotAnOutOfMemoryError() throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        buffer.write(ValueCodec.SERIALIZED);
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(new long[] {1, 2, 3});
        }
        byte[] bytes = buffer.toByteArray();
        // the length field is the 4 bytes before the 3 longs at the end
        ByteBuffer.wrap(bytes, bytes.length - 3 * 8 - 4, 4).putInt(Integer.MAX_VALUE - 8);
        assertThrows(IllegalArgumentException.class, () -> dec(bytes));
    }

    @Test
    void randomBytesNeverThrowAnythingButIllegalArgument() {
        Random random = new Random(20240611);
        byte[] header = {ValueCodec.SERIALIZED, (byte) 0xAC, (byte) 0xED, 0, 5};
        for (int i = 0; i < 8_000; i++) {
            byte[] bytes;
            if (i % 4 == 0) {
                bytes = Arrays.copyOf(header, header.length + random.nextInt(40));
                for (int j = header.length; j < bytes.length; j++) {
                    bytes[j] = (byte) (0x70 + random.nextInt(16));
                }
            } else {
                bytes = new byte[random.nextInt(12)];
                random.nextBytes(bytes);
                if (bytes.length > 0) {
                    bytes[0] = (byte) (random.nextInt(19) - 2);
                }
            }
            byte[] input = bytes;
            assertOnlyIllegalArgument(() -> dec(input));
            assertOnlyIllegalArgument(() -> ValueCodec.add(input, enc(1)));
            assertOnlyIllegalArgument(() -> ValueCodec.add(null, input));
            assertOnlyIllegalArgument(() -> ValueCodec.compare(input, input));
            assertOnlyIllegalArgument(() -> ValueCodec.describe(input));
        }
    }

    private static void assertOnlyIllegalArgument(Runnable call) {
        try {
            call.run();
        } catch (IllegalArgumentException expected) {
            // fine
        } catch (RuntimeException | Error e) {
            throw new AssertionError("expected success or IllegalArgumentException, got " + e, e);
        }
    }

    @Test
    void encodeReferenceChecksTheName() {
        assertThrows(IllegalArgumentException.class,
                () -> ValueCodec.encodeReference(new ValueCodec.Reference("", ObjectType.DICT)));
        byte[] ok = ValueCodec.encodeReference(new ValueCodec.Reference("n", ObjectType.LIST));
        assertInstanceOf(ValueCodec.Reference.class, dec(ok));
        assertNull(dec(enc(null)));
    }

    @Test
    void describeNeverFailsOnAnything() {
        Consumer<byte[]> check = b -> assertTrue(ValueCodec.describe(b).length() > 0);
        check.accept(new byte[] {ValueCodec.REFERENCE});
        check.accept(new byte[] {ValueCodec.REFERENCE, 100, 'x'});
        check.accept(new byte[] {ValueCodec.SERIALIZED});
        check.accept(new byte[] {ValueCodec.SERIALIZED, (byte) 0xAC, (byte) 0xED, 0, 5, 0x73, 0x72, 0x7F, 0x7F});
    }
}
