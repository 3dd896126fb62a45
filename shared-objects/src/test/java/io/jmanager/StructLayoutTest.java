package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StructLayoutTest {

    record Point(double x, double y) {
    }

    record AllKinds(byte b, short s, int i, long l, float f, double d, char c) {
    }

    record Named(int id, String name) {
    }

    record Flagged(boolean flag) {
    }

    record Empty() {
    }

    record Positive(int value) {
        Positive {
            if (value <= 0) {
                throw new IllegalArgumentException("value must be positive: " + value);
            }
        }
    }

    private static final String VALID_CODES = "use one of b B h H i I l L q Q f d c u";

    @Test
    void layoutOfPoint() {
        StructLayout layout = StructLayout.of(Point.class);
        assertEquals("x:d,y:d", layout.spec());
        assertEquals(2, layout.fieldCount());
        assertEquals(List.of("x", "y"), layout.fieldNames());
        assertEquals("y", layout.fieldName(1));
        assertEquals(TypeCode.DOUBLE, layout.fieldType(0));
        assertEquals(1, layout.fieldIndex("y"));
        assertFalse(layout.isScalar());
        assertEquals("x:d,y:d", layout.toString());
    }

    @Test
    void layoutOfAllPrimitiveKinds() {
        assertEquals("b:b,s:h,i:i,l:q,f:f,d:d,c:u", StructLayout.of(AllKinds.class).spec());
    }

    @Test
    void recordWithStringComponentIsRejected() {
        assertRejected("record " + Named.class.getName() + " component 'name' has type java.lang.String;"
                        + " struct fields must be one of byte, short, int, long, float, double, char",
                () -> StructLayout.of(Named.class));
        assertRejected("record " + Flagged.class.getName() + " component 'flag' has type boolean;"
                        + " struct fields must be one of byte, short, int, long, float, double, char",
                () -> RecordMapper.of(Flagged.class));
    }

    @Test
    void recordWithoutComponentsIsRejected() {
        assertRejected("record " + Empty.class.getName() + " has no components; a struct needs at least one field",
                () -> StructLayout.of(Empty.class));
    }

    @Test
    void unknownFieldNameListsTheFields() {
        assertRejected("struct x:d,y:d has no field 'z': fields are x, y",
                () -> StructLayout.of(Point.class).fieldIndex("z"));
        assertRejected("struct i has no field 'value': it is a scalar without named fields",
                () -> StructLayout.scalar(TypeCode.INT).fieldIndex("value"));
    }

    @Test
    void parseRoundTripsAndEqualsRecordLayout() {
        StructLayout parsed = StructLayout.parse("x:d,y:d");
        assertEquals(StructLayout.of(Point.class), parsed);
        assertEquals(StructLayout.of(Point.class).hashCode(), parsed.hashCode());
        assertEquals(parsed, StructLayout.parse(parsed.spec()));
        assertEquals("x:d,y:d", StructLayout.parse(" x : d , y:d ").spec());
        assertEquals("_a1:B,$b:Q", StructLayout.parse("_a1:B,$b:Q").spec());
        assertNotEquals(parsed, StructLayout.parse("x:f,y:d"));
    }

    @Test
    void scalarLayout() {
        StructLayout scalar = StructLayout.scalar(TypeCode.INT);
        assertEquals("i", scalar.spec());
        assertTrue(scalar.isScalar());
        assertEquals(1, scalar.fieldCount());
        assertEquals("", scalar.fieldName(0));
        assertEquals(TypeCode.INT, scalar.fieldType(0));
        assertEquals(scalar, StructLayout.parse("i"));
        assertTrue(StructLayout.parse("i").isScalar());
        assertFalse(StructLayout.parse("v:i").isScalar());
        assertNotEquals(scalar, StructLayout.parse("v:i"));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "``             | it is empty",
        "`  `           | it is empty",
        "x              | unknown typecode 'x': " + VALID_CODES,
        "ii             | unknown typecode \"ii\": " + VALID_CODES,
        "x:d,           | field 2 is empty",
        ",x:d           | field 1 is empty",
        "x:d,,y:d       | field 2 is empty",
        "x:d,y          | field \"y\" must be name:typecode",
        "x:d:d          | field \"x:d:d\" must be name:typecode",
        ":d             | field name \"\" is not a Java identifier",
        "1x:d           | field name \"1x\" is not a Java identifier",
        "a-b:d          | field name \"a-b\" is not a Java identifier",
        "x:d,x:i        | duplicate field name \"x\"",
        "x:z            | unknown typecode 'z': " + VALID_CODES,
        "x:dd           | unknown typecode \"dd\": " + VALID_CODES,
        "x:             | unknown typecode \"\": " + VALID_CODES,
    })
    void parseErrorsQuoteTheSpec(String spec, String problem) {
        assertRejected("bad struct spec \"" + spec + "\": " + problem, () -> StructLayout.parse(spec));
    }

    @Test
    void serializationRoundTrips() throws Exception {
        StructLayout layout = StructLayout.of(AllKinds.class);
        assertEquals(layout, deserialize(serialize(layout)));
        StructLayout scalar = StructLayout.scalar(TypeCode.UNSIGNED_SHORT);
        StructLayout copy = (StructLayout) deserialize(serialize(scalar));
        assertEquals(scalar, copy);
        assertTrue(copy.isScalar());
    }

    @Test
    void deserializationRevalidatesTheSpec() throws Exception {
        byte[] stream = serialize(StructLayout.parse("x:d"));
        replace(stream, "x:d", "x:z");
        InvalidObjectException thrown = assertThrows(InvalidObjectException.class, () -> deserialize(stream));
        assertEquals("invalid serialized StructLayout: bad struct spec \"x:z\": unknown typecode 'z': " + VALID_CODES,
                thrown.getMessage());
    }

    @Test
    void mapperRoundTripsPoint() {
        RecordMapper<Point> mapper = RecordMapper.of(Point.class);
        assertSame(Point.class, mapper.type());
        assertEquals("x:d,y:d", mapper.layout().spec());
        Point point = new Point(1.5, -2.25);
        long[] bits = mapper.toBits(point);
        assertArrayEquals(new long[] {Double.doubleToRawLongBits(1.5), Double.doubleToRawLongBits(-2.25)}, bits);
        assertEquals(point, mapper.fromBits(bits, 0));
    }

    @Test
    void mapperRoundTripsAllPrimitiveKinds() {
        RecordMapper<AllKinds> mapper = RecordMapper.of(AllKinds.class);
        AllKinds min = new AllKinds(Byte.MIN_VALUE, Short.MIN_VALUE, Integer.MIN_VALUE, Long.MIN_VALUE,
                -Float.MAX_VALUE, -Double.MAX_VALUE, Character.MIN_VALUE);
        AllKinds max = new AllKinds(Byte.MAX_VALUE, Short.MAX_VALUE, Integer.MAX_VALUE, Long.MAX_VALUE,
                0.1f, Double.NaN, 'é');
        long[] bits = new long[2 + 2 * 7];
        mapper.toBits(min, bits, 2);
        mapper.toBits(max, bits, 9);
        assertEquals(0, bits[0]);
        assertEquals(0, bits[1]);
        assertEquals(min, mapper.fromBits(bits, 2));
        assertEquals(max, mapper.fromBits(bits, 9));
    }

    @Test
    void mapperChecksArguments() {
        RecordMapper<Point> mapper = RecordMapper.of(Point.class);
        NullPointerException nullRecord = assertThrows(NullPointerException.class, () -> mapper.toBits(null));
        assertEquals("cannot store a null " + Point.class.getName() + " record", nullRecord.getMessage());
        long[] tooShort = new long[3];
        assertThrows(IndexOutOfBoundsException.class, () -> mapper.toBits(new Point(1, 2), tooShort, 2));
        assertArrayEquals(new long[3], tooShort);
        assertThrows(IndexOutOfBoundsException.class, () -> mapper.fromBits(tooShort, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> mapper.fromBits(tooShort, -1));
    }

    @Test
    void mapperRejectsInvalidBits() {
        RecordMapper<AllKinds> mapper = RecordMapper.of(AllKinds.class);
        long[] bits = mapper.toBits(new AllKinds((byte) 1, (short) 2, 3, 4, 5f, 6, '7'));
        bits[0] = 300;
        assertRejected("300 is out of range for typecode 'b' (-128..127)", () -> mapper.fromBits(bits, 0));
    }

    @Test
    void recordConstructorExceptionsPropagate() {
        RecordMapper<Positive> mapper = RecordMapper.of(Positive.class);
        assertRejected("value must be positive: 0", () -> mapper.fromBits(new long[] {0}, 0));
        assertEquals(new Positive(3), mapper.fromBits(new long[] {3}, 0));
    }

    private static byte[] serialize(Object value) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        return bytes.toByteArray();
    }

    private static Object deserialize(byte[] stream) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stream))) {
            return in.readObject();
        }
    }

    /** Replaces the only occurrence of {@code from} in a stream with {@code to} of the same length. */
    private static void replace(byte[] stream, String from, String to) {
        byte[] pattern = from.getBytes(StandardCharsets.UTF_8);
        byte[] replacement = to.getBytes(StandardCharsets.UTF_8);
        for (int start = 0; start + pattern.length <= stream.length; start++) {
            boolean match = true;
            for (int i = 0; i < pattern.length && match; i++) {
                match = stream[start + i] == pattern[i];
            }
            if (match) {
                System.arraycopy(replacement, 0, stream, start, replacement.length);
                return;
            }
        }
        throw new AssertionError(from + " not found in the serialized stream");
    }

    private static void assertRejected(String expectedMessage, Executable call) {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class, call);
        assertEquals(expectedMessage, thrown.getMessage());
    }
}
