package io.jmanager.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.ObjectTypeMismatchException;
import io.jmanager.SharedLock;
import io.jmanager.SharedReentrantLock;
import io.jmanager.SharedValue;
import io.jmanager.TypeCode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** One process's view of an area: creation, get-or-create, every typecode, locks and their hold counts. */
class SharedMemoryTest {
    @RegisterExtension
    final ShmTestAreas areas = new ShmTestAreas();

    record Point(double x, double y) {
    }

    @Test
    void valuesArraysAndStructsRoundTrip() {
        try (SharedMemory shm = SharedMemory.open("basic", areas.options())) {
            SharedValue<Integer> n = shm.value("n", 'i', 7);
            assertEquals(7, n.get());
            n.set(n.get() * n.get());
            assertEquals(49, n.get());
            assertEquals(50, n.addAndGet(1));
            assertTrue(n.compareAndSet(50, 3));
            assertFalse(n.compareAndSet(50, 4));
            assertEquals(3, n.getAndSet(9));
            MappedValue<Double> x = shm.value("x", 'd', 1.0 / 3, Locking.NONE);
            x.set(x.get() * x.get());
            assertEquals(0.1111111111111111, x.get());
            assertFalse(x.isSynchronized());
            MappedArray<Byte> s = shm.array("s", 'c', "hello world".getBytes(StandardCharsets.US_ASCII));
            s.setBytes(new String(s.bytes(), StandardCharsets.US_ASCII).toUpperCase().getBytes(StandardCharsets.US_ASCII));
            assertEquals("HELLO WORLD", new String(s.bytes(), StandardCharsets.US_ASCII));
            MappedStructArray<Point> a = shm.structArray("A", Point.class,
                    List.of(new Point(1.875, -6.25), new Point(-5.75, 2.0), new Point(2.375, 9.5)));
            for (int i = 0; i < a.length(); i++) {
                Point p = a.get(i);
                a.set(i, new Point(p.x() * p.x(), p.y() * p.y()));
            }
            assertEquals(List.of(new Point(3.515625, 39.0625), new Point(33.0625, 4.0), new Point(5.640625, 90.25)),
                    a.toList());
            assertEquals(List.of("n/lock", "n", "x", "s/lock", "s", "A/lock", "A"), shm.names());
        }
        try (SharedMemory again = SharedMemory.open("basic", areas.options())) {
            assertEquals(9, again.value("n", 'i', 0).get());
            assertEquals(List.of(1, 2, 3), again.array("arr", 'i', List.of(1, 2, 3)).toList());
        }
    }

    @Test
    void everyTypecodeStoresItsRangeEndsAndRefusesBeyond() {
        try (SharedMemory shm = SharedMemory.open("codes", areas.options())) {
            for (TypeCode code : TypeCode.values()) {
                MappedArray<Object> arr = shm.array("a" + code.code(), code, 3, Locking.NONE);
                Object[] samples = switch (code) {
                    case SIGNED_CHAR -> new Object[] {-128, 127, 0};
                    case UNSIGNED_CHAR -> new Object[] {0, 255, 7};
                    case SHORT -> new Object[] {-32768, 32767, 1};
                    case UNSIGNED_SHORT -> new Object[] {0, 65535, 2};
                    case INT -> new Object[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 3};
                    case UNSIGNED_INT -> new Object[] {0L, 0xFFFF_FFFFL, 4L};
                    case LONG, LONG_LONG -> new Object[] {Long.MIN_VALUE, Long.MAX_VALUE, 5L};
                    case UNSIGNED_LONG, UNSIGNED_LONG_LONG -> new Object[] {0L, Long.MAX_VALUE, 6L};
                    case FLOAT -> new Object[] {-1.5f, Float.MAX_VALUE, Float.MIN_VALUE};
                    case DOUBLE -> new Object[] {-0.1, Double.MAX_VALUE, Double.MIN_VALUE};
                    case CHAR -> new Object[] {(byte) -1, (byte) 'a', (byte) 0};
                    case WCHAR -> new Object[] {'\uffff', 'é', '\0'};
                };
                for (int i = 0; i < 3; i++) {
                    arr.set(i, samples[i]);
                }
                assertEquals(List.of(samples), arr.toList(), "typecode " + code.code());
            }
            SharedValue<Integer> b = shm.value("b", 'b', 0);
            IllegalArgumentException tooBig = assertThrows(IllegalArgumentException.class, () -> b.set(300));
            assertEquals("300 is out of range for typecode 'b' (-128..127)", tooBig.getMessage());
            b.set(127);
            assertThrows(IllegalArgumentException.class, () -> b.addAndGet(1));
            assertEquals(127, b.get());
            assertEquals(-128, b.addAndGet(-255));
            assertThrows(IllegalArgumentException.class, () -> shm.value("bad", 'b', 300));
            assertFalse(shm.names().contains("bad"), "a refused initial value creates nothing");
        }
    }

