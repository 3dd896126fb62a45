package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jmanager.FuzzLimits;
import io.jmanager.RegistryLimitException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the batch call's decoders (Jazzer; SECURITY.md, "Fuzzing"): the registry reads
 * {@link BatchCodec#decodeCalls} from any authenticated worker, and a worker reads {@link BatchCodec#decodeOutcomes}
 * from the registry. Each answers or throws {@link IllegalArgumentException} (or {@link RegistryLimitException} for
 * too many operations), allocating no more than its input's size allows; what it answers writes back as the same.
 */
class BatchCodecGuidedFuzzTest {
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void decodeCalls(byte[] input) throws Exception {
        java.util.concurrent.atomic.AtomicReference<List<BatchCodec.Call>> read =
                new java.util.concurrent.atomic.AtomicReference<>();
        FuzzLimits.bounded(input.length, 16, "decodeCalls", () -> {
            try {
                read.set(BatchCodec.decodeCalls(input, 1000));
            } catch (IllegalArgumentException | RegistryLimitException refused) {
                read.set(null);
            }
        });
        if (read.get() != null) {
            for (BatchCodec.Call c : read.get()) {
                assertNotNull(c.op());
                assertNotNull(c.object());
            }
            assertArrayEquals(input, BatchCodec.encodeCalls(read.get()), "a request reads and writes one way");
        }
    }

    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void decodeOutcomes(byte[] input) throws Exception {
        if (input.length < 1) {
            return;
        }
        int expected = input[0] & 0x0f;
        byte[] answer = java.util.Arrays.copyOfRange(input, 1, input.length);
        java.util.concurrent.atomic.AtomicReference<List<BatchCodec.Outcome>> read =
                new java.util.concurrent.atomic.AtomicReference<>();
        FuzzLimits.bounded(answer.length, 16, "decodeOutcomes", () -> {
            try {
                read.set(BatchCodec.decodeOutcomes(answer, expected));
            } catch (IllegalArgumentException refused) {
                read.set(null);
            }
        });
        if (read.get() != null) {
            List<BatchCodec.Outcome> again = BatchCodec.decodeOutcomes(BatchCodec.encodeOutcomes(read.get()),
                    expected);
            for (int i = 0; i < expected; i++) {
                BatchCodec.Outcome a = read.get().get(i);
                BatchCodec.Outcome b = again.get(i);
                assertArrayEquals(a.bytes(), b.bytes());
                assertEquals(a.number(), b.number());
                assertEquals(a.error() == null, b.error() == null);
                if (a.error() != null) {
                    assertEquals(a.error().getClass(), b.error().getClass());
                    assertEquals(a.error().getMessage(), b.error().getMessage());
                }
            }
        }
    }
}
