package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WireFilterTest {
    record UserValue(int x) implements Serializable {
    }

    private static final WireFilter FILTER = new WireFilter(1 << 20, 1000);

    private static byte[] serialize(Object... objects) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            for (Object o : objects) {
                out.writeObject(o);
            }
        }
        return buffer.toByteArray();
    }

    /** Reads every object back through the filter, as RMI reads call arguments. */
    private static List<Object> read(WireFilter filter, byte[] bytes, int count)
            throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(filter);
            List<Object> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                out.add(in.readObject());
            }
            return out;
        }
    }

    private static Object roundTrip(Object o) throws Exception {
        return read(FILTER, serialize(o), 1).get(0);
    }

    private static void assertRejected(WireFilter filter, Object o) {
        assertThrows(InvalidClassException.class, () -> read(filter, serialize(o), 1), String.valueOf(o));
    }

    @Test
    void theWireTypesPass() throws Exception {
        assertEquals("text", roundTrip("text"));
        assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) roundTrip(new byte[] {1, 2, 3}));
        byte[][] batch = {{1}, {}, {2, 3}};
        byte[][] back = (byte[][]) roundTrip(batch);
        assertEquals(3, back.length);
        assertArrayEquals(batch[2], back[2]);
        assertArrayEquals(new long[] {1, -1, Long.MAX_VALUE}, (long[]) roundTrip(new long[] {1, -1, Long.MAX_VALUE}));
        assertEquals(ObjectType.BARRIER, roundTrip(ObjectType.BARRIER));
        assertEquals(null, roundTrip(null));
        String[] strings = {"a", null};
        assertArrayEquals(strings, (String[]) roundTrip(strings));
    }

    @Test
    void objectSpecsPass() throws Exception {
        ObjectSpec typed = (ObjectSpec) roundTrip(ObjectSpec.typed(ObjectType.ARRAY, "x:d,y:i", 2,
                new long[] {1, 2, 3, 4}));
        assertEquals("array('x:d,y:i', 2)", typed.describe());
        assertArrayEquals(new long[] {1, 2, 3, 4}, typed.initialBits());
        assertEquals("condition(lock='l')", ((ObjectSpec) roundTrip(ObjectSpec.condition("l"))).describe());
        assertEquals(ObjectType.QUEUE, ((ObjectSpec) roundTrip(ObjectSpec.sized(ObjectType.QUEUE, 5))).type());
        assertEquals(ObjectType.DICT, ((ObjectSpec) roundTrip(ObjectSpec.of(ObjectType.DICT))).type());
    }

    @Test
    void everythingElseIsRejected() {
        assertRejected(FILTER, new HashMap<>(Map.of("k", "v")));
        assertRejected(FILTER, new HashMap<>());
        assertRejected(FILTER, new ArrayList<>(List.of("a")));
        assertRejected(FILTER, new UserValue(1));
        assertRejected(FILTER, new UserValue[] {new UserValue(1)});
        assertRejected(FILTER, new Object[] {"a"});
        assertRejected(FILTER, Integer.valueOf(1));
        assertRejected(FILTER, new UUID(1, 2));
        assertRejected(FILTER, TimeUnit.SECONDS);
        assertRejected(FILTER, List.of("immutable"));
        assertRejected(FILTER, new java.util.Date());
    }

    @Test
    void aRejectedClassInsideAnAllowedArrayIsRejected() {
        assertRejected(FILTER, new Object[][] {{new UserValue(2)}});
    }

    @Test
    void arraysLongerThanTheLimitAreRejected() throws Exception {
        assertEquals(1000, ((byte[]) roundTrip(new byte[1000])).length);
        assertRejected(FILTER, new byte[1001]);
        assertRejected(FILTER, new long[1001]);
        assertEquals(1000, ((byte[][]) roundTrip(new byte[1000][0])).length);
        assertRejected(FILTER, new byte[1001][0]);
        assertRejected(FILTER, new byte[][] {new byte[10], new byte[1001]});
    }

    @Test
    void twoFullBatchesInOneCallPass() throws Exception {
        byte[][] keys = new byte[1000][0];
        byte[][] values = new byte[1000][0];
        assertEquals(2, read(FILTER, serialize(keys, values), 2).size(), "putAll's keys and values");
    }

    @Test
    void specsThatBreakTheirInvariantsAreRefused() throws Exception {
        assertBroken(ObjectSpec.of(ObjectType.DICT), "type");
        assertBroken(ObjectSpec.typed(ObjectType.ARRAY, "i", 1, null), "layout");
        assertBroken(ObjectSpec.condition("l"), "linkedName");
    }

    private static void assertBroken(ObjectSpec spec, String field) throws Exception {
        java.lang.reflect.Field f = ObjectSpec.class.getDeclaredField(field);
        f.setAccessible(true);
        f.set(spec, null);
        assertThrows(java.io.InvalidObjectException.class, () -> read(FILTER, serialize(spec), 1), field);
    }

    @Test
    void deepNestingIsRejected() throws Exception {
        Object eight = new byte[][][][][][][][] {{{{{{{{1}}}}}}}};
        Object nine = new byte[][][][][][][][][] {{{{{{{{{1}}}}}}}}};
        assertEquals(byte[][][][][][][][].class, roundTrip(eight).getClass());
        assertRejected(FILTER, nine);
    }

    @Test
    void longStreamsAreRejected() throws Exception {
        WireFilter small = new WireFilter(600, 1000);
        byte[][] fits = {new byte[200], new byte[200]};
        assertEquals(2, ((byte[][]) read(small, serialize((Object) fits), 1).get(0)).length);
        byte[][] tooLong = {new byte[300], new byte[300], new byte[300]};
        assertThrows(InvalidClassException.class, () -> read(small, serialize((Object) tooLong), 1));
    }

    @Test
    void tooManyReferencesAreRejected() throws Exception {
        WireFilter small = new WireFilter(1 << 20, 10);
        String[] fine = new String[10];
        assertEquals(10, ((String[]) read(small, serialize((Object) fine), 1).get(0)).length);
        byte[][][][] many = new byte[10][10][10][0];
        assertThrows(InvalidClassException.class, () -> read(small, serialize((Object) many), 1),
                "1111 objects, far more than two batches of 10 plus the slack");
    }
}