    @Test
    void subWordCompareAndSetLeavesNeighboursAlone() {
        try (SharedMemory shm = SharedMemory.open("subword", areas.options())) {
            MappedArray<Integer> arr = shm.array("h", TypeCode.UNSIGNED_CHAR, List.of(1, 2, 3, 4, 5), Locking.NONE);
            assertTrue(arr.compareAndSet(1, 2, 200));
            assertFalse(arr.compareAndSet(2, 2, 9));
            assertEquals(201, arr.addAndGet(1, 1));
            assertEquals(List.of(1, 201, 3, 4, 5), arr.toList());
            MappedArray<Float> f = shm.array("f", TypeCode.FLOAT, List.of(0.0f, Float.NaN), Locking.NONE);
            assertTrue(f.compareAndSet(0, -0.0f, 1.5f), "0.0 == -0.0 as in Python");
            assertFalse(f.compareAndSet(1, Float.NaN, 1f), "NaN equals nothing");
            assertEquals(Float.NaN, f.addAndGet(1, 1));
        }
    }

    @Test
    void openingANameAsAnotherTypeNamesBoth() {
        try (SharedMemory shm = SharedMemory.open("mismatch", areas.options())) {
            shm.value("n", 'i', 1);
            ObjectTypeMismatchException e = assertThrows(ObjectTypeMismatchException.class,
                    () -> shm.array("n", 'i', List.of(1, 2)));
            assertEquals("'n' already exists in shared memory 'mismatch' as a value of typecode 'i', not an array of"
                    + " 2 'i'; names are unique in an area: use the same type, another name, or another area",
                    e.getMessage());
            assertThrows(ObjectTypeMismatchException.class, () -> shm.value("n", 'd', 1.0));
            shm.array("a", 'i', 3);
            assertThrows(ObjectTypeMismatchException.class, () -> shm.array("a", 'i', 4));
            shm.structArray("p", Point.class, 2);
            record Other(double x, int y) {
            }
            assertThrows(ObjectTypeMismatchException.class, () -> shm.structArray("p", Other.class, 2));
            assertThrows(ObjectTypeMismatchException.class, () -> shm.value("n", 'i', 1, Locking.NONE));
            assertThrows(ObjectTypeMismatchException.class, () -> shm.lock("n"));
        }
    }

    @Test
    void destroyedAreaIsCreatedAnewWhileOldHandlesKeepTheirMapping() {
        SharedMemory first = SharedMemory.open("cycle", areas.options());
        MappedValue<Integer> old = first.value("n", 'i', 1);
        assertTrue(SharedMemory.destroy("cycle", areas.options()));
        try (SharedMemory second = SharedMemory.open("cycle", areas.options())) {
            MappedValue<Integer> fresh = second.value("n", 'i', 2);
            assertEquals(2, fresh.get(), "a new area, not the removed one still mapped here");
            old.set(5);
            assertEquals(5, old.get(), "the old handle keeps working on its mapping");
            assertEquals(2, fresh.get());
        } finally {
            first.close();
        }
        assertThrows(IllegalStateException.class, old::get);
    }

    @Test
    void locksAreOwnedByThreadAndCountHolds() throws Exception {
        try (SharedMemory shm = SharedMemory.open("locks", areas.options())) {
            SharedLock lock = shm.lock("l");
            SharedReentrantLock rlock = shm.rlock("r");
            long t1 = lock.lockAndGetToken();
            assertFalse(lock.tryLock(), "not reentrant");
            Thread other = new Thread(() -> assertThrows(IllegalMonitorStateException.class, lock::unlock));
            other.start();
            other.join();
            lock.unlock();
            assertThrows(IllegalMonitorStateException.class, lock::unlock);
            assertEquals(t1 + 1, lock.lockAndGetToken());
            lock.unlock();
            rlock.lock();
            rlock.lock();
            assertEquals(2, rlock.getHoldCount());
            rlock.unlock();
            assertTrue(rlock.isLocked());
            rlock.unlock();
            assertFalse(rlock.isLocked());
            MappedValue<Integer> v = shm.value("v", 'i', 0, Locking.with(lock));
            assertEquals(lock.name(), v.getLock().name());
            lock.lock();
            try {
                v.set(v.get() + 1); // a non-reentrant lock held by this thread is not taken again
            } finally {
                lock.unlock();
            }
            assertEquals(1, v.get());
        }
    }
}
