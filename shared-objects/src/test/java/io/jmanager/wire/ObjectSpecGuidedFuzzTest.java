package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jmanager.FuzzLimits;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of {@link ObjectSpec#fromBytes} (Jazzer; SECURITY.md, "Fuzzing"), the spec format of data
 * directories and export files: it answers a spec or throws {@link IllegalArgumentException}; a spec it answers
 * keeps the invariants the factory methods keep and writes back as bytes that read as the same spec.
 */
class ObjectSpecGuidedFuzzTest {
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void fromBytes(byte[] input) throws Exception {
        ObjectSpec[] read = new ObjectSpec[1];
        FuzzLimits.bounded(input.length, 16, "fromBytes", () -> {
            try {
                read[0] = ObjectSpec.fromBytes(input);
            } catch (IllegalArgumentException refused) {
                read[0] = null;
            }
        });
        ObjectSpec spec = read[0];
        if (spec == null) {
            return;
        }
        assertNotNull(spec.type());
        assertNotNull(spec.describe());
        switch (spec.type()) {
            case VALUE, ARRAY -> assertNotNull(spec.layout(), "a value or array has a layout");
            case CONDITION -> assertNotNull(spec.linkedName(), "a condition names its lock");
            default -> { }
        }
        assertEquals(spec.atLeastOnce(), spec.visibilityMillis() > 0);
        if (spec.atLeastOnce()) {
            assertEquals(ObjectType.QUEUE, spec.type(), "only a queue has a visibility timeout");
        }
        byte[] written = spec.toBytes();
        ObjectSpec again = ObjectSpec.fromBytes(written);
        assertEquals(spec.type(), again.type());
        assertEquals(spec.layout(), again.layout());
        assertEquals(spec.size(), again.size());
        assertEquals(spec.linkedName(), again.linkedName());
        assertEquals(spec.visibilityMillis(), again.visibilityMillis());
        assertArrayEquals(spec.initialBits(), again.initialBits());
        assertArrayEquals(written, again.toBytes(), "a spec writes one way");
    }
}
