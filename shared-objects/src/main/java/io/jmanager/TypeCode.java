package io.jmanager;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The typecodes of Python's {@code array} module and {@code multiprocessing.Value}/{@code Array}
 * ({@code b B h H i I l L q Q f d c u}), with the value ranges of 64-bit Linux.
 *
 * <p>Every value of every typecode travels and is stored as one 64-bit <em>bits</em> {@code long}:
 * <ul>
 *   <li>integral codes ({@code b}..{@code Q}) store the number itself;</li>
 *   <li>{@code c} stores the unsigned byte (0..255), {@code u} the UTF-16 char code (0..65535);</li>
 *   <li>{@code f} stores {@code Double.doubleToRawLongBits((double) floatValue)}, {@code d}
 *       {@code Double.doubleToRawLongBits(value)}.</li>
 * </ul>
 * {@link #toBits(Object)} converts a Java value to bits with full checks (client side),
 * {@link #checkBits(long)} validates bits received from a client (server side) and
 * {@link #fromBits(long)} turns bits back into a value of {@link #javaType()}.
 *
 * <p>Limitation: Java's {@code long} cannot carry 2^63..2^64-1, so {@code L} and {@code Q} are
 * limited to 0..{@link Long#MAX_VALUE}.
 *
 * <p>Thread-safety: immutable; every method is safe to call from any thread.
 */
public enum TypeCode {
    /** {@code 'b'}: C {@code signed char}, -128..127, as {@link Integer}. */
    SIGNED_CHAR('b', Kind.INTEGRAL, Integer.class, 1, Byte.MIN_VALUE, Byte.MAX_VALUE),
    /** {@code 'B'}: C {@code unsigned char}, 0..255, as {@link Integer}. */
    UNSIGNED_CHAR('B', Kind.INTEGRAL, Integer.class, 1, 0, 0xFF),
    /** {@code 'h'}: C {@code short}, -32768..32767, as {@link Integer}. */
    SHORT('h', Kind.INTEGRAL, Integer.class, 2, Short.MIN_VALUE, Short.MAX_VALUE),
    /** {@code 'H'}: C {@code unsigned short}, 0..65535, as {@link Integer}. */
    UNSIGNED_SHORT('H', Kind.INTEGRAL, Integer.class, 2, 0, 0xFFFF),
    /** {@code 'i'}: C {@code int}, 32-bit signed, as {@link Integer}. */
    INT('i', Kind.INTEGRAL, Integer.class, 4, Integer.MIN_VALUE, Integer.MAX_VALUE),
    /** {@code 'I'}: C {@code unsigned int}, 0..4294967295, as {@link Long}. */
    UNSIGNED_INT('I', Kind.INTEGRAL, Long.class, 4, 0, 0xFFFF_FFFFL),
    /** {@code 'l'}: C {@code long} (64-bit on Linux), as {@link Long}. */
    LONG('l', Kind.INTEGRAL, Long.class, 8, Long.MIN_VALUE, Long.MAX_VALUE),
    /** {@code 'L'}: C {@code unsigned long}, limited to 0..{@link Long#MAX_VALUE}, as {@link Long}. */
    UNSIGNED_LONG('L', Kind.INTEGRAL, Long.class, 8, 0, Long.MAX_VALUE),
    /** {@code 'q'}: C {@code long long}, 64-bit signed, as {@link Long}. */
    LONG_LONG('q', Kind.INTEGRAL, Long.class, 8, Long.MIN_VALUE, Long.MAX_VALUE),
    /** {@code 'Q'}: C {@code unsigned long long}, limited to 0..{@link Long#MAX_VALUE}, as {@link Long}. */
    UNSIGNED_LONG_LONG('Q', Kind.INTEGRAL, Long.class, 8, 0, Long.MAX_VALUE),
    /** {@code 'f'}: C {@code float}, as {@link Float}. */
    FLOAT('f', Kind.FLOATING, Float.class, 4, 0, 0),
    /** {@code 'd'}: C {@code double}, as {@link Double}. */
    DOUBLE('d', Kind.FLOATING, Double.class, 8, 0, 0),
    /** {@code 'c'}: a single byte ({@code ctypes.c_char}), stored 0..255, as {@link Byte}. */
    CHAR('c', Kind.BYTE_CHAR, Byte.class, 1, 0, 0xFF),
    /** {@code 'u'}: a single UTF-16 char ({@code wchar_t}, 4 bytes on Linux), 0..65535, as {@link Character}. */
    WCHAR('u', Kind.WIDE_CHAR, Character.class, 4, Character.MIN_VALUE, Character.MAX_VALUE);

    /** How values of a typecode are accepted and stored. */
    private enum Kind { INTEGRAL, FLOATING, BYTE_CHAR, WIDE_CHAR }

    private static final String VALID_CODES =
            Stream.of(values()).map(t -> String.valueOf(t.code)).collect(Collectors.joining(" "));
    private static final TypeCode[] BY_CODE = new TypeCode[128];

    static {
        for (TypeCode type : values()) {
            BY_CODE[type.code] = type;
        }
    }

    private final char code;
    private final Kind kind;
    private final Class<?> javaType;
    private final int byteSize;
    /** Smallest stored bits (integral, c and u only). */
    private final long min;
    /** Largest stored bits (integral, c and u only). */
    private final long max;

    TypeCode(char code, Kind kind, Class<?> javaType, int byteSize, long min, long max) {
        this.code = code;
        this.kind = kind;
        this.javaType = javaType;
        this.byteSize = byteSize;
        this.min = min;
        this.max = max;
    }

    /**
     * Returns the typecode for a Python typecode character.
     *
     * @param code one of {@code b B h H i I l L q Q f d c u}
     * @return the typecode, never null
     * @throws IllegalArgumentException if {@code code} is not a known typecode; the message names
     *                                  the bad code and lists the valid ones
     */
    public static TypeCode of(char code) {
        TypeCode type = code < BY_CODE.length ? BY_CODE[code] : null;
        if (type == null) {
            throw new IllegalArgumentException("unknown typecode '" + code + "': use one of " + VALID_CODES);
        }
        return type;
    }

    /**
     * Returns the typecode for a one-character string such as {@code "i"}.
     *
     * @param code a string holding exactly one of {@code b B h H i I l L q Q f d c u}
     * @return the typecode, never null
     * @throws IllegalArgumentException if {@code code} is null, not exactly one character long or not
     *                                  a known typecode; the message names the bad code and lists the valid ones
     */
    public static TypeCode of(String code) {
        if (code == null || code.length() != 1) {
            String shown = code == null ? "null" : '"' + code + '"';
            throw new IllegalArgumentException("unknown typecode " + shown + ": use one of " + VALID_CODES);
        }
        return of(code.charAt(0));
    }

    /**
     * Returns the Python typecode character, e.g. {@code 'i'}.
     *
     * @return the typecode character
     */
    public char code() {
        return code;
    }

    /**
     * Returns the Java class of the values {@link #fromBits(long)} returns: {@link Integer} for
     * {@code b B h H i}, {@link Long} for {@code I l L q Q}, {@link Float}, {@link Double},
     * {@link Byte} for {@code c} and {@link Character} for {@code u}.
     *
     * @return the boxed Java value type
     */
    public Class<?> javaType() {
        return javaType;
    }

    /**
     * Returns the size of one value in bytes as C on 64-bit Linux has it ({@code u} is 4).
     *
     * @return the C size in bytes
     */
    public int byteSize() {
        return byteSize;
    }

    /**
     * Tells whether this is an integer typecode ({@code b B h H i I l L q Q}; not {@code c} or {@code u}).
     *
     * @return true for the integer typecodes
     */
    public boolean isIntegral() {
        return kind == Kind.INTEGRAL;
    }

    /**
     * Tells whether this is a floating-point typecode ({@code f} or {@code d}).
     *
     * @return true for {@code f} and {@code d}
     */
    public boolean isFloating() {
        return kind == Kind.FLOATING;
    }

    /**
     * Describes the stored value range, e.g. {@code -128..127}; {@code any float} and
     * {@code any double} for {@code f} and {@code d}.
     *
     * @return a human-readable range for messages
     */
    public String rangeDescription() {
        if (this == FLOAT) {
            return "any float";
        }
        if (this == DOUBLE) {
            return "any double";
        }
        return min + ".." + max;
    }

    /**
     * Converts a Java value to bits, checking its type and range.
     * <ul>
     *   <li>integral codes take any {@link Number} with an integral value ({@code Byte}, {@code Short},
     *       {@code Integer}, {@code Long}, {@code BigInteger}, {@code AtomicInteger}, {@code AtomicLong},
     *       and {@code Float}/{@code Double}/{@code BigDecimal} without a fractional part);</li>
     *   <li>{@code f} and {@code d} take any {@link Number}; {@code f} rounds it to float precision
     *       (a finite double beyond float range becomes an infinity, as in ctypes);</li>
     *   <li>{@code c} takes any {@link Byte} (stored unsigned), an integer in -128..255 (negative ones
     *       stored as the unsigned byte), a {@link Character} in 0..255, or a {@code String} or
     *       {@code byte[]} of length 1;</li>
     *   <li>{@code u} takes a {@link Character}, a {@code String} of exactly one UTF-16 char, or an
     *       integer in 0..65535.</li>
     * </ul>
     *
     * @param value the value to store
     * @return the bits for the value
     * @throws IllegalArgumentException if {@code value} is null, of a type this typecode does not take
     *                                  (e.g. {@code typecode 'i' takes an integer, got java.lang.Double 1.5}),
     *                                  or out of range (e.g. {@code 300 is out of range for typecode 'b' (-128..127)})
     */
    public long toBits(Object value) {
        // Fast paths for the common boxes, small enough to inline, so that the JIT can drop the box itself.
        if (value instanceof Double d && this == DOUBLE) {
            return Double.doubleToRawLongBits(d);
        }
        if (value instanceof Integer i && kind == Kind.INTEGRAL && i >= min && i <= max) {
            return i;
        }
        if (value instanceof Long l && kind == Kind.INTEGRAL && l >= min && l <= max) {
            return l;
        }
        return checkedBits(value);
    }

    private long checkedBits(Object value) {
        if (value == null) {
            throw new IllegalArgumentException("typecode '" + code + "' does not take null");
        }
        return switch (kind) {
            case INTEGRAL -> integralBits(value, min, max);
            case FLOATING -> floatingBits(value);
            case BYTE_CHAR -> byteCharBits(value);
            case WIDE_CHAR -> wideCharBits(value);
        };
    }

    /**
     * Returns the Java value, of {@link #javaType()}, for stored bits. The bits are not validated
     * (see {@link #checkBits(long)}); bits out of range are narrowed like a C cast.
     *
     * @param bits stored bits
     * @return the value: an {@link Integer}, {@link Long}, {@link Float}, {@link Double},
     *         {@link Byte} (for {@code c}, {@code (byte) bits}) or {@link Character}
     */
    public Object fromBits(long bits) {
        return switch (this) {
            // Boxed explicitly: numeric arms must never be promoted to a common type.
            case SIGNED_CHAR, UNSIGNED_CHAR, SHORT, UNSIGNED_SHORT, INT -> Integer.valueOf((int) bits);
            case UNSIGNED_INT, LONG, UNSIGNED_LONG, LONG_LONG, UNSIGNED_LONG_LONG -> Long.valueOf(bits);
            case FLOAT -> Float.valueOf((float) Double.longBitsToDouble(bits));
            case DOUBLE -> Double.valueOf(Double.longBitsToDouble(bits));
            case CHAR -> Byte.valueOf((byte) bits);
            case WCHAR -> Character.valueOf((char) bits);
        };
    }

    /**
     * Validates bits received from a client: integral, {@code c} and {@code u} bits must lie in
     * {@link #rangeDescription()}; {@code f} bits must be a double exactly representable as a float
     * (or NaN or an infinity); any bits are a valid {@code d}.
     *
     * @param bits the bits to check
     * @throws IllegalArgumentException if the bits are not a valid value of this typecode
     */
    public void checkBits(long bits) {
        if (this == FLOAT) {
            double value = Double.longBitsToDouble(bits);
            if (!Double.isNaN(value) && (double) (float) value != value) {
                throw new IllegalArgumentException(
                        value + " is not exactly representable as a float for typecode 'f'");
            }
        } else if (this != DOUBLE && (bits < min || bits > max)) {
            throw outOfRange(Long.toString(bits), min, max);
        }
    }

    /**
     * Encodes an increment for {@link #addBits(long, long)}: the delta itself as a {@code long}
     * for integral, {@code c} and {@code u} codes; {@code Double.doubleToRawLongBits(delta.doubleValue())}
     * for {@code f} and {@code d}.
     *
     * @param delta the increment, may be negative
     * @return the encoded delta
     * @throws IllegalArgumentException if {@code delta} is null, or not integral (or beyond
     *                                  {@code long}) for an integral, {@code c} or {@code u} code
     */
    public long deltaBits(Number delta) {
        if (delta == null) {
            throw new IllegalArgumentException("typecode '" + code + "' does not take a null delta");
        }
        if (isFloating()) {
            return Double.doubleToRawLongBits(delta.doubleValue());
        }
        return integralBits(delta, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /**
     * Adds an encoded delta (see {@link #deltaBits(Number)}) to stored bits. Integral, {@code c} and
     * {@code u} codes add exactly and range-check the sum; {@code f} rounds the sum to float;
     * {@code d} adds plain doubles.
     *
     * @param bits      the stored value's bits (assumed valid)
     * @param deltaBits the encoded delta
     * @return the bits of the sum
     * @throws IllegalArgumentException if the sum is out of range, e.g.
     *                                  {@code 127 + 1 = 128 is out of range for typecode 'b' (-128..127)}
     */
    public long addBits(long bits, long deltaBits) {
        if (isFloating()) {
            double sum = Double.longBitsToDouble(bits) + Double.longBitsToDouble(deltaBits);
            return Double.doubleToRawLongBits(this == FLOAT ? (float) sum : sum);
        }
        long sum;
        try {
            sum = Math.addExact(bits, deltaBits);
        } catch (ArithmeticException overflow) {
            BigInteger exact = BigInteger.valueOf(bits).add(BigInteger.valueOf(deltaBits));
            throw outOfRange(bits + " + " + deltaBits + " = " + exact, min, max);
        }
        if (sum < min || sum > max) {
            throw outOfRange(bits + " + " + deltaBits + " = " + sum, min, max);
        }
        return sum;
    }

    /**
     * Tells whether two stored values are equal, for compare-and-set. Integral, {@code c} and
     * {@code u} bits compare as numbers; {@code f} and {@code d} compare like Python's {@code ==}
     * ({@code 0.0 == -0.0}, NaN equals nothing, not even itself).
     *
     * @param a stored bits
     * @param b stored bits
     * @return true if the values are equal
     */
    public boolean bitsEqual(long a, long b) {
        if (isFloating()) {
            return Double.longBitsToDouble(a) == Double.longBitsToDouble(b);
        }
        return a == b;
    }

    /**
     * Orders two stored values numerically: {@link Double#compare(double, double)} for {@code f}
     * and {@code d}, {@link Long#compare(long, long)} otherwise.
     *
     * @param a stored bits
     * @param b stored bits
     * @return negative, zero or positive as {@code a} is less than, equal to or greater than {@code b}
     */
    public int compareBits(long a, long b) {
        if (isFloating()) {
            return Double.compare(Double.longBitsToDouble(a), Double.longBitsToDouble(b));
        }
        return Long.compare(a, b);
    }

    private long floatingBits(Object value) {
        if (!(value instanceof Number number)) {
            throw rejected("a number", value);
        }
        double asDouble = number.doubleValue();
        return Double.doubleToRawLongBits(this == FLOAT ? (float) asDouble : asDouble);
    }

    private long byteCharBits(Object value) {
        if (value instanceof Number) {
            return integralBits(value, Byte.MIN_VALUE, 0xFF) & 0xFF;
        }
        if (value instanceof Character c && c <= 0xFF) {
            return c;
        }
        if (value instanceof String s && s.length() == 1 && s.charAt(0) <= 0xFF) {
            return s.charAt(0);
        }
        if (value instanceof byte[] bytes && bytes.length == 1) {
            return bytes[0] & 0xFF;
        }
        throw rejected("a single byte (a Byte, an integer in -128..255, a char in 0..255,"
                + " or a String or byte[] of length 1)", value);
    }

    private long wideCharBits(Object value) {
        if (value instanceof Number) {
            return integralBits(value, min, max);
        }
        if (value instanceof Character c) {
            return c;
        }
        if (value instanceof String s && s.length() == 1) {
            return s.charAt(0);
        }
        throw rejected("a single UTF-16 char (a Character, a String of length 1,"
                + " or an integer in 0..65535)", value);
    }

    /** The exact integral value of {@code value} if it lies in lo..hi; IAE otherwise. */
    private long integralBits(Object value, long lo, long hi) {
        if (!(value instanceof Number number)) {
            throw rejected("an integer", value);
        }
        if (isFixedWidthInteger(number)) {
            long exact = number.longValue();
            if (exact < lo || exact > hi) {
                throw outOfRange(Long.toString(exact), lo, hi);
            }
            return exact;
        }
        BigDecimal exact = exactDecimal(number);
        if (exact == null || !isWhole(exact)) {
            throw rejected("an integer", value);
        }
        // compareTo looks at the exponents first, so a huge value such as 1E+999999999 stays cheap.
        if (exact.compareTo(BigDecimal.valueOf(lo)) < 0 || exact.compareTo(BigDecimal.valueOf(hi)) > 0) {
            throw outOfRange(describeWhole(exact), lo, hi);
        }
        return exact.longValueExact();
    }

    private static boolean isFixedWidthInteger(Number number) {
        return number instanceof Integer || number instanceof Long || number instanceof Short
                || number instanceof Byte || number instanceof AtomicInteger || number instanceof AtomicLong
                || number instanceof LongAdder || number instanceof LongAccumulator;
    }

    /** The exact value of a number, or null for NaN, infinities and numbers without a decimal form. */
    private static BigDecimal exactDecimal(Number number) {
        if (number instanceof BigDecimal decimal) {
            return decimal;
        }
        if (number instanceof BigInteger integer) {
            return new BigDecimal(integer);
        }
        if (number instanceof Double || number instanceof Float) {
            double asDouble = number.doubleValue();
            return Double.isFinite(asDouble) ? new BigDecimal(asDouble) : null;
        }
        try {
            return new BigDecimal(number.toString());
        } catch (NumberFormatException notDecimal) {
            return null;
        }
    }

    private static boolean isWhole(BigDecimal decimal) {
        return decimal.signum() == 0 || decimal.scale() <= 0 || decimal.stripTrailingZeros().scale() <= 0;
    }

    /** Plain digits for whole numbers of sensible size, the scientific form for huge ones. */
    private static String describeWhole(BigDecimal whole) {
        boolean sensibleSize = whole.precision() - whole.scale() <= 64;
        return sensibleSize ? whole.toBigIntegerExact().toString() : whole.toString();
    }

    private IllegalArgumentException outOfRange(String what, long lo, long hi) {
        return new IllegalArgumentException(
                what + " is out of range for typecode '" + code + "' (" + lo + ".." + hi + ")");
    }

    private IllegalArgumentException rejected(String expected, Object value) {
        String shown = value instanceof byte[] bytes ? Arrays.toString(bytes) : String.valueOf(value);
        return new IllegalArgumentException("typecode '" + code + "' takes " + expected + ", got "
                + value.getClass().getTypeName() + " " + shown);
    }
}
