package io.jmanager.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
 * fields are; hash-ordered collections are not). Thread-safe: all methods are static and pure.
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
        return serialize(value);
    }

    /** Encodes a reference to a named shared object. */
    public static byte[] encodeReference(Reference ref) {
        byte[] name = ref.name().getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[name.length + 2];
        out[0] = REFERENCE;
        out[1] = (byte) ref.type().ordinal();
        System.arraycopy(name, 0, out, 2, name.length);
        return out;
    }

    private static byte[] encodeString(String s) {
        if (hasUnpairedSurrogate(s)) {
            byte[] utf16 = s.getBytes(StandardCharsets.UTF_16BE);
            byte[] out = new byte[utf16.length + 1];
            out[0] = STRING_UTF16;
            System.arraycopy(utf16, 0, out, 1, utf16.length);
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
     * Decodes bytes produced by {@link #encode}.
     *
     * @param references resolves references into proxies; if null, references decode to {@link Reference}
     * @throws IllegalArgumentException if the bytes are malformed or a serialized class cannot be loaded here
     */
    public static Object decode(byte[] bytes, References references) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException("empty encoded value");
        }
        ByteBuffer b = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        switch (bytes[0]) {
            case NULL: return null;
            case FALSE: return Boolean.FALSE;
            case TRUE: return Boolean.TRUE;
            case INT: return checkLength(bytes, 5) ? b.getInt() : null;
            case LONG: return checkLength(bytes, 9) ? b.getLong() : null;
            case DOUBLE: return checkLength(bytes, 9) ? Double.longBitsToDouble(b.getLong()) : null;
            case STRING: return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_8);
            case STRING_UTF16: return new String(bytes, 1, bytes.length - 1, StandardCharsets.UTF_16BE);
            case BYTES: return Arrays.copyOfRange(bytes, 1, bytes.length);
            case FLOAT: return checkLength(bytes, 5) ? Float.intBitsToFloat(b.getInt()) : null;
            case SHORT: return checkLength(bytes, 3) ? b.getShort() : null;
            case BYTE: return checkLength(bytes, 2) ? bytes[1] : null;
            case CHAR: return checkLength(bytes, 3) ? b.getChar() : null;
            case REFERENCE: {
                Reference ref = decodeReference(bytes);
                return references == null ? ref : references.resolve(ref);
            }
            case SERIALIZED: return deserialize(bytes);
            default: throw new IllegalArgumentException("unknown value tag " + bytes[0]);
        }
    }

    /** Decodes a reference value; IllegalArgumentException if the bytes are not one. */
    public static Reference decodeReference(byte[] bytes) {
        if (bytes.length < 3 || bytes[0] != REFERENCE || bytes[1] < 0 || bytes[1] >= ObjectType.values().length) {
            throw new IllegalArgumentException("malformed shared-object reference");
        }
        return new Reference(new String(bytes, 2, bytes.length - 2, StandardCharsets.UTF_8),
                ObjectType.values()[bytes[1]]);
    }

    private static boolean checkLength(byte[] bytes, int expected) {
        if (bytes.length != expected) {
            throw new IllegalArgumentException("malformed value: tag " + bytes[0] + " needs " + expected
                    + " bytes, got " + bytes.length);
        }
        return true;
    }

    private static Object deserialize(byte[] bytes) {
        try (ObjectInputStream in = new ContextObjectInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1))) {
            return in.readObject();
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("cannot read a stored value of class " + e.getMessage()
                    + ": that class is not on this worker's classpath", e);
        } catch (InvalidClassException e) {
            throw new IllegalArgumentException("cannot read a stored value: " + e.getMessage()
                    + " (a different version of the class, or refused by a deserialization filter)", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read a stored value: " + e, e);
        }
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

    /** The tag of an encoded value. */
    public static byte tag(byte[] encoded) {
        return encoded[0];
    }

    /** True for the numeric tags: Byte, Short, Integer, Long, Float, Double. */
    public static boolean isNumber(byte[] encoded) {
        return isNumberTag(encoded[0]);
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
        if (current == null) {
            return delta.clone();
        }
        if (!isNumber(current)) {
            throw new IllegalArgumentException("cannot increment " + describe(current) + ": not a number");
        }
        Number x = (Number) decode(current, null);
        Number y = (Number) decode(delta, null);
        switch (current[0]) {
            case FLOAT: return encode(x.floatValue() + y.floatValue(), null);
            case DOUBLE: return encode(x.doubleValue() + y.doubleValue(), null);
            default: break;
        }
        if (!isIntegralTag(delta[0])) {
            throw new IllegalArgumentException("cannot add " + describe(delta) + " " + y + " to " + describe(current)
                    + "; store a Double to begin with if fractions are wanted");
        }
        long sum;
        try {
            sum = Math.addExact(x.longValue(), y.longValue());
        } catch (ArithmeticException e) {
            throw overflow(x, y, "Long");
        }
        switch (current[0]) {
            case LONG: return encode(sum, null);
            case INT:
                if (sum != (int) sum) {
                    throw overflow(x, y, "Integer");
                }
                return encode((int) sum, null);
            case SHORT:
                if (sum != (short) sum) {
                    throw overflow(x, y, "Short");
                }
                return encode((short) sum, null);
            default:
                if (sum != (byte) sum) {
                    throw overflow(x, y, "Byte");
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
        if (isNumber(a) && isNumber(b)) {
            Number x = (Number) decode(a, null);
            Number y = (Number) decode(b, null);
            if (isIntegralTag(a[0]) && isIntegralTag(b[0])) {
                return Long.compare(x.longValue(), y.longValue());
            }
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (isStringTag(a[0]) && isStringTag(b[0])) {
            return ((String) decode(a, null)).compareTo((String) decode(b, null));
        }
        throw new IllegalArgumentException("the registry sorts numbers or strings, not " + describe(a) + " with "
                + describe(b) + "; sort a copy on the client (new ArrayList<>(list)) instead");
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
            case REFERENCE: return "a reference to " + decodeReference(encoded).type() + " '"
                    + decodeReference(encoded).name() + "'";
            case SERIALIZED: return "a " + serializedClassName(encoded) + " (serialized)";
            default: return "an unknown value (tag " + encoded[0] + ")";
        }
    }

    /** The class name at the start of a serialized value, read from the stream header; "object" if unreadable. */
    static String serializedClassName(byte[] encoded) {
        // 1 tag byte, then AC ED 00 05, then TC_OBJECT/TC_ARRAY/TC_ENUM (0x73/0x75/0x7E), TC_CLASSDESC (0x72), UTF
        if (encoded.length > 9 && (encoded[6] == 0x73 || encoded[6] == 0x75 || encoded[6] == 0x7E)
                && encoded[7] == 0x72) {
            int len = ((encoded[8] & 0xFF) << 8) | (encoded[9] & 0xFF);
            if (10 + len <= encoded.length) {
                return new String(encoded, 10, len, StandardCharsets.UTF_8);
            }
        }
        return "object";
    }
}
