package io.jmanager.registry;

import static io.jmanager.registry.Fixture.dec;
import static io.jmanager.registry.Fixture.enc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every state machine on a data directory: mutate through its public methods, stop the registry (a crash image of
 * the open store, or a clean stop), start on the directory again and compare everything observable. Several tests
 * also mutate the restored objects and restart once more: a restored object must keep writing correct records.
 */
class DurableStateTest {
    @TempDir
    Path tmp;
    private int crashes;

    private DurableHarness open() throws Exception {
        return DurableHarness.open(tmp.resolve("data"));
    }

    private DurableHarness open(String dir) throws Exception {
        return DurableHarness.open(tmp.resolve(dir));
    }

    /**
     * A crash now: starts a second registry on a copy of the store file as it is on disk, observes the restored
     * object {@code name} with {@code observe}, stops it and returns what it saw. {@code h} stays open.
     */
    private <T extends GuardedObject, R> R afterCrash(DurableHarness h, String name, Function<T, R> observe)
            throws Exception {
        try (DurableHarness restored = h.crashAndRestart(tmp.resolve("crash-" + (++crashes)))) {
            return observe.apply(restored.object(name));
        }
    }

    private static List<Object> decoded(byte[][] values) {
        List<Object> out = new ArrayList<>();
        for (byte[] v : values) {
            out.add(dec(v));
        }
        return out;
    }

