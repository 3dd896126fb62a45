package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.StructLayout;
import io.jmanager.TypeCode;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ArrayObjectTest {
    private final Fixture fx = new Fixture();

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    private ArrayObject array(String layout, int length, long[] initial) {
        return fx.add(new ArrayObject("a", ObjectSpec.typed(ObjectType.ARRAY, layout, length, initial), fx.context,
                StructLayout.parse(layout)));
    }

    private static long d(double v) {
        return Double.doubleToRawLongBits(v);
    }

    @Test
    void structSlotsAreRangeCheckedPerField() {
        ArrayObject a = array("x:b,y:d,z:H", 2, null);
        assertEquals(6, a.slots());
        a.set(0, 127);
        a.set(1, d(1e300));
        a.set(2, 65535);
        a.set(3, -128);
        a.set(5, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.set(3, 128));
        assertContains(e.getMessage(), "128", "'b'");
        assertThrows(IllegalArgumentException.class, () -> a.set(5, -1), "field z is unsigned");
        assertThrows(IllegalArgumentException.class, () -> a.set(2, 65536));
        a.set(4, d(Double.NaN));
        assertArrayEquals(new long[] {127, d(1e300), 65535, -128, d(Double.NaN), 0}, a.getRange(0, 6));
    }

    @Test
    void slotIndexesAreChecked() {
        ArrayObject a = array("i", 3, null);
        for (int bad : new int[] {-1, 3, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertThrows(IndexOutOfBoundsException.class, () -> a.get(bad));
            assertThrows(IndexOutOfBoundsException.class, () -> a.set(bad, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> a.addAndGet(bad, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> a.compareAndSet(bad, 0, 1));
            assertThrows(IndexOutOfBoundsException.class, () -> a.getAndSet(bad, 1));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> a.getRange(-1, 2));
        assertThrows(IndexOutOfBoundsException.class, () -> a.getRange(0, 4));
        assertThrows(IndexOutOfBoundsException.class, () -> a.getRange(2, 1));
        assertEquals(0, a.getRange(3, 3).length);
        assertThrows(IndexOutOfBoundsException.class, () -> a.setRange(2, new long[] {1, 2}));
        assertThrows(IndexOutOfBoundsException.class, () -> a.setRange(-1, new long[] {1}));
        assertThrows(IndexOutOfBoundsException.class, () -> a.setRange(Integer.MAX_VALUE, new long[] {1}));
        assertArrayEquals(new long[3], a.getRange(0, 3));
    }

    @Test
    void addAndGetOverflowLeavesTheValueUnchanged() {
        ArrayObject a = array("b", 1, new long[] {120});
        assertEquals(127, a.addAndGet(0, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.addAndGet(0, 1));
        assertContains(e.getMessage(), "127 + 1 = 128");
        assertEquals(127, a.get(0));
        assertEquals(-128, a.addAndGet(0, -255));
        assertThrows(IllegalArgumentException.class, () -> a.addAndGet(0, -1));
        assertEquals(-128, a.get(0));

        ArrayObject q = array("q", 1, new long[] {Long.MAX_VALUE});
        assertThrows(IllegalArgumentException.class, () -> q.addAndGet(0, 1));
        assertEquals(Long.MAX_VALUE, q.get(0));
        ArrayObject u = array("Q", 1, null);
        assertThrows(IllegalArgumentException.class, () -> u.addAndGet(0, -1));
        assertEquals(0, u.get(0));
    }

    @Test
    void floatingAddition() {
        ArrayObject a = array("x:d,y:f", 1, new long[] {d(1.5), d(0.5)});
        assertEquals(2.0, Double.longBitsToDouble(a.addAndGet(0, d(0.5))));
        long f = a.addAndGet(1, d(0.1));
        assertEquals((double) (float) (0.5 + 0.1), Double.longBitsToDouble(f), "f rounds the sum to float");
        TypeCode.FLOAT.checkBits(f);
    }

    @Test
    void compareAndSet() {
        ArrayObject a = array("x:i,y:d", 1, new long[] {5, d(0.0)});
        assertFalse(a.compareAndSet(0, 4, 9));
        assertEquals(5, a.get(0));
        assertTrue(a.compareAndSet(0, 5, 9));
        assertEquals(9, a.get(0));
        assertThrows(IllegalArgumentException.class, () -> a.compareAndSet(0, 9, 1L << 40),
                "the update is range-checked even when the expectation holds");
        assertEquals(9, a.get(0));
        assertTrue(a.compareAndSet(1, d(-0.0), d(Double.NaN)), "0.0 == -0.0");
        assertFalse(a.compareAndSet(1, d(Double.NaN), d(1.0)), "NaN equals nothing");
        assertEquals(d(Double.NaN), a.get(1));
        assertEquals(9, a.getAndSet(0, 10));
        assertThrows(IllegalArgumentException.class, () -> a.getAndSet(0, Long.MAX_VALUE));
        assertEquals(10, a.get(0));
    }

    @Test
    void setRangeIsAllOrNothing() {
        ArrayObject a = array("x:b,y:B", 3, null);
        a.setRange(1, new long[] {200, -5, 255});
        assertArrayEquals(new long[] {0, 200, -5, 255, 0, 0}, a.getRange(0, 6));
        assertThrows(IllegalArgumentException.class, () -> a.setRange(0, new long[] {1, 2, 3, 4, 5, 256}),
                "the last slot is out of range for 'B'");
        assertArrayEquals(new long[] {0, 200, -5, 255, 0, 0}, a.getRange(0, 6), "nothing was written");
        assertThrows(IllegalArgumentException.class, () -> a.setRange(2, new long[] {-129}));
        assertArrayEquals(new long[] {0, 200, -5, 255, 0, 0}, a.getRange(0, 6));
        a.setRange(6, new long[0]);
    }

    @Test
    void initialBitsAreValidated() {
        assertArrayEquals(new long[] {1, 2}, array("h", 2, new long[] {1, 2}).getRange(0, 2));
        assertThrows(IllegalArgumentException.class, () -> array("h", 2, new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> array("h", 2, new long[] {1, 40000}));
        assertThrows(IllegalArgumentException.class, () -> array("f", 1, new long[] {d(0.1)}),
                "0.1 is not a float");
    }

    @Test
    void summary() {
        ArrayObject v = fx.add(new ArrayObject("v", ObjectSpec.typed(ObjectType.VALUE, "d", 1,
                new long[] {d(2.5)}), fx.context, StructLayout.parse("d")));
        assertEquals("2.5", v.summaryLocked());
        assertEquals("3 elements of 'x:i,y:i'", array("x:i,y:i", 3, null).summaryLocked());
    }

    @Test
    void concurrentAdditionsAreAtomic() throws Exception {
        ArrayObject a = array("x:q,y:i", 2, null);
        int threads = 8;
        int rounds = 2000;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            all.add(fx.async(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    a.addAndGet(0, 1);
                    a.addAndGet(3, -1);
                    long v;
                    do {
                        v = a.get(1);
                    } while (!a.compareAndSet(1, v, v + 1));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<Void> f : all) {
            get(f);
        }
        assertArrayEquals(new long[] {threads * rounds, threads * rounds, 0, -threads * rounds}, a.getRange(0, 4));
    }

    @Test
    void destroyedArrayRefusesCalls() {
        ArrayObject a = array("i", 1, null);
        a.destroy();
        assertThrows(NoSuchSharedObjectException.class, () -> a.get(0));
        assertThrows(NoSuchSharedObjectException.class, () -> a.set(0, 1));
    }
}
