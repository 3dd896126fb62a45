package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the struct-layout spec (Jazzer; SECURITY.md, "Fuzzing"): {@link StructLayout#parse}
 * (object specs carry it from workers, data directories and export files), the layout's serial form (a spec string
 * parsed again when a layout is deserialized), and typecode bits as the registry checks them. Each answers or throws
 * its documented exception ({@link IllegalArgumentException}; {@link InvalidObjectException} for the serial
 * form); a layout it answers is canonical (its spec parses to itself) and well-formed.
 */
class StructLayoutGuidedFuzzTest {
    /** A serialized layout whose spec string the fuzz input replaces (the template's spec, "x:d", occurs once). */
    private static final byte[] TEMPLATE = serialize(StructLayout.parse("x:d"));
    private static final byte[] TEMPLATE_SPEC = {0x74, 0, 3, 'x', ':', 'd'};

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void parse(byte[] input) throws Exception {
        FuzzLimits.bounded(input.length, 64, "parse", () -> checkParse(input));
    }

    private static void checkParse(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        StructLayout layout;
        try {
            layout = StructLayout.parse(text);
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        checkWellFormed(layout);
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void serialForm(byte[] input) throws IOException, ClassNotFoundException {
        String spec = new String(input, StandardCharsets.UTF_8);
        ByteArrayOutputStream utf = new ByteArrayOutputStream();
        try {
            new DataOutputStream(utf).writeUTF(spec);
        } catch (java.io.UTFDataFormatException tooLong) {
            return; // no serialized string is that long
        }
        int at = indexOf(TEMPLATE, TEMPLATE_SPEC);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        stream.write(TEMPLATE, 0, at);
        stream.write(0x74);
        stream.writeBytes(utf.toByteArray());
        stream.write(TEMPLATE, at + TEMPLATE_SPEC.length, TEMPLATE.length - at - TEMPLATE_SPEC.length);
        StructLayout expected;
        try {
            expected = StructLayout.parse(spec);
        } catch (IllegalArgumentException invalid) {
            expected = null;
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(stream.toByteArray()))) {
            Object read = in.readObject();
            if (expected == null) {
                fail("the serial form of the invalid spec \"" + spec + "\" deserialized as " + read);
            }
            assertEquals(expected, read);
            checkWellFormed((StructLayout) read);
        } catch (InvalidObjectException refused) {
            if (expected != null) {
                fail("the serial form of the valid spec \"" + spec + "\" was refused", refused);
            }
        }
    }

    /** The registry checks a worker's bits with checkBits; a worker reads them with fromBits: they must agree. */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void typeCodeBits(byte[] input) {
        if (input.length < 1) {
            return;
        }
        TypeCode code;
        try {
            code = TypeCode.of((char) (input[0] & 0xff));
        } catch (IllegalArgumentException unknown) {
            return;
        }
        long bits = ByteBuffer.wrap(java.util.Arrays.copyOfRange(input, 1, 9)).getLong();
        try {
            code.checkBits(bits);
        } catch (IllegalArgumentException refused) {
            return;
        }
        Object value = code.fromBits(bits);
        assertEquals(code.javaType(), value.getClass());
        long again = code.toBits(value);
        boolean nan = value instanceof Float f && f.isNaN() || value instanceof Double d && d.isNaN();
        if (!nan) {
            assertEquals(bits, again, "typecode '" + code.code() + "': accepted bits " + bits + " read as " + value
                    + ", which writes as " + again);
        }
    }

    private static void checkWellFormed(StructLayout layout) {
        assertTrue(layout.fieldCount() >= 1);
        assertEquals(layout, StructLayout.parse(layout.spec()), "the spec parses to the same layout");
        assertEquals(layout.spec(), StructLayout.parse(layout.spec()).spec(), "the spec is canonical");
        HashSet<String> names = new HashSet<>();
        for (int i = 0; i < layout.fieldCount(); i++) {
            assertNotNull(layout.fieldType(i));
            assertTrue(names.add(layout.fieldName(i)), "field names are unique");
            if (!layout.isScalar()) {
                assertEquals(i, layout.fieldIndex(layout.fieldName(i)));
            }
        }
    }

    private static byte[] serialize(Object o) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return bytes.toByteArray();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("the template's spec is not in its serial form");
    }
}
