package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.RegistryLimitException;
import io.jmanager.ValueTooLargeException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchCodecTest {
    private static BatchCodec.Call call(String object, BatchOp op) {
        byte[] a = op.bytesArgs() > 0 ? new byte[] {1, 2, 3} : null;
        byte[] b = op.bytesArgs() > 1 ? new byte[0] : null;
        long[] x = {7, -1, Long.MAX_VALUE};
        return new BatchCodec.Call(object, op, a, b, op.longArgs() > 0 ? x[0] : 0, op.longArgs() > 1 ? x[1] : 0,
                op.longArgs() > 2 ? x[2] : 0);
    }

    @Test
    void everyOperationRoundTrips() {
        List<BatchCodec.Call> calls = new ArrayList<>();
        for (BatchOp op : BatchOp.values()) {
            calls.add(call("obj-" + op + "-é", op));
        }
        byte[] bytes = BatchCodec.encodeCalls(calls);
        List<BatchCodec.Call> read = BatchCodec.decodeCalls(bytes, 100);
        assertEquals(calls.size(), read.size());
        for (int i = 0; i < calls.size(); i++) {
            BatchCodec.Call c = calls.get(i);
            BatchCodec.Call r = read.get(i);
            assertEquals(c.object(), r.object());
            assertEquals(c.op(), r.op());
            assertArrayEquals(c.a(), r.a());
            assertArrayEquals(c.b(), r.b());
            assertEquals(List.of(c.x(), c.y(), c.z()), List.of(r.x(), r.y(), r.z()));
        }
        assertArrayEquals(bytes, BatchCodec.encodeCalls(read), "one encoding");
    }

    @Test
    void outcomesRoundTripWithTheirErrorKinds() {
        List<BatchCodec.Outcome> outcomes = List.of(BatchCodec.Outcome.ofBytes(null),
                BatchCodec.Outcome.ofBytes(new byte[] {9}), BatchCodec.Outcome.ofLong(-5),
                BatchCodec.Outcome.ofError(new IllegalArgumentException("bad")),
                BatchCodec.Outcome.ofError(new NoSuchSharedObjectException("gone")),
                BatchCodec.Outcome.ofError(new ValueTooLargeException("big")),
                BatchCodec.Outcome.ofError(new IndexOutOfBoundsException("index 5")),
                BatchCodec.Outcome.ofError(new java.util.ConcurrentModificationException("other")));
        List<BatchCodec.Outcome> read = BatchCodec.decodeOutcomes(BatchCodec.encodeOutcomes(outcomes), 8);
        assertNull(read.get(0).bytes());
        assertArrayEquals(new byte[] {9}, read.get(1).bytes());
        assertEquals(-5, read.get(2).number());
        assertInstanceOf(IllegalArgumentException.class, read.get(3).error());
        assertEquals("bad", read.get(3).error().getMessage());
        assertInstanceOf(NoSuchSharedObjectException.class, read.get(4).error());
        assertInstanceOf(ValueTooLargeException.class, read.get(5).error());
        assertInstanceOf(IndexOutOfBoundsException.class, read.get(6).error());
        assertInstanceOf(io.jmanager.JManagerException.class, read.get(7).error(), "another class: the base");
        assertTrue(read.get(7).error().getMessage().contains("other"));
        assertThrows(IllegalArgumentException.class, () -> BatchCodec.decodeOutcomes(
                BatchCodec.encodeOutcomes(outcomes), 7), "another count");
    }

    @Test
    void aBatchOverTheLimitIsRefusedNamingTheOption() {
        List<BatchCodec.Call> calls = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            calls.add(call("d", BatchOp.DICT_GET));
        }
        RegistryLimitException e = assertThrows(RegistryLimitException.class,
                () -> BatchCodec.decodeCalls(BatchCodec.encodeCalls(calls), 10));
        assertTrue(e.getMessage().contains("--max-batch-size"), e.getMessage());
    }

    @Test
    void malformedRequestsAreRefusedWithoutLargeAllocations() {
        byte[] good = BatchCodec.encodeCalls(List.of(call("d", BatchOp.DICT_PUT)));
        for (int cut = 0; cut < good.length; cut++) {
            byte[] truncated = Arrays.copyOf(good, cut);
            assertThrows(IllegalArgumentException.class, () -> BatchCodec.decodeCalls(truncated, 10), "cut " + cut);
        }
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertThrows(IllegalArgumentException.class, () -> BatchCodec.decodeCalls(trailing, 10));
        byte[] version = good.clone();
        version[0] = 9;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BatchCodec.decodeCalls(version, 10))
                .getMessage().contains("version 9"));
        // a count of a million operations in a few bytes, and a value length of 2 GB
        byte[] count = {1, 0, 15, 66, 64, 0, 0};
        assertThrows(IllegalArgumentException.class, () -> BatchCodec.decodeCalls(count, 2_000_000));
        byte[] length = good.clone();
        int at = 1 + 4 + 2 + 1 + 1; // version, count, name length, name "d", code: the key's length
        length[at] = 0x7f;
        assertThrows(IllegalArgumentException.class, () -> BatchCodec.decodeCalls(length, 10));
        byte[] code = good.clone();
        code[1 + 4 + 2 + 1] = 63;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BatchCodec.decodeCalls(code, 10))
                .getMessage().contains("operation code 63"));
        byte[] name = good.clone();
        name[1 + 4 + 2] = (byte) 0xff;
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BatchCodec.decodeCalls(name, 10))
                .getMessage().contains("not UTF-8"));
    }
}
