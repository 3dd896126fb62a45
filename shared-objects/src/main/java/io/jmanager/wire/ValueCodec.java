package io.jmanager.wire;

import io.jmanager.ValueClassRefusedException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * The tagged value encoding: how values travel and rest as bytes. The first byte is a tag; the rest depends on it:
 *
 * <pre>
 *   tag  meaning         payload
 *   0    null            -
 *   1    false           -
 *   2    true            -
 *   3    Integer         4 bytes, big-endian
 *   4    Long            8 bytes
 *   5    Double          8 bytes (IEEE 754 bits)
 *   6    String          UTF-8
 *   7    byte[]          the bytes
 *   8    reference       1 byte ObjectType ordinal, then the object's name in UTF-8
 *   9    serialized      a Java serialization stream (any other Serializable value)
 *   10   Float           4 bytes
 *   11   Short           2 bytes
 *   12   Byte            1 byte
 *   13   Character       2 bytes
 *   14   String          UTF-16BE (only for strings with unpaired surrogates, which UTF-8 cannot carry)
 * </pre>
 *
 * Equal values of these types encode to equal bytes, which is why the registry can compare keys by their bytes.
 * Values of tag 9 are opaque to the registry (it never deserializes them); their bytes are equal for equal values
 * only if their serialized form is deterministic (records, enums, UUIDs and other value classes of fixed-order
 * fields are; hash-ordered collections are not). Every method refuses malformed bytes with
 * {@link IllegalArgumentException} and no other exception; {@code decode} also refuses a serialized value holding
 * a class its {@link ValueFilter} does not admit, with {@link ValueClassRefusedException}. Thread-safe: all methods
 * are static and pure.
 */
public final class ValueCodec {
    public static final byte NULL = 0;
    public static final byte FALSE = 1;
    public static final byte TRUE = 2;
    public static final byte INT = 3;
    public static final byte LONG = 4;
    public static final byte DOUBLE = 5;
    public static final byte STRING = 6;
    public static final byte BYTES = 7;
    public static final byte REFERENCE = 8;
    public static final byte SERIALIZED = 9;
    public static final byte FLOAT = 10;
    public static final byte SHORT = 11;
    public static final byte BYTE = 12;
    public static final byte CHAR = 13;
    public static final byte STRING_UTF16 = 14;

    private static final byte[] NULL_BYTES = {NULL};

    /** How the client side turns shared-object proxies into references and back; the registry passes null. */
    public interface References {
        /** The reference for {@code value} if it is a shared-object proxy, else null. */
        Reference referenceOf(Object value);

        /** A live proxy for the referenced object. */
        Object resolve(Reference reference);
    }

    /** A reference to a named shared object, stored instead of the object's contents. */
    public record Reference(String name, ObjectType type) {
    }

    private ValueCodec() {
    }

    /**
     * Encodes a value.
     *
     * @param references turns proxies into references; may be null when no proxies can occur
     * @throws IllegalArgumentException if the value is not {@link Serializable} or fails to serialize; the message
     *                                  names its class
     */
    public static byte[] encode(Object value, References references) {
        if (value == null) {
            return NULL_BYTES.clone();
        }
        if (value instanceof String s) {
            return encodeString(s);
        }
        if (value instanceof Integer i) {
            return ByteBuffer.allocate(5).put(INT).putInt(i).array();
        }
        if (value instanceof Long l) {
            return ByteBuffer.allocate(9).put(LONG).putLong(l).array();
        }
        if (value instanceof Double d) {
            return ByteBuffer.allocate(9).put(DOUBLE).putLong(Double.doubleToLongBits(d)).array();
        }
        if (value instanceof Boolean b) {
            return new byte[] {b ? TRUE : FALSE};
        }
        if (value instanceof byte[] bytes) {
            byte[] out = new byte[bytes.length + 1];
            out[0] = BYTES;
            System.arraycopy(bytes, 0, out, 1, bytes.length);
            return out;
        }
        if (value instanceof Float f) {
            return ByteBuffer.allocate(5).put(FLOAT).putInt(Float.floatToIntBits(f)).array();
        }
        if (value instanceof Short s) {
            return ByteBuffer.allocate(3).put(SHORT).putShort(s).array();
        }
        if (value instanceof Byte b) {
            return new byte[] {BYTE, b};
        }
        if (value instanceof Character c) {
            return ByteBuffer.allocate(3).put(CHAR).putChar(c).array();
        }
        if (references != null) {
            Reference ref = references.referenceOf(value);
            if (ref != null) {
                return encodeReference(ref);
            }
        }
        if (value instanceof Reference ref) {
            // what decode(bytes, null) returns for a reference encodes back to the same bytes
            return encodeReference(ref);
        }
        return serialize(value);
    }