    private static byte[][] encAll(Object... values) {
        byte[][] out = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            out[i] = enc(values[i]);
        }
        return out;
    }

    // ---------------------------------------------------------------- dict / namespace

    private static List<Object> entries(DictObject d) {
        return decoded(d.entries());
    }

    @Test
    void dictKeepsEntriesAndInsertionOrderThroughEveryMutation() throws Exception {
        for (ObjectType type : new ObjectType[] {ObjectType.DICT, ObjectType.NAMESPACE}) {
            try (DurableHarness h = open("data-" + type)) {
                String name = "d-" + type;
                DictObject d = h.get(name, ObjectSpec.of(type));
                List<Runnable> steps = List.of(
                        () -> d.put(enc("a"), enc(1)),
                        () -> d.put(enc("b"), enc(2)),
                        () -> d.put(enc("c"), enc(3)),
                        () -> assertArrayEquals(enc(1), d.putIfAbsent(enc("a"), enc(99))),
                        () -> assertNull(d.putIfAbsent(enc("d"), enc(4))),
                        () -> d.replace(enc("b"), enc(20)), // an update keeps its place
                        () -> assertNull(d.replace(enc("zz"), enc(0))),
                        () -> assertTrue(d.replaceIfEquals(enc("c"), enc(3), enc(30))),
                        () -> assertFalse(d.replaceIfEquals(enc("c"), enc(3), enc(300))),
                        () -> d.remove(enc("a")),
                        () -> d.put(enc("a"), enc(100)), // removed and added again: goes to the end
                        () -> assertFalse(d.removeIfEquals(enc("d"), enc(5))),
                        () -> assertTrue(d.removeIfEquals(enc("d"), enc(4))),
                        () -> d.putAll(encAll("e", "f", "b"), encAll(5, 6, 21)),
                        () -> d.increment(enc("n"), enc(5)),
                        () -> d.increment(enc("n"), enc(2)),
                        () -> assertEquals(1, d.removeEntries(encAll("e", 5, "f", 99))),
                        () -> d.put(enc("c"), enc(31)));
                int step = 0;
                for (Runnable r : steps) {
                    r.run();
                    step++;
                    assertEquals(entries(d), afterCrash(h, name, DurableStateTest::entries), "after step " + step);
                }
                List<Object> expected = List.of("b", 21, "c", 31, "a", 100, "f", 6, "n", 7);
                assertEquals(expected, entries(d), "in memory");
                assertEquals(expected, afterCrash(h, name, DurableStateTest::entries), "after a crash");
                try (DurableHarness again = h.restart()) {
                    assertEquals(expected, entries(again.object(name)), "after a clean restart");
                    assertEquals(type, again.service.lookup(name).type());
                }
            }
        }
    }

    @Test
    void dictClearThenMorePuts() throws Exception {
        try (DurableHarness h = open()) {
            DictObject d = h.get("d", ObjectSpec.of(ObjectType.DICT));
            d.putAll(encAll("x", "y", "z"), encAll(1, 2, 3));
            d.clear();
            assertEquals(List.of(), afterCrash(h, "d", DurableStateTest::entries));
            d.put(enc("z"), enc(30));
            d.put(enc("x"), enc(10));
            assertEquals(List.of("z", 30, "x", 10), afterCrash(h, "d", DurableStateTest::entries));
        }
    }

    /**
     * A restored dict keeps writing correct records: updating, removing and re-adding restored keys, then
     * restarting again, gives the state in memory.
     */
    @Test
    void dictRestoredThenMutatedSurvivesTheNextRestart() throws Exception {
        try (DurableHarness first = open()) {
            DictObject d = first.get("d", ObjectSpec.of(ObjectType.DICT));
            d.putAll(encAll("a", "b", "c", "d"), encAll(1, 2, 3, 4));
        }
        List<Object> expected;
        try (DurableHarness second = open()) {
            DictObject d = second.object("d");
            assertEquals(List.of("a", 1, "b", 2, "c", 3, "d", 4), entries(d));
            d.put(enc("b"), enc(20)); // update a restored key: keeps its place
            assertArrayEquals(enc(1), d.remove(enc("a"))); // remove a restored key
            assertTrue(d.removeIfEquals(enc("c"), enc(3)));
            d.put(enc("a"), enc(10)); // and add it again: goes to the end
            d.put(enc("e"), enc(5));
            expected = entries(d);
            assertEquals(List.of("b", 20, "d", 4, "a", 10, "e", 5), expected);
        }
        try (DurableHarness third = open()) {
            assertEquals(expected, entries(third.object("d")));
        }
    }

    // ---------------------------------------------------------------- list

    private static List<Object> items(ListObject l) {
        return decoded(l.snapshot());
    }

    @Test
    void listEqualsTheInMemoryListAfterEveryMutation() throws Exception {
        try (DurableHarness h = open()) {
            ListObject l = h.get("l", ObjectSpec.of(ObjectType.LIST));
            List<Runnable> steps = List.of(
                    () -> l.append(enc(1)),
                    () -> l.append(enc(2)),
                    () -> l.insert(0, enc(0)),
                    () -> l.insert(2, enc(15)),
                    () -> l.extend(encAll(3, 4, 5, 6)),
                    () -> l.insertAll(1, encAll(7, 8)),
                    () -> l.insertAll(0, encAll(9)),
                    () -> assertEquals(6, dec(l.pop(-1))),
                    () -> assertEquals(9, dec(l.pop(0))),
                    () -> assertEquals(4, dec(l.pop(-2))),
                    () -> assertTrue(l.removeFirst(enc(15))),
                    () -> assertFalse(l.removeFirst(enc(999))),
                    () -> l.append(enc(7)),
                    () -> assertEquals(2, l.removeMatching(encAll(7), false)),
                    () -> l.extend(encAll(11, 12, 13)),
                    () -> l.removeMatching(encAll(0, 1, 2, 3, 8, 11, 12, 13), true),
                    () -> l.set(1, enc(100)),
                    () -> l.setSlice(1, 4, encAll(50)), // shrinking
                    () -> l.setSlice(0, 1, encAll(40, 41, 42, 43)), // growing
                    () -> l.setSlice(l.size(), l.size(), encAll(-1, -2)), // growing at the end
                    () -> l.sort(false),
                    () -> l.sort(true),
                    () -> l.clear(),
                    () -> l.extend(encAll(3, 1, 2)),
                    () -> l.pop(-1));
            int step = 0;
            for (Runnable s : steps) {
                s.run();
                step++;
                List<Object> inMemory = items(l);
                assertEquals(inMemory, afterCrash(h, "l", DurableStateTest::items), "after step " + step
                        + " of the list test");
            }
            assertEquals(List.of(3, 1), items(l));
            try (DurableHarness again = h.restart()) {
                assertEquals(List.of(3, 1), items(again.object("l")));
            }
        }
    }

    @Test
    void listRestoredThenMutatedSurvivesTheNextRestart() throws Exception {
        try (DurableHarness first = open()) {
            ListObject l = first.get("l", ObjectSpec.of(ObjectType.LIST));
            l.extend(encAll(1, 2, 3, 4, 5));
        }
        List<Object> expected;
        try (DurableHarness second = open()) {
            ListObject l = second.object("l");
            l.pop(0);
            l.append(enc(6));
            l.insert(2, enc(9));
            expected = items(l);
            assertEquals(List.of(2, 3, 9, 4, 5, 6), expected);
        }
        try (DurableHarness third = open()) {
            assertEquals(expected, items(third.object("l")));
        }
    }

    // ---------------------------------------------------------------- queue

    private static List<Object> queued(QueueObject q) {
        return decoded(q.snapshot());
    }

    private record QueueState(List<Object> items, int unfinished, int inFlight, int remaining) {
        static QueueState of(QueueObject q) {
            return new QueueState(queued(q), q.unfinishedTasks(), q.inFlight(), q.remainingCapacity());
        }
    }

    @Test
    void plainQueueKeepsItemsOrderAndUnfinishedTasks() throws Exception {
        try (DurableHarness h = open()) {
            long s = h.session();
            QueueObject q = h.get("q", ObjectSpec.sized(ObjectType.QUEUE, 0));
            List<Runnable> steps = List.of(
                    () -> assertTrue(q.offer(s, 1, enc("a"), 0)),
                    () -> assertTrue(q.offer(s, 2, enc("b"), 0)),
                    () -> assertEquals(4, q.offerAll(encAll("c", "d", "e", "f"))),
                    () -> assertEquals("a", dec(q.poll(s, 3, 0))),
                    () -> assertEquals(List.of("b", "c"), decoded(q.drain(2))),
                    () -> assertTrue(q.removeFirst(enc("e"))),
                    () -> assertEquals(3, q.offerAll(encAll("g", "d", "h"))),
                    () -> assertEquals(2, q.removeMatching(encAll("d"), false)),
                    () -> q.taskDone(2),
                    () -> assertEquals(1, q.removeMatching(encAll("f", "g"), true)),
                    () -> assertEquals("f", dec(q.poll(s, 4, 0))));
            int step = 0;
            for (Runnable r : steps) {
                r.run();
                step++;
                assertEquals(QueueState.of(q), afterCrash(h, "q", QueueState::of), "after step " + step);
            }
            // 9 put, 3 discarded (e, d, d), 1 discarded by retain (h), 2 done: a, b, c, f taken and g queued
            assertEquals(new QueueState(List.of("g"), 9 - 4 - 2, 0, Integer.MAX_VALUE), QueueState.of(q));
            q.clear();
            assertEquals(new QueueState(List.of(), 2, 0, Integer.MAX_VALUE), afterCrash(h, "q", QueueState::of));
            q.taskDone(2);
            assertEquals(0, (int) afterCrash(h, "q", QueueObject::unfinishedTasks));
            assertTrue(q.offer(s, 5, enc("z"), 0));
            try (DurableHarness again = h.restart()) {
                QueueObject r = again.object("q");
                assertEquals(new QueueState(List.of("z"), 1, 0, Integer.MAX_VALUE), QueueState.of(r));
                long s2 = again.session();
                assertTrue(r.offer(s2, 1, enc("y"), 0));
                assertEquals("z", dec(r.poll(s2, 2, 0)));
                r.taskDone(1);
                assertFalse(r.join(s2, 3, 0), "y is still unfinished");
            }
        }
    }

    @Test
    void boundedQueueKeepsItsCapacity() throws Exception {
        try (DurableHarness h = open()) {
            long s = h.session();
            QueueObject q = h.get("bq", ObjectSpec.sized(ObjectType.QUEUE, 3));
            assertEquals(3, q.offerAll(encAll(1, 2, 3, 4)));
            assertFalse(q.offer(s, 1, enc(5), 0));
            QueueState before = QueueState.of(q);
            assertEquals(new QueueState(List.of(1, 2, 3), 3, 0, 0), before);
            try (DurableHarness r = h.crashAndRestart(tmp.resolve("crash-bq"))) {
                QueueObject restored = r.object("bq");
                assertEquals(before, QueueState.of(restored));
                long s2 = r.session();
                assertFalse(restored.offer(s2, 1, enc(5), 0), "still full");
                assertEquals(1, dec(restored.poll(s2, 2, 0)));
                assertTrue(restored.offer(s2, 3, enc(5), 0));
                assertEquals(List.of(2, 3, 5), queued(restored));
            }
        }
    }

    private static long deliveryId(byte[] delivery) {
        return ByteBuffer.wrap(delivery).getLong();
    }

    private static Object deliveryItem(byte[] delivery) {
        return dec(Arrays.copyOfRange(delivery, 8, delivery.length));
    }

    @Test
    void reliableQueueReturnsUnacknowledgedDeliveriesAfterARestart() throws Exception {
        try (DurableHarness h = open()) {
            long s = h.session();
            QueueObject q = h.get("rq", ObjectSpec.atLeastOnceQueue(0, 60_000));
            assertEquals(5, q.offerAll(encAll("a", "b", "c", "d", "e")));
            byte[] a = q.pollDelivery(s, 1, 0);
            byte[] b = q.pollDelivery(s, 2, 0);
            byte[] c = q.pollDelivery(s, 3, 0);
            assertEquals(List.of("a", "b", "c"), List.of(deliveryItem(a), deliveryItem(b), deliveryItem(c)));
            assertTrue(q.ack(s, deliveryId(b)), "b is acknowledged: never delivered again");
            assertEquals("d", dec(q.poll(s, 4, 0)), "a plain poll takes d for good");
            assertEquals(new QueueState(List.of("e"), 5, 2, Integer.MAX_VALUE), QueueState.of(q));
            QueueState expected = new QueueState(List.of("a", "c", "e"), 5, 0, Integer.MAX_VALUE);
            assertEquals(expected, afterCrash(h, "rq", QueueState::of),
                    "a and c were not acknowledged: back in the queue, in their order; b and d are gone");
            try (DurableHarness again = h.restart()) {
                QueueObject r = again.object("rq");
                assertEquals(expected, QueueState.of(r));
                long s2 = again.session();
                byte[] a2 = r.pollDelivery(s2, 1, 0);
                assertEquals("a", deliveryItem(a2));
                assertTrue(r.ack(s2, deliveryId(a2)));
                r.taskDone(3);
                assertEquals(new QueueState(List.of("c", "e"), 2, 0, Integer.MAX_VALUE), QueueState.of(r));
            }
            try (DurableHarness third = DurableHarness.open(tmp.resolve("data"))) {
                assertEquals(new QueueState(List.of("c", "e"), 2, 0, Integer.MAX_VALUE),
                        QueueState.of(third.object("rq")));
            }
        }
    }

    @Test
    void reliableQueueNackedAndRequeuedDeliveriesKeepTheirRecords() throws Exception {
        try (DurableHarness h = open()) {
            long s = h.session();
            QueueObject q = h.get("rq", ObjectSpec.atLeastOnceQueue(2, 60_000));
            assertEquals(2, q.offerAll(encAll("a", "b")));
            byte[] a = q.pollDelivery(s, 1, 0);
            assertTrue(q.offer(s, 2, enc("c"), 0));
            assertTrue(q.nack(s, deliveryId(a)));
            assertEquals(List.of("a", "b", "c"), queued(q), "a nacked delivery goes back to the head");
            assertEquals(new QueueState(List.of("a", "b", "c"), 3, 0, -1),
                    afterCrash(h, "rq", QueueState::of), "three items over a capacity of two: none dropped");
            byte[] again = q.pollDelivery(s, 3, 0);
            assertEquals("a", deliveryItem(again));
            assertTrue(h.sessions.kill(s), "the taker dies: its delivery goes back");
            assertEquals(List.of("a", "b", "c"), queued(q));
            long s2 = h.session();
            assertTrue(q.ack(s2, deliveryId(q.pollDelivery(s2, 4, 0))));
            assertEquals(List.of("b", "c"), afterCrash(h, "rq", DurableStateTest::queued));
        }
    }

    // ---------------------------------------------------------------- value / array / struct array

    private static long d(double v) {
        return Double.doubleToRawLongBits(v);
    }

    private static long[] all(ArrayObject a) {
        return a.getRange(0, a.slots());
    }

    @Test
    void valueKeepsItsBits() throws Exception {
        try (DurableHarness h = open()) {
            ArrayObject v = h.get("v", ObjectSpec.typed(ObjectType.VALUE, "d", 1, new long[] {d(2.5)}));
            h.get("u", ObjectSpec.typed(ObjectType.VALUE, "i", 1, new long[] {42}));
            assertArrayEquals(new long[] {d(2.5)}, afterCrash(h, "v", DurableStateTest::all), "initial bits");
            v.set(0, d(1.25));
            assertEquals(d(1.25), afterCrash(h, "v", (ArrayObject a) -> a.get(0)));
            assertEquals(d(3.25), v.addAndGet(0, d(2.0)));
            assertEquals(d(3.25), afterCrash(h, "v", (ArrayObject a) -> a.get(0)));
            assertFalse(v.compareAndSet(0, d(1.0), d(9.0)));
            assertTrue(v.compareAndSet(0, d(3.25), d(-0.0)));
            assertEquals(d(-0.0), afterCrash(h, "v", (ArrayObject a) -> a.get(0)), "the exact bits of -0.0");
            assertEquals(d(-0.0), v.getAndSet(0, d(Double.NaN)));
            try (DurableHarness again = h.restart()) {
                assertEquals(d(Double.NaN), again.<ArrayObject>object("v").get(0));
                assertEquals(42, again.<ArrayObject>object("u").get(0), "never written: the initial bits");
            }
        }
    }

    @Test
    void arrayKeepsEveryChunkAndTheInitialBitsOfUntouchedOnes() throws Exception {
        int length = 4 * ArrayObject.CHUNK + 100; // chunks 0..4, the last one short
        long[] initial = new long[length];
        for (int i = 0; i < length; i++) {
            initial[i] = i * 3L;
        }
        try (DurableHarness h = open()) {
            ArrayObject a = h.get("a", ObjectSpec.typed(ObjectType.ARRAY, "i", length, initial));
            a.set(3, -7);
            long[] across = new long[40];
            Arrays.fill(across, 11);
            a.setRange(ArrayObject.CHUNK - 20, across); // chunks 0 and 1
            assertEquals(1200 * 3 + 3, a.addAndGet(1200, 3)); // chunk 2
            assertFalse(a.compareAndSet(length - 1, 0, 1));
            assertTrue(a.compareAndSet(length - 1, (length - 1) * 3L, 77)); // the short last chunk
            assertEquals(15, a.getAndSet(5, 55));
            long[] expected = all(a);
            assertArrayEquals(expected, afterCrash(h, "a", DurableStateTest::all));
            // chunk 3 was never written: its slots come from the spec's initial bits
            assertEquals(3L * 3 * ArrayObject.CHUNK, afterCrash(h, "a", (ArrayObject r) -> r.get(3 * ArrayObject.CHUNK)));
            try (DurableHarness again = h.restart()) {
                ArrayObject r = again.object("a");
                assertArrayEquals(expected, all(r));
                r.setRange(length - 3, new long[] {1, 2, 3});
                expected = all(r);
            }
            try (DurableHarness third = DurableHarness.open(tmp.resolve("data"))) {
                assertArrayEquals(expected, all(third.object("a")), "a restored array keeps writing its chunks");
            }
        }
    }

    @Test
    void structArrayKeepsItsFields() throws Exception {
        try (DurableHarness h = open()) {
            ArrayObject a = h.get("s", ObjectSpec.typed(ObjectType.ARRAY, "x:d,y:i", 300, null));
            assertEquals(600, a.slots());
            long[] range = new long[40];
            for (int i = 0; i < range.length; i += 2) {
                range[i] = d(i / 2 + 0.5);
                range[i + 1] = -i;
            }
            a.setRange(ArrayObject.CHUNK - 20, range); // elements 246..265: slots across chunks 0 and 1
            assertEquals(5, a.addAndGet(599, 5)); // y of the last element
            a.set(0, d(Math.PI));
            assertArrayEquals(all(a), afterCrash(h, "s", DurableStateTest::all));
            assertThrows(IllegalArgumentException.class, () -> a.set(1, 1L << 40), "y is an int");
        }
    }

    // ---------------------------------------------------------------- semaphores

    @Test
    void semaphoreReturnsThePermitsOfSessionsThatEndedWithTheRestart() throws Exception {
        try (DurableHarness h = open()) {
            SemaphoreObject sem = h.get("sem", ObjectSpec.sized(ObjectType.SEMAPHORE, 5));
            long s1 = h.session();
            long s2 = h.session();
            long s3 = h.session();
            long s4 = h.session();
            assertTrue(sem.acquire(s1, 1, 2, 0)); // 3 left, s1 holds 2
            assertTrue(sem.acquire(s2, 1, 1, 0)); // 2 left, s2 holds 1
            sem.release(s1, 1); // 3 left, s1 holds 1
            assertTrue(sem.acquire(s4, 1, 1, 0)); // 2 left, s4 holds 1
            h.sessions.close(s4); // closed cleanly: its permit may have been consumed as a signal, it stays taken
            assertEquals(2, sem.availablePermits());
            assertEquals(2, sem.drainPermits(s3)); // 0 left, s3 holds 2
            assertEquals(0, sem.availablePermits());
            // a restart ends s1, s2 and s3: 0 + 1 + 1 + 2
            assertEquals(4, (int) afterCrash(h, "sem", SemaphoreObject::availablePermits));
            assertTrue(h.sessions.kill(s2)); // abandoned now: its permit comes back at once
            assertEquals(1, sem.availablePermits());
            assertEquals(4, (int) afterCrash(h, "sem", SemaphoreObject::availablePermits));
            h.sessions.close(s3); // closed cleanly: its 2 stay consumed
            try (DurableHarness again = h.restart()) {
                SemaphoreObject r = again.object("sem");
                assertEquals(2, r.availablePermits());
                long s = again.session();
                assertTrue(r.acquire(s, 1, 2, 0));
                assertFalse(r.acquire(s, 2, 1, 0));
            }
            try (DurableHarness third = open()) {
                assertEquals(2, third.<SemaphoreObject>object("sem").availablePermits(),
                        "held by a session of the previous run: returned");
            }
        }
    }

    /**
     * Closing a session cleanly changes a semaphore's record 0 (the permits it holds will not come back); that
     * change must be durable once {@code closeSession} returns, like every other acknowledged change. A crash right
     * after the close must not hand the consumed permits out again.
     */
    @Test
    void aCleanSessionCloseIsDurableWhenItReturns() throws Exception {
        try (DurableHarness h = open()) {
            SemaphoreObject sem = h.get("sem", ObjectSpec.sized(ObjectType.SEMAPHORE, 3));
            long s = h.session();
            assertTrue(sem.acquire(s, 1, 2, 0));
            assertEquals(3, (int) afterCrash(h, "sem", SemaphoreObject::availablePermits),
                    "held by an open session: returned by a restart");
            h.service.closeSession(s); // what the worker's Manager.close() calls
            // no other call on this thread before the crash: a later call's commit would cover the close's write
            int afterCrash = afterCrash(h, "sem", SemaphoreObject::availablePermits);
            assertEquals(1, sem.availablePermits());
            assertEquals(1, afterCrash,
                    "closeSession returned, so the consumed permits must stay consumed after a crash");
        }
    }

    @Test
    void boundedSemaphoreNeverComesBackAboveItsInitialValue() throws Exception {
        try (DurableHarness h = open()) {
            SemaphoreObject b = h.get("b", ObjectSpec.sized(ObjectType.BOUNDED_SEMAPHORE, 3));
            SemaphoreObject u = h.get("u", ObjectSpec.sized(ObjectType.SEMAPHORE, 1));
            long s1 = h.session();
            long s2 = h.session();
            assertTrue(b.acquire(s1, 1, 2, 0));
            b.release(s2, 1); // anyone may release: 2 available, s1 still counted as holding 2
            assertEquals(2, b.availablePermits());
            assertThrows(IllegalStateException.class, () -> b.release(s2, 2));
            u.release(s2, 3); // an unbounded semaphore grows past its initial value
            assertEquals(3, (int) afterCrash(h, "b", SemaphoreObject::availablePermits), "capped at 3");
            assertEquals(4, (int) afterCrash(h, "u", SemaphoreObject::availablePermits));
            try (DurableHarness again = h.restart()) {
                SemaphoreObject r = again.object("b");
                assertThrows(IllegalStateException.class, () -> r.release(again.session(), 1), "still bounded");
            }
        }
    }

    // ---------------------------------------------------------------- event, locks, barrier, condition

    @Test
    void eventKeepsItsFlag() throws Exception {
        try (DurableHarness h = open()) {
            EventObject e = h.get("e", ObjectSpec.of(ObjectType.EVENT));
            assertFalse(afterCrash(h, "e", EventObject::isSet));
            e.set();
            assertTrue(afterCrash(h, "e", EventObject::isSet));
            e.clear();
            assertFalse(afterCrash(h, "e", EventObject::isSet));
            e.set();
            try (DurableHarness again = h.restart()) {
                EventObject r = again.object("e");
                assertTrue(r.isSet());
                assertTrue(r.await(again.session(), 1, 0));
                r.clear();
            }
            try (DurableHarness third = open()) {
                assertFalse(third.<EventObject>object("e").isSet());
            }
        }
    }

    @Test
    void locksAreFreeAfterARestartAndTheirTokensKeepGrowing() throws Exception {
        for (ObjectType type : new ObjectType[] {ObjectType.LOCK, ObjectType.RLOCK}) {
            String name = "l-" + type;
            long highest;
            try (DurableHarness h = open()) {
                LockObject l = h.get(name, ObjectSpec.of(type));
                long s = h.session();
                long t1 = l.acquire(s, 1, 1, 0);
                l.release(s, 1);
                long t2 = l.acquire(s, 1, 2, 0);
                assertTrue(t2 > t1);
                if (type == ObjectType.RLOCK) {
                    assertEquals(t2, l.acquire(s, 1, 3, 0), "re-entry keeps the token");
                }
                highest = t2; // held when the registry dies
                long heldToken = t2;
                try (DurableHarness crashed = h.crashAndRestart(tmp.resolve("crash-" + name))) {
                    LockObject r = crashed.object(name);
                    assertFalse(r.isLocked(), "holds do not survive a restart");
                    assertEquals(0, r.currentToken());
                    long s2 = crashed.session();
                    long t = r.acquire(s2, 9, 1, 0);
                    assertTrue(t > highest, "token " + t + " after a crash, " + highest + " before");
                    assertThrows(io.jmanager.StaleTokenException.class, () -> r.checkToken(heldToken),
                            "a writer fenced before the crash is refused");
                }
            }
            try (DurableHarness second = open()) {
                LockObject r = second.object(name);
                assertFalse(r.isLocked());
                long s = second.session();
                long t3 = r.acquire(s, 1, 1, 0);
                assertTrue(t3 > highest);
                highest = t3;
            }
            try (DurableHarness third = open()) {
                long t4 = third.<LockObject>object(name).acquire(third.session(), 1, 1, 0);
                assertTrue(t4 > highest, "tokens grow across every restart: " + t4 + " after " + highest);
            }
        }
    }

    /** Past the first block of tokens the ceiling is raised (and written) again. */
    @Test
    void tokensPastTheCeilingRaiseIt() throws Exception {
        long highest = 0;
        try (DurableHarness h = open()) {
            LockObject l = h.get("busy", ObjectSpec.of(ObjectType.LOCK));
            long s = h.session();
            for (long i = 0; i < CeilingCounter.BLOCK + 10; i++) {
                highest = l.acquire(s, 1, i, 0);
                l.release(s, 1);
            }
            assertTrue(highest > CeilingCounter.BLOCK + 1);
            long before = highest;
            long after = afterCrash(h, "busy", (LockObject r) -> r.acquire(r.limits.sessions().open("h", 1,
                    java.util.concurrent.TimeUnit.HOURS.toNanos(1)).id, 1, 1, 0));
            assertTrue(after > before, "token " + after + " after a crash, " + before + " before");
        }
    }

    @Test
    void barrierAndConditionComeBackWithTheirSpecs() throws Exception {
        try (DurableHarness h = open()) {
            BarrierObject b = h.get("bar", ObjectSpec.sized(ObjectType.BARRIER, 3));
            h.get("cond", ObjectSpec.condition("cond-lock")); // creates its rlock
            h.get("plain", ObjectSpec.of(ObjectType.LOCK));
            h.get("cond2", ObjectSpec.condition("plain"));
            long s = h.session();
            b.arrive(s, 1, 1, 0);
            assertEquals(1, b.numberWaiting());
        }
        try (DurableHarness r = open()) {
            BarrierObject b = r.object("bar");
            assertEquals(3, b.parties());
            assertEquals(0, b.numberWaiting(), "arrivals belong to sessions");
            assertFalse(b.isBroken());
            assertEquals(ObjectType.RLOCK, r.service.lookup("cond-lock").type());
            assertEquals(ObjectType.LOCK, r.service.lookup("plain").type());
            assertEquals("cond-lock", r.service.lookup("cond").spec().linkedName());
            long s = r.session();
            for (String[] pair : new String[][] {{"cond", "cond-lock"}, {"cond2", "plain"}}) {
                ConditionObject c = r.object(pair[0]);
                LockObject lock = r.object(pair[1]);
                assertTrue(lock.acquire(s, 1, 1, 0) > 0);
                c.awaitBegin(s, 1, 2);
                assertFalse(lock.isLocked(), pair[0] + " is bound to the restored " + pair[1]);
                assertFalse(c.awaitGiveUp(s, 1, 2), "not signalled");
                assertEquals(io.jmanager.wire.RemoteCondition.GAVE_UP, c.awaitSlice(s, 1, 2, 0));
                assertTrue(lock.isLocked(), "the lock is taken back");
                lock.release(s, 1);
            }
        }
    }

    // ---------------------------------------------------------------- catalog

    @Test
    void catalogKeepsNamesTypesAndSpecsAndForgetsDestroyedObjects() throws Exception {
        List<ObjectSpec> specs = List.of(ObjectSpec.of(ObjectType.DICT), ObjectSpec.of(ObjectType.NAMESPACE),
                ObjectSpec.of(ObjectType.LIST), ObjectSpec.sized(ObjectType.QUEUE, 7),
                ObjectSpec.atLeastOnceQueue(3, 1234), ObjectSpec.of(ObjectType.LOCK),
                ObjectSpec.of(ObjectType.RLOCK), ObjectSpec.sized(ObjectType.SEMAPHORE, 2),
                ObjectSpec.sized(ObjectType.BOUNDED_SEMAPHORE, 4), ObjectSpec.of(ObjectType.EVENT),
                ObjectSpec.sized(ObjectType.BARRIER, 5),
                ObjectSpec.typed(ObjectType.VALUE, "q", 1, new long[] {-5}),
                ObjectSpec.typed(ObjectType.ARRAY, "x:d, y:i", 3, null), ObjectSpec.condition("o-5"));
        try (DurableHarness h = open()) {
            for (int i = 0; i < specs.size(); i++) {
                h.get("o-" + i, specs.get(i));
            }
            h.<DictObject>get("gone", ObjectSpec.of(ObjectType.DICT)).put(enc("k"), enc("v"));
            assertTrue(h.service.destroy("gone"));
            // destroyed then created again: the new object only
            h.<ListObject>object("o-2").append(enc("old"));
            assertTrue(h.service.destroy("o-2"));
            h.<ListObject>get("o-2", ObjectSpec.of(ObjectType.LIST)).append(enc("new"));
        }
        try (DurableHarness r = open()) {
            List<String> names = new ArrayList<>();
            for (int i = 0; i < specs.size(); i++) {
                names.add("o-" + i);
                ObjectSpec restored = r.service.lookup("o-" + i).spec();
                assertArrayEquals(specs.get(i).toBytes(), restored.toBytes(), "spec of o-" + i);
            }
            java.util.Collections.sort(names);
            assertEquals(names, r.names());
            assertEquals(specs.size(), r.restored[0]);
            assertThrows(io.jmanager.NoSuchSharedObjectException.class, () -> r.service.lookup("gone"));
            assertEquals(List.of("new"), items(r.object("o-2")));
            assertArrayEquals(new long[] {-5}, all(r.object("o-11")), "initial bits of the spec");
            // the registry goes on: a new object gets an id of its own, not one of the restored objects'
            r.<DictObject>get("later", ObjectSpec.of(ObjectType.DICT)).put(enc("x"), enc(1));
        }
        try (DurableHarness r = open()) {
            assertEquals(List.of("x", 1), entries(r.object("later")));
            assertEquals(List.of("new"), items(r.object("o-2")), "the list did not share the dict's records");
            assertEquals(List.of(), entries(r.object("o-0")));
            assertEquals(specs.size() + 1, r.restored[0]);
        }
    }

    @Test
    void destroyingALockDestroysItsConditionsAndNeitherComesBack() throws Exception {
        try (DurableHarness h = open()) {
            h.get("pl", ObjectSpec.of(ObjectType.LOCK));
            h.get("c", ObjectSpec.condition("pl"));
            h.get("other", ObjectSpec.of(ObjectType.EVENT));
            assertTrue(h.service.destroy("pl"));
            assertEquals(List.of("other"), h.names(), "the condition cannot work without its lock");
        }
        try (DurableHarness r = open()) {
            assertEquals(List.of("other"), r.names());
            assertThrows(io.jmanager.NoSuchSharedObjectException.class, () -> r.service.lookup("c"));
        }
    }

    /**
     * A legitimate history: a condition's lock is destroyed and its name reused for a dict. The registry must
     * still start on its data directory afterwards (the dict and everything else intact), not refuse it forever.
     */
    @Test
    void aConditionWhoseLockNameNowHoldsADictDoesNotBlockTheRestart() throws Exception {
        try (DurableHarness h = open()) {
            h.get("x", ObjectSpec.of(ObjectType.LOCK));
            h.get("cond", ObjectSpec.condition("x"));
            h.<DictObject>get("keep", ObjectSpec.of(ObjectType.DICT)).put(enc("k"), enc("v"));
            assertTrue(h.service.destroy("x"));
            h.<DictObject>get("x", ObjectSpec.of(ObjectType.DICT)).put(enc("a"), enc(1));
        }
        try (DurableHarness r = open()) {
            assertEquals(List.of("a", 1), entries(r.object("x")));
            assertEquals(List.of("k", "v"), entries(r.object("keep")));
        }
    }

    /**
     * Delivery ids start again at 1 after a restart. A worker that took a delivery before the restart and retries
     * its ack afterwards (in its new session: the first call after a restart fails with SessionExpiredException)
     * must not acknowledge another item's new delivery, which would then be lost if its taker died.
     */
    @Test
    void anAckOfADeliveryFromBeforeARestartDoesNotAckANewDelivery() throws Exception {
        long oldId;
        try (DurableHarness h = open()) {
            long s = h.session();
            QueueObject q = h.get("rq", ObjectSpec.atLeastOnceQueue(0, 60_000));
            q.offerAll(encAll("a", "b", "c"));
            assertTrue(q.ack(s, deliveryId(q.pollDelivery(s, 1, 0)))); // a: id 1, done
            oldId = deliveryId(q.pollDelivery(s, 2, 0)); // b: id 2, out when the registry stops
        }
        try (DurableHarness r = open()) {
            QueueObject q = r.object("rq");
            assertEquals(List.of("b", "c"), queued(q));
            long w2 = r.session();
            byte[] first = q.pollDelivery(w2, 1, 0);
            byte[] second = q.pollDelivery(w2, 2, 0);
            assertEquals(List.of("b", "c"), List.of(deliveryItem(first), deliveryItem(second)));
            long w1 = r.session(); // the first worker, reconnected
            boolean acked = q.ack(w1, oldId);
            assertFalse(acked, "delivery " + oldId + " of the previous run acknowledged a delivery of this run"
                    + " (ids now: " + deliveryId(first) + " for b, " + deliveryId(second) + " for c)");
        }
    }

    @Test
    void writeStateGivesWhatRestoreReads() throws Exception {
        try (DurableHarness h = open()) {
            long s = h.session();
            DictObject d = h.get("d", ObjectSpec.of(ObjectType.DICT));
            d.putAll(encAll("a", "b", "c"), encAll(1, 2, 3));
            d.remove(enc("a"));
            d.put(enc("a"), enc(4));
            QueueObject q = h.get("q", ObjectSpec.atLeastOnceQueue(0, 60_000));
            q.offerAll(encAll(1, 2, 3));
            q.pollDelivery(s, 1, 0);
            q.poll(s, 2, 0);
            ListObject l = h.get("l", ObjectSpec.of(ObjectType.LIST));
            l.extend(encAll(5, 4, 3));
            LockObject lock = h.get("lock", ObjectSpec.of(ObjectType.LOCK));
            long token = lock.acquire(s, 1, 1, 0);

            DictObject d2 = new DictObject("d", d.spec, h.context);
            d2.restore(written(d));
            assertEquals(entries(d), entries(d2));
            QueueObject q2 = new QueueObject("q", q.spec, h.context);
            q2.restore(written(q));
            assertEquals(List.of(1, 3), queued(q2), "the delivery out comes back, in order");
            assertEquals(3, q2.unfinishedTasks());
            ListObject l2 = new ListObject("l", l.spec, h.context);
            l2.restore(written(l));
            assertEquals(items(l), items(l2));
            LockObject lock2 = new LockObject("lock", lock.spec, h.context);
            lock2.restore(written(lock));
            assertTrue(lock2.acquire(s, 2, 1, 0) > token);
        }
    }

    private static List<java.util.Map.Entry<Long, byte[]>> written(GuardedObject o) {
        java.util.TreeMap<Long, byte[]> sink = new java.util.TreeMap<>();
        o.mutex.lock();
        try {
            o.writeState(sink::put);
        } finally {
            o.mutex.unlock();
        }
        return new ArrayList<>(sink.entrySet());
    }
}
