package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jmanager.FuzzLimits;
import io.jmanager.ValueClassRefusedException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of {@link ValueCodec} (Jazzer; SECURITY.md, "Fuzzing"): the bytes a worker reads from the
 * registry, and the bytes the registry reads from any key holder. Every function answers or throws
 * {@link IllegalArgumentException}, its documented exception ({@code decode} also
 * {@link ValueClassRefusedException} for a class its default filter does not admit; Jazzer's deserialization
 * sanitizer checks that no other class is ever instantiated); nothing allocates out of proportion to the input;
 * and a value of a built-in tag decodes only from its one canonical encoding (the registry compares keys by their
 * bytes, so two encodings of one value would be two keys that workers see as equal).
 *
 * <p>{@code mvn test} replays the inputs in {@code ValueCodecGuidedFuzzTestInputs/<method>/} (seeds and every
 * crash found so far); {@code scripts/fuzz.sh} fuzzes one method.
 */
class ValueCodecGuidedFuzzTest {
    /** What a worker does with bytes from the registry: decode them, and everything else the codec offers. */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void decode(byte[] input) throws Exception {
        FuzzLimits.bounded(input.length, 16, "decode", () -> checkDecode(input));
    }

    private static void checkDecode(byte[] input) {
        Object value;
        boolean decoded;
        try {
            value = ValueCodec.decode(input, null);
            decoded = true;
        } catch (IllegalArgumentException | ValueClassRefusedException refused) {
            value = null;
            decoded = false;
        }
        assertNotNull(ValueCodec.describe(input));
        try {
            ValueCodec.Reference ref = ValueCodec.decodeReference(input);
            assertNotNull(ref.name());
            assertNotNull(ref.type());
        } catch (IllegalArgumentException refused) {
            // not a reference
        }
        if (decoded && input[0] != ValueCodec.SERIALIZED) {
            // one value, one encoding: what decodes encodes back to the very same bytes
            Object decodedValue = value;
            byte[] again = ValueCodec.encode(decodedValue, null);
            assertArrayEquals(input, again, () -> "the encoding " + hex(input) + " decodes to "
                    + describe(decodedValue) + ", which encodes as " + hex(again));
        }
    }

    /**
     * What the registry does with a key holder's bytes: tag, isNumber, describe, add and compare (on two values cut
     * from the input at its first byte), without ever deserializing.
     */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void registryFunctions(byte[] input) throws Exception {
        FuzzLimits.bounded(input.length, 16, "the registry's functions", () -> checkRegistryFunctions(input));
    }

    private static void checkRegistryFunctions(byte[] input) {
        int cut = input.length == 0 ? 0 : Math.min(input[0] & 0xff, input.length - 1) + 1;
        byte[] a = Arrays.copyOfRange(input, Math.min(1, input.length), Math.max(cut, Math.min(1, input.length)));
        byte[] b = Arrays.copyOfRange(input, Math.max(cut, Math.min(1, input.length)), input.length);
        for (byte[] x : new byte[][] {a, b}) {
            assertNotNull(ValueCodec.describe(x));
            try {
                ValueCodec.tag(x);
                ValueCodec.isNumber(x);
            } catch (IllegalArgumentException refused) {
                // empty
            }
        }
        Integer ab = null;
        Integer ba = null;
        try {
            ab = ValueCodec.compare(a, b);
        } catch (IllegalArgumentException refused) {
            // not two numbers or two strings
        }
        try {
            ba = ValueCodec.compare(b, a);
        } catch (IllegalArgumentException refused) {
            // not two numbers or two strings
        }
        assertEquals(ab == null, ba == null, "compare refuses both orders or neither");
        if (ab != null) {
            assertEquals(Integer.signum(ab), -Integer.signum(ba), "compare is antisymmetric");
        }
        for (byte[][] pair : new byte[][][] {{a, b}, {b, a}, {null, a}}) {
            try {
                byte[] sum = ValueCodec.add(pair[0], pair[1]);
                // what the registry stores as the new value must be a well-formed number
                Object decoded = ValueCodec.decode(sum, null);
                assertNotNull(decoded);
            } catch (IllegalArgumentException refused) {
                // not two numbers, or an overflow
            }
        }
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName() + " " + value;
    }

    private static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