    /**
     * Encodes a reference to a named shared object.
     *
     * @throws IllegalArgumentException if the name is empty
     */
    public static byte[] encodeReference(Reference ref) {
        if (ref.name().isEmpty()) {
            throw new IllegalArgumentException("a shared-object reference needs a name");
        }
        byte[] name = ref.name().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[name.length + 2];
        out[0] = REFERENCE;
        out[1] = (byte) ref.type().ordinal();
        System.arraycopy(name, 0, out, 2, name.length);
        return out;
    }

    private static byte[] encodeString(String s) {
        if (hasUnpairedSurrogate(s)) {
            // char by char: the UTF_16BE charset would replace the unpaired surrogates
            byte[] out = new byte[2 * s.length() + 1];
            out[0] = STRING_UTF16;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                out[2 * i + 1] = (byte) (c >>> 8);
                out[2 * i + 2] = (byte) c;
            }
            return out;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[utf8.length + 1];
        out[0] = STRING;
        System.arraycopy(utf8, 0, out, 1, utf8.length);
        return out;
    }

    private static boolean hasUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return true;
                }
            } else if (Character.isLowSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    private static byte[] serialize(Object value) {
        if (!(value instanceof Serializable)) {
            throw new IllegalArgumentException("cannot store a value of class " + value.getClass().getName()
                    + ": it is not java.io.Serializable. Store strings, numbers, byte[], records or other"
                    + " Serializable values, or a shared object (dict, list, ...) as a reference");
        }
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(128);
        buffer.write(SERIALIZED);
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException("cannot store a value of class " + value.getClass().getName()
                    + ": it contains a non-serializable " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot store a value of class " + value.getClass().getName()
                    + ": serialization failed: " + e, e);
        }
        return buffer.toByteArray();
    }

    /**
     * Decodes bytes produced by {@link #encode}, deserializing only the JDK's value types
     * ({@link ValueFilter#defaults()}).
     *
     * @param references resolves references into proxies; if null, references decode to {@link Reference}
     * @throws IllegalArgumentException    if the bytes are malformed, a serialized class cannot be loaded here, or
     *                                     the value exceeds the filter's limits
     * @throws ValueClassRefusedException if the value holds an object of a class the filter does not admit
     */
    public static Object decode(byte[] bytes, References references) {
        return decode(bytes, references, ValueFilter.defaults());
    }

    /**
     * Decodes bytes produced by {@link #encode}. A serialized value (tag {@value #SERIALIZED}) is deserialized
     * through {@code filter}, combined with the JVM-wide filter if one is set (both must admit every class): a
     * refused class is neither initialised nor instantiated.
     *
     * @param references resolves references into proxies; if null, references decode to {@link Reference}
     * @throws IllegalArgumentException    if the bytes are malformed, a serialized class cannot be loaded here, or
     *                                     the value exceeds the filter's limits
     * @throws ValueClassRefusedException if the value holds an object of a class that either filter refuses
     */
    public static Object decode(byte[] bytes, References references, ValueFilter filter) {
        Objects.requireNonNull(filter, "filter");
        checkNotEmpty(bytes);
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        switch (bytes[0]) {
            case NULL:
                checkLength(bytes, 1);
                return null;
            case FALSE: return checkLength(bytes, 1) ? Boolean.FALSE : null;
            case TRUE: return checkLength(bytes, 1) ? Boolean.TRUE : null;
            case INT: return checkLength(bytes, 5) ? b.getInt() : null;
            case LONG: return checkLength(bytes, 9) ? b.getLong() : null;
            case DOUBLE: return checkLength(bytes, 9) ? canonicalDouble(b.getLong()) : null;
            case STRING: return decodeUtf8(bytes);
            case STRING_UTF16: return decodeUtf16(bytes);
            case BYTES: return Arrays.copyOfRange(bytes, 1, bytes.length);
            case FLOAT: return checkLength(bytes, 5) ? canonicalFloat(b.getInt()) : null;
            case SHORT: return checkLength(bytes, 3) ? b.getShort() : null;
            case BYTE: return checkLength(bytes, 2) ? bytes[1] : null;
            case CHAR: return checkLength(bytes, 3) ? b.getChar() : null;
            case REFERENCE: {
                Reference ref = decodeReference(bytes);
                return references == null ? ref : references.resolve(ref);
            }
            case SERIALIZED: return deserialize(bytes, filter);
            default: throw new IllegalArgumentException("unknown value tag " + bytes[0]);
        }
    }

    /**
     * The double of these bits. encode writes every NaN as the one canonical NaN ({@link Double#doubleToLongBits}):
     * another NaN's bits would be a second registry key for a value that workers read as the same {@code Double}.
     */
    private static double canonicalDouble(long bits) {
        double d = Double.longBitsToDouble(bits);
        if (Double.isNaN(d) && bits != Double.doubleToLongBits(d)) {
            throw new IllegalArgumentException("malformed value: a Double NaN with other bits ("
                    + Long.toHexString(bits) + ") than the canonical NaN");
        }
        return d;
    }

    /** The float of these bits; as {@link #canonicalDouble}, only the canonical NaN. */
    private static float canonicalFloat(int bits) {
        float f = Float.intBitsToFloat(bits);
        if (Float.isNaN(f) && bits != Float.floatToIntBits(f)) {
            throw new IllegalArgumentException("malformed value: a Float NaN with other bits ("
                    + Integer.toHexString(bits) + ") than the canonical NaN");
        }
        return f;
    }

    /** Decodes a reference value; IllegalArgumentException if the bytes are not one. */
    public static Reference decodeReference(byte[] bytes) {
        if (bytes == null || bytes.length < 3 || bytes[0] != REFERENCE || bytes[1] < 0
                || bytes[1] >= ObjectType.values().length) {
            throw new IllegalArgumentException("malformed shared-object reference");
        }
        String name;
        try {
            name = strictUtf8(bytes, 2);
        } catch (CharacterCodingException e) {
            // replacing it would give a second encoding of the name with the replacement character
            throw new IllegalArgumentException("malformed shared-object reference: its name is not valid UTF-8", e);
        }
        return new Reference(name, ObjectType.values()[bytes[1]]);
    }

    private static void checkNotEmpty(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException(bytes == null ? "null encoded value" : "empty encoded value");
        }
    }

    /** Strict UTF-8: malformed input is refused rather than replaced, so no two encodings decode alike. */
    private static String decodeUtf8(byte[] bytes) {
        try {
            return strictUtf8(bytes, 1);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("malformed value: tag " + STRING + " holds invalid UTF-8", e);
        }
    }

    private static String strictUtf8(byte[] bytes, int from) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes, from, bytes.length - from)).toString();
    }

    /**
     * UTF-16 code units as they are, unpaired surrogates included (the UTF_16BE charset would replace those); only
     * for strings that have one, as {@link #encode} writes them.
     */
    private static String decodeUtf16(byte[] bytes) {
        if (bytes.length % 2 == 0) {
            throw new IllegalArgumentException("malformed value: tag " + STRING_UTF16
                    + " needs an even number of bytes, got " + (bytes.length - 1));
        }
        String s = ByteBuffer.wrap(bytes, 1, bytes.length - 1).slice().asCharBuffer().toString();
        if (!hasUnpairedSurrogate(s)) {
            // encode writes such a string as UTF-8 (tag 6): a second encoding of it would be a second registry key
            // that workers read as the same string
            throw new IllegalArgumentException("malformed value: tag " + STRING_UTF16 + " holds a string without"
                    + " unpaired surrogates, which is encoded with tag " + STRING);
        }
        return s;
    }

    private static boolean checkLength(byte[] bytes, int expected) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException("malformed value: tag " + bytes[0] + " needs " + expected
                    + " bytes, got " + bytes.length);
        }
        return true;
    }

    private static Object deserialize(byte[] bytes, ValueFilter filter) {
        ValueFilter.Refusal refusal = new ValueFilter.Refusal();
        Object value;
        try (ObjectInputStream in = new ContextObjectInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
            // the stream's filter so far is the JVM-wide one (jdk.serialFilter, or what a filter factory chose)
            ObjectInputFilter jvm = in.getObjectInputFilter();
            try {
                in.setObjectInputFilter(filter.forStream(jvm, bytes.length, refusal));
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("cannot read a stored value: this JVM's deserialization filter"
                        + " factory (jdk.serialFilterFactory) does not let jmanager install its value filter ("
                        + e.getMessage() + "), and jmanager reads no value without it", e);
            }
            value = in.readObject();
        } catch (ClassNotFoundException e) {
            throw refusedOr(bytes, refusal, new IllegalArgumentException("cannot read a stored value of class "
                    + e.getMessage() + ": that class is not on this worker's classpath", e));
        } catch (InvalidClassException e) {
            throw refusedOr(bytes, refusal, new IllegalArgumentException("cannot read a stored value: "
                    + e.getMessage() + " (a different version of the class, or refused by a deserialization filter)",
                    e));
        } catch (IOException e) {
            throw refusedOr(bytes, refusal, new IllegalArgumentException("cannot read a stored value: " + e, e));
        } catch (RuntimeException e) {
            // a corrupt stream (ObjectInputStream throws NullPointerException, ClassCastException, ... on some)
            // or a class whose readObject fails
            String className = serializedClassName(bytes);
            throw refusedOr(bytes, refusal, new IllegalArgumentException("cannot read a stored value"
                    + (className == null ? "" : " of class " + className) + ": " + e, e));
        }
        if (refusal.any()) {
            // a refusal that some readObject caught and ignored: the value is not what was stored
            throw refusedOr(bytes, refusal, null);
        }
        return value;
    }

    /** The filter's refusal if it refused something, else {@code otherwise}. */
    private static RuntimeException refusedOr(byte[] bytes, ValueFilter.Refusal refusal, RuntimeException otherwise) {
        if (refusal.refusedClass != null) {
            return new ValueClassRefusedException(refusal.refusedClass, serializedClassName(bytes),
                    refusal.byJvmFilter, refusal.byBoth, otherwise);
        }
        if (refusal.limit != null) {
            String className = serializedClassName(bytes);
            return new IllegalArgumentException("cannot read a stored value" + (className == null ? ""
                    : " of class " + className) + ": " + refusal.limit, otherwise);
        }
        return otherwise;
    }

    /** Resolves classes with the thread's context class loader first, so worker frameworks with own loaders work. */
    private static final class ContextObjectInputStream extends ObjectInputStream {
        ContextObjectInputStream(ByteArrayInputStream in) throws IOException {
            super(in);
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            if (loader != null) {
                try {
                    return Class.forName(desc.getName(), false, loader);
                } catch (ClassNotFoundException e) {
                    // fall back to the default resolution
                }
            }
            return super.resolveClass(desc);
        }
    }

    /** The tag of an encoded value; IllegalArgumentException if it is null or empty. */
    public static byte tag(byte[] encoded) {
        checkNotEmpty(encoded);
        return encoded[0];
    }

    /** True for the numeric tags: Byte, Short, Integer, Long, Float, Double. */
    public static boolean isNumber(byte[] encoded) {
        return isNumberTag(tag(encoded));
    }

    private static boolean isNumberTag(byte tag) {
        return tag == INT || tag == LONG || tag == DOUBLE || tag == FLOAT || tag == SHORT || tag == BYTE;
    }

    private static boolean isIntegralTag(byte tag) {
        return tag == INT || tag == LONG || tag == SHORT || tag == BYTE;
    }

    /**
     * Server-side increment: {@code current + delta}, kept in the stored value's type. A missing current value
     * ({@code null}) takes the delta as it is. An integral value takes only an integral delta; a Float or Double
     * value takes any number.
     *
     * @throws IllegalArgumentException if either is not a number, a fractional delta meets an integral value, or an
     *                                  integral sum overflows the stored type
     */
    public static byte[] add(byte[] current, byte[] delta) {
        if (!isNumber(delta)) {
            throw new IllegalArgumentException("increment takes a number, got " + describe(delta));
        }
        Number y = (Number) decode(delta, null); // also refuses a malformed delta before it could be stored
        if (current == null) {
            return delta.clone();
        }
        if (!isNumber(current)) {
            throw new IllegalArgumentException("cannot increment " + describe(current) + ": not a number");
        }
        Number x = (Number) decode(current, null);
        switch (current[0]) {
            case FLOAT: return encode(x.floatValue() + y.floatValue(), null);
            case DOUBLE: return encode(x.doubleValue() + y.doubleValue(), null);
            default: break;
        }
        if (!isIntegralTag(delta[0])) {
            throw new IllegalArgumentException("cannot add " + describe(delta) + " " + y + " to " + describe(current)
                    + "; store a Double to begin with if fractions are wanted");
        }
        String type = current[0] == LONG ? "Long" : current[0] == INT ? "Integer" : current[0] == SHORT ? "Short"
                : "Byte";
        long sum;
        try {
            sum = Math.addExact(x.longValue(), y.longValue());
        } catch (ArithmeticException e) {
            throw overflow(x, y, type);
        }
        switch (current[0]) {
            case LONG: return encode(sum, null);
            case INT:
                if (sum != (int) sum) {
                    throw overflow(x, y, type);
                }
                return encode((int) sum, null);
            case SHORT:
                if (sum != (short) sum) {
                    throw overflow(x, y, type);
                }
                return encode((short) sum, null);
            default:
                if (sum != (byte) sum) {
                    throw overflow(x, y, type);
                }
                return encode((byte) sum, null);
        }
    }

    private static IllegalArgumentException overflow(Number x, Number y, String type) {
        return new IllegalArgumentException("increment overflows " + type + ": " + x + " + " + y
                + "; store a wider number type (e.g. a Long) to count further");
    }

    /**
     * Server-side ordering for sort: numbers numerically, strings by their UTF-16 order (as {@link String#compareTo}).
     *
     * @throws IllegalArgumentException if the two are not both numbers or both strings
     */
    public static int compare(byte[] a, byte[] b) {
        byte tagA = tag(a);
        byte tagB = tag(b);
        if (isNumberTag(tagA) && isNumberTag(tagB)) {
            Number x = (Number) decode(a, null);
            Number y = (Number) decode(b, null);
            boolean xIntegral = isIntegralTag(a[0]);
            boolean yIntegral = isIntegralTag(b[0]);
            if (xIntegral && yIntegral) {
                return Long.compare(x.longValue(), y.longValue());
            }
            return compareExactly(x, xIntegral, y, yIntegral);
        }
        if (isStringTag(tagA) && isStringTag(tagB)) {
            return ((String) decode(a, null)).compareTo((String) decode(b, null));
        }
        throw new IllegalArgumentException("the registry sorts numbers or strings, not " + describe(a) + " with "
                + describe(b) + "; sort a copy on the client (new ArrayList<>(list)) instead");
    }

    /**
     * A total order on numbers: by exact value (a long is not rounded to a double, so the order is transitive),
     * {@code -0.0} equal to {@code 0.0} as in Python, NaN after everything and equal to NaN.
     */
    private static int compareExactly(Number x, boolean xIntegral, Number y, boolean yIntegral) {
        double dx = x.doubleValue();
        double dy = y.doubleValue();
        boolean xNaN = !xIntegral && Double.isNaN(dx);
        boolean yNaN = !yIntegral && Double.isNaN(dy);
        if (xNaN || yNaN) {
            return Boolean.compare(xNaN, yNaN);
        }
        if (!xIntegral && !yIntegral) {
            return dx < dy ? -1 : dx > dy ? 1 : 0;
        }
        if (Double.isInfinite(dx) || Double.isInfinite(dy)) {
            return Double.compare(dx, dy);
        }
        BigDecimal ex = xIntegral ? BigDecimal.valueOf(x.longValue()) : new BigDecimal(dx);
        BigDecimal ey = yIntegral ? BigDecimal.valueOf(y.longValue()) : new BigDecimal(dy);
        return ex.compareTo(ey);
    }

    private static boolean isStringTag(byte tag) {
        return tag == STRING || tag == STRING_UTF16;
    }

    /** A short description of an encoded value for messages, without deserializing it, e.g. {@code a String}. */
    public static String describe(byte[] encoded) {
        if (encoded == null || encoded.length == 0) {
            return "nothing";
        }
        switch (encoded[0]) {
            case NULL: return "null";
            case FALSE: case TRUE: return "a Boolean";
            case INT: return "an Integer";
            case LONG: return "a Long";
            case DOUBLE: return "a Double";
            case STRING: case STRING_UTF16: return "a String";
            case BYTES: return "a byte[]";
            case FLOAT: return "a Float";
            case SHORT: return "a Short";
            case BYTE: return "a Byte";
            case CHAR: return "a Character";
            case REFERENCE: {
                try {
                    Reference ref = decodeReference(encoded);
                    return "a reference to " + ref.type() + " '" + ref.name() + "'";
                } catch (IllegalArgumentException e) {
                    return "a malformed reference";
                }
            }
            case SERIALIZED: {
                String className = serializedClassName(encoded);
                return className == null ? "an object (serialized)" : "a " + className + " (serialized)";
            }
            default: return "an unknown value (tag " + encoded[0] + ")";
        }
    }

    /** The class name at the start of a serialized value, read from the stream header; null if unreadable. */
    static String serializedClassName(byte[] encoded) {
        // bytes 0..9: 1 tag byte, AC ED 00 05 (magic, version), TC_OBJECT/TC_ARRAY/TC_ENUM (0x73/0x75/0x7E),
        // TC_CLASSDESC (0x72), the name's length (2 bytes); then the name in (modified) UTF-8
        if (encoded.length > 9 && encoded[1] == (byte) 0xAC && encoded[2] == (byte) 0xED
                && (encoded[5] == 0x73 || encoded[5] == 0x75 || encoded[5] == 0x7E) && encoded[6] == 0x72) {
            int len = ((encoded[7] & 0xFF) << 8) | (encoded[8] & 0xFF);
            if (len > 0 && 9 + len <= encoded.length) {
                return new String(encoded, 9, len, StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
