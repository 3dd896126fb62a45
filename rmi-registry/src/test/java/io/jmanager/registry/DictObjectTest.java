package io.jmanager.registry;

import static io.jmanager.registry.Fixture.MAX_VALUE;
import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.dec;
import static io.jmanager.registry.Fixture.enc;
import static io.jmanager.registry.Fixture.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.ValueTooLargeException;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.ValueCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DictObjectTest {
    private final Fixture fx = new Fixture();
    private final DictObject dict = fx.add(new DictObject("d", ObjectSpec.of(ObjectType.DICT), fx.context));

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    private List<Object> entries() {
        List<Object> out = new ArrayList<>();
        for (byte[] b : dict.entries()) {
            out.add(dec(b));
        }
        return out;
    }

    /**
     * A registry that stops retires its objects: a call that reached one as it shut down fails saying the registry
     * is unavailable, not that the object was destroyed (a worker would give up on a destroyed object, and go on
     * after an unavailable registry), and changes nothing.
     */
    @Test
    void aRetiredObjectRefusesItsCallsWithTheRefusalAndChangesNothing() {
        dict.put(enc("k"), enc(1));
        dict.retire(() -> new io.jmanager.RegistryUnavailableException("rmi://test:1", "it is stopping", null));
        io.jmanager.RegistryUnavailableException e = assertThrows(io.jmanager.RegistryUnavailableException.class,
                () -> dict.put(enc("k"), enc(2)));
        assertContains(e.getMessage(), "it is stopping");
        assertThrows(io.jmanager.RegistryUnavailableException.class, () -> dict.get(enc("k")));
    }

    @Test
    void keysCompareByTheirBytes() {
        assertNull(dict.put(enc("k"), enc(1)));
        assertEquals(1, dec(dict.get(enc(new String("k")))), "an equal key from another array");
        assertNull(dict.get(enc(1L)));
        dict.put(enc(1), enc("int"));
        dict.put(enc(1L), enc("long"));
        dict.put(enc(1.0), enc("double"));
        assertEquals(4, dict.size(), "1, 1L and 1.0 are different keys, as in Java");
        assertEquals("int", dec(dict.get(enc(1))));
        assertEquals("long", dec(dict.get(enc(1L))));
        assertEquals("double", dec(dict.get(enc(1.0))));
        assertTrue(dict.containsKey(enc(1.0)));
        assertFalse(dict.containsKey(enc(-0.0)), "-0.0 and 0.0 differ by bits (and by Double.equals)");
        assertTrue(dict.containsValue(enc("long")));
        assertFalse(dict.containsValue(enc("LONG")));
    }

    @Test
    void mapOperations() {
        assertNull(dict.put(enc("a"), enc(1)));
        assertEquals(1, dec(dict.put(enc("a"), enc(2))));
        assertEquals(2, dec(dict.putIfAbsent(enc("a"), enc(3))));
        assertNull(dict.putIfAbsent(enc("b"), enc(3)));
        assertNull(dict.replace(enc("c"), enc(4)), "replace only replaces a present key");
        assertFalse(dict.containsKey(enc("c")));
        assertEquals(3, dec(dict.replace(enc("b"), enc(5))));
        assertFalse(dict.replaceIfEquals(enc("b"), enc(3), enc(6)));
        assertTrue(dict.replaceIfEquals(enc("b"), enc(5), enc(6)));
        assertFalse(dict.replaceIfEquals(enc("zz"), enc(5), enc(6)));
        assertFalse(dict.removeIfEquals(enc("b"), enc(5L)), "5L is not 5");
        assertFalse(dict.removeIfEquals(enc("b"), enc(6L)));
        assertTrue(dict.removeIfEquals(enc("b"), enc(6)));
        assertEquals(2, dec(dict.remove(enc("a"))));
        assertNull(dict.remove(enc("a")));
        assertEquals(0, dict.size());
        assertEquals("0 entries", dict.summaryLocked());
    }

    @Test
    void entriesKeepInsertionOrder() {
        dict.put(enc("z"), enc(1));
        dict.put(enc("a"), enc(2));
        dict.put(enc("m"), enc(3));
        dict.put(enc("z"), enc(4));
        assertEquals(Arrays.asList("z", 4, "a", 2, "m", 3), entries());
        assertEquals(1, dict.removeEntries(new byte[][] {enc("a"), enc(2), enc("m"), enc(99), enc("q"), enc(1)}));
        assertEquals(Arrays.asList("z", 4, "m", 3), entries());
        dict.clear();
        assertEquals(0, dict.entries().length);
    }

    @Test
    void putAllAndGetAll() {
        dict.putAll(new byte[][] {enc("a"), enc("b")}, new byte[][] {enc(1), enc(2)});
        byte[][] values = dict.getAll(new byte[][] {enc("b"), enc("x"), enc("a")});
        assertEquals(2, dec(values[0]));
        assertNull(values[1]);
        assertEquals(1, dec(values[2]));
        assertThrows(IllegalArgumentException.class,
                () -> dict.putAll(new byte[][] {enc("c")}, new byte[][] {enc(1), enc(2)}));
        assertEquals(2, dict.size());
    }

    @Test
    void tooLargeValuesAreRefusedAndNothingIsStored() {
        dict.put(enc("k"), enc("old"));
        byte[] big = new byte[MAX_VALUE + 1];
        big[0] = ValueCodec.BYTES;
        ValueTooLargeException e = assertThrows(ValueTooLargeException.class, () -> dict.put(enc("k"), big));
        assertContains(e.getMessage(), String.valueOf(MAX_VALUE + 1), String.valueOf(MAX_VALUE), "'d'",
                "nothing was stored");
        assertEquals("old", dec(dict.get(enc("k"))));
        assertThrows(ValueTooLargeException.class, () -> dict.put(big, enc(1)));
        assertThrows(ValueTooLargeException.class, () -> dict.putIfAbsent(enc("n"), big));
        assertThrows(ValueTooLargeException.class, () -> dict.replace(enc("k"), big));
        assertThrows(ValueTooLargeException.class, () -> dict.replaceIfEquals(enc("k"), enc("old"), big));
        assertThrows(ValueTooLargeException.class,
                () -> dict.putAll(new byte[][] {enc("x"), enc("y")}, new byte[][] {enc(1), big}));
        assertEquals(1, dict.size());
        assertEquals("old", dec(dict.get(enc("k"))));
    }

    @Test
    void putAllCountsKeysAndValuesTogetherAgainstTheBatchLimit() {
        int n = (int) (Fixture.MAX_BATCH / MAX_VALUE);
        byte[][] keys = new byte[n][];
        byte[][] values = new byte[n][];
        for (int i = 0; i < n; i++) {
            keys[i] = enc("k" + i);
            values[i] = new byte[MAX_VALUE - 1];
            values[i][0] = ValueCodec.BYTES;
        }
        assertThrows(ValueTooLargeException.class, () -> dict.putAll(keys, values),
                "the values fill the batch limit, the keys exceed it");
        assertEquals(0, dict.size());
    }

    @Test
    void incrementKeepsTheStoredType() {
        assertEquals(5, dec(dict.increment(enc("i"), enc(5))), "absent counts as zero of the delta's type");
        assertEquals(7, dec(dict.increment(enc("i"), enc(2))));
        assertEquals(10, dec(dict.increment(enc("i"), enc(3L))), "an Integer stays an Integer");
        assertEquals(ValueCodec.INT, dict.get(enc("i"))[0]);
        dict.put(enc("l"), enc(1L));
        assertEquals(3L, dec(dict.increment(enc("l"), enc((short) 2))));
        dict.put(enc("d"), enc(1.5));
        assertEquals(2.5, dec(dict.increment(enc("d"), enc(1))));
        dict.put(enc("f"), enc(1.5f));
        assertEquals(1.75f, dec(dict.increment(enc("f"), enc(0.25))));
        dict.put(enc("b"), enc((byte) 120));
        assertEquals((byte) 127, dec(dict.increment(enc("b"), enc(7))));
    }

    @Test
    void incrementErrorsLeaveTheValueUnchanged() {
        dict.put(enc("i"), enc(Integer.MAX_VALUE));
        IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
                () -> dict.increment(enc("i"), enc(1)));
        assertContains(overflow.getMessage(), "overflows Integer");
        assertEquals(Integer.MAX_VALUE, dec(dict.get(enc("i"))));
        assertThrows(IllegalArgumentException.class, () -> dict.increment(enc("i"), enc(0.5)),
                "a fraction on an integral value");
        assertThrows(IllegalArgumentException.class, () -> dict.increment(enc("i"), enc("1")));
        assertThrows(IllegalArgumentException.class, () -> dict.increment(enc("new"), enc("1")));
        assertFalse(dict.containsKey(enc("new")), "a refused increment stores nothing");
        dict.put(enc("s"), enc("text"));
        IllegalArgumentException notNumber = assertThrows(IllegalArgumentException.class,
                () -> dict.increment(enc("s"), enc(1)));
        assertContains(notNumber.getMessage(), "a String");
        assertEquals("text", dec(dict.get(enc("s"))));
        dict.put(enc("n"), enc(null));
        assertThrows(IllegalArgumentException.class, () -> dict.increment(enc("n"), enc(1)));
        assertThrows(IllegalArgumentException.class, () -> dict.increment(enc("i"), new byte[0]));
        assertThrows(IllegalArgumentException.class, () -> dict.increment(enc("i"), new byte[] {ValueCodec.INT}));
        assertEquals(Integer.MAX_VALUE, dec(dict.get(enc("i"))));
    }

    @Test
    void concurrentIncrementsAreAtomic() throws Exception {
        int threads = 8;
        int rounds = 500;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(fx.async(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    dict.increment(enc("n"), enc(1L));
                    byte[] old;
                    do {
                        old = dict.get(enc("cas"));
                    } while (old == null ? dict.putIfAbsent(enc("cas"), enc(1)) != null
                            : !dict.replaceIfEquals(enc("cas"), old, enc((Integer) dec(old) + 1)));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<Void> f : all) {
            get(f);
        }
        assertEquals((long) threads * rounds, dec(dict.get(enc("n"))));
        assertEquals(threads * rounds, dec(dict.get(enc("cas"))));
    }

    @Test
    void destroyedDictRefusesCalls() {
        dict.destroy();
        assertThrows(NoSuchSharedObjectException.class, () -> dict.get(enc("k")));
        assertThrows(NoSuchSharedObjectException.class, dict::size);
        assertArrayEquals(new byte[] {ValueCodec.NULL}, enc(null));
    }
}
