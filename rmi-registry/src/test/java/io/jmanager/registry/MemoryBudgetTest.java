package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.RegistryLimitException;
import io.jmanager.StructLayout;
import io.jmanager.wire.MemoryBudget;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Every create and grow of the state machines is charged to the memory budget before anything changes, refused
 * whole over it, and every remove, take, clear and destroy gives it back: after any sequence of operations the
 * budget holds exactly what the objects hold.
 */
class MemoryBudgetTest {
    private static final long LIMIT = 64 << 10;

    private static RegistryContext context(Fixture f, MemoryBudget memory) {
        return new RegistryContext(16 << 10, 1 << 20, f.context.waitSliceNanos(), f.sessions, f.context.locks(),
                1000, 100, memory);
    }

    private static byte[] bytes(int n, int fill) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) fill);
        return b;
    }

    @Test
    void dictEntriesAreChargedAndGivenBack() throws Exception {
        try (Fixture f = new Fixture()) {
            MemoryBudget memory = new MemoryBudget(LIMIT);
            DictObject d = f.add(new DictObject("d", ObjectSpec.of(ObjectType.DICT), context(f, memory)));
            long empty = memory.used();
            assertEquals(GuardedObject.OBJECT_BYTES, empty, "an object is charged for itself");
            d.put(bytes(10, 1), bytes(1000, 1));
            assertEquals(empty + 10 + 1000 + DictObject.ENTRY_BYTES, memory.used());
            d.put(bytes(10, 1), bytes(400, 2)); // a smaller value gives back the difference
            assertEquals(empty + 10 + 400 + DictObject.ENTRY_BYTES, memory.used());
            d.putIfAbsent(bytes(10, 1), bytes(5000, 3)); // present: nothing changes
            assertEquals(empty + 10 + 400 + DictObject.ENTRY_BYTES, memory.used());
            d.putAll(new byte[][] {bytes(1, 1), bytes(1, 2), bytes(1, 1)},
                    new byte[][] {bytes(100, 0), bytes(100, 0), bytes(50, 0)}); // the same key twice: one entry
            assertEquals(empty + 10 + 400 + DictObject.ENTRY_BYTES + 2 * (1 + DictObject.ENTRY_BYTES) + 150,
                    memory.used());
            d.remove(bytes(10, 1));
            d.removeIfEquals(bytes(1, 2), bytes(100, 0));
            assertEquals(empty + 1 + 50 + DictObject.ENTRY_BYTES, memory.used());
            d.clear();
            assertEquals(empty, memory.used());

            // over the budget: refused whole, naming the option, nothing stored
            byte[][] keys = new byte[8][];
            byte[][] values = new byte[8][];
            for (int i = 0; i < 8; i++) {
                keys[i] = bytes(4, i);
                values[i] = bytes(10_000, i);
            }
            RegistryLimitException e = assertThrows(RegistryLimitException.class, () -> d.putAll(keys, values));
            assertContains(e.getMessage(), "--memory-budget", "'d'");
            assertEquals(0, d.size());
            assertEquals(empty, memory.used());
            d.putAll(Arrays.copyOf(keys, 6), Arrays.copyOf(values, 6)); // 61 KB of 64 KiB
            assertThrows(RegistryLimitException.class, () -> d.put(bytes(4, 99), bytes(16 << 10, 0)));
            assertThrows(RegistryLimitException.class, () -> d.replace(keys[0], bytes(16 << 10, 0)));
            assertEquals(6, d.size());
            assertArrayEquals(values[0], d.get(keys[0]));
            d.destroy();
            assertEquals(0, memory.used(), "a destroyed object gives everything back");
        }
    }

    @Test
    void listItemsAreChargedAndGivenBack() throws Exception {
        try (Fixture f = new Fixture()) {
            MemoryBudget memory = new MemoryBudget(LIMIT);
            ListObject l = f.add(new ListObject("l", ObjectSpec.of(ObjectType.LIST), context(f, memory)));
            long empty = memory.used();
            l.append(bytes(100, 1));
            l.insert(0, bytes(200, 2));
            l.extend(new byte[][] {bytes(300, 3), bytes(400, 4)});
            l.insertAll(1, new byte[][] {bytes(10, 5)});
            assertEquals(empty + 1010 + 5 * ListObject.ITEM_BYTES, memory.used());
            l.set(0, bytes(20, 2));
            assertEquals(empty + 830 + 5 * ListObject.ITEM_BYTES, memory.used());
            l.pop(-1);
            l.removeFirst(bytes(10, 5));
            assertEquals(empty + 420 + 3 * ListObject.ITEM_BYTES, memory.used());
            l.setSlice(0, 2, new byte[][] {bytes(1, 1), bytes(1, 1), bytes(1, 1)});
            assertEquals(empty + 303 + 4 * ListObject.ITEM_BYTES, memory.used());
            l.removeMatching(new byte[][] {bytes(1, 1)}, false);
            assertEquals(empty + 300 + ListObject.ITEM_BYTES, memory.used());
            l.sort(false);
            assertEquals(empty + 300 + ListObject.ITEM_BYTES, memory.used());
            RegistryLimitException e = assertThrows(RegistryLimitException.class, () -> l.extend(
                    new byte[][] {bytes(16 << 10, 0), bytes(16 << 10, 0), bytes(16 << 10, 0), bytes(16 << 10, 0)}));
            assertContains(e.getMessage(), "--memory-budget");
            assertEquals(1, l.size());
            l.clear();
            assertEquals(empty, memory.used());
            l.destroy();
            assertEquals(0, memory.used());
        }
    }

    @Test
    void queueItemsAreChargedUntilTakenOrAcknowledged() throws Exception {
        try (Fixture f = new Fixture()) {
            MemoryBudget memory = new MemoryBudget(LIMIT);
            long session = f.session();
            QueueObject q = f.add(new QueueObject("q", ObjectSpec.of(ObjectType.QUEUE), context(f, memory)));
            QueueObject r = f.add(new QueueObject("r", ObjectSpec.atLeastOnceQueue(0, 60_000),
                    context(f, memory)));
            long empty = memory.used();
            q.offer(session, 1, bytes(100, 1), 0);
            assertEquals(2, q.offerAll(new byte[][] {bytes(200, 2), bytes(300, 3)}));
            assertEquals(empty + 600 + 3 * QueueObject.ITEM_BYTES, memory.used());
            q.poll(session, 2, 0);
            q.drain(1);
            assertEquals(empty + 300 + QueueObject.ITEM_BYTES, memory.used());
            q.offer(session, 3, bytes(5, 5), 0);
            q.removeFirst(bytes(5, 5));
            q.removeMatching(new byte[][] {bytes(300, 3)}, false);
            assertEquals(empty, memory.used());
            assertThrows(RegistryLimitException.class, () -> q.offerAll(new byte[][] {bytes(16 << 10, 0),
                    bytes(16 << 10, 0), bytes(16 << 10, 0), bytes(16 << 10, 0)}));
            assertEquals(0, q.size(), "refused whole");
            q.offer(session, 4, bytes(10, 1), 0);
            q.clear();
            assertEquals(empty, memory.used());

            // a delivery is held until acknowledged; put back, still held; acknowledged, given back
            r.offer(session, 5, bytes(1000, 1), 0);
            long held = memory.used();
            byte[] delivery = r.pollDelivery(session, 6, 0);
            assertEquals(held, memory.used());
            long id = java.nio.ByteBuffer.wrap(delivery).getLong();
            r.nack(session, id);
            assertEquals(held, memory.used());
            delivery = r.pollDelivery(session, 7, 0);
            assertTrue(r.ack(session, java.nio.ByteBuffer.wrap(delivery).getLong()));
            assertEquals(empty, memory.used());
            q.destroy();
            r.destroy();
            assertEquals(0, memory.used());
        }
    }

    @Test
    void anArrayIsChargedBeforeItsSlotsAreAllocated() throws Exception {
        try (Fixture f = new Fixture()) {
            MemoryBudget memory = new MemoryBudget(LIMIT);
            RegistryContext context = context(f, memory);
            RegistryLimitException e = assertThrows(RegistryLimitException.class, () -> ObjectFactory.create("a",
                    ObjectSpec.typed(ObjectType.ARRAY, "q", 1 << 26, null), context, null));
            assertContains(e.getMessage(), "--memory-budget", "'a'");
            assertEquals(0, memory.used(), "nothing charged for a refused array");
            ArrayObject a = (ArrayObject) ObjectFactory.create("b", ObjectSpec.typed(ObjectType.ARRAY, "q", 1000,
                    null), context, null);
            assertEquals(GuardedObject.OBJECT_BYTES + 8 * 1000 + 16, memory.used());
            assertEquals(1000, a.slots());
            a.destroy();
            assertEquals(0, memory.used());
            assertTrue(StructLayout.parse("q").isScalar());
        }
    }

    @Test
    void importsAndExportsInProgressAreCharged() {
        MemoryBudget memory = new MemoryBudget(LIMIT);
        StateTransfers transfers = new StateTransfers(memory);
        long first = transfers.beginImport(1);
        transfers.importChunk(1, first, bytes(30_000, 1));
        assertEquals(30_000, memory.used());
        long second = transfers.beginImport(2);
        transfers.importChunk(2, second, bytes(30_000, 1));
        RegistryLimitException e = assertThrows(RegistryLimitException.class,
                () -> transfers.importChunk(2, second, bytes(30_000, 1)));
        assertContains(e.getMessage(), "--memory-budget", "import");
        assertEquals(30_000, memory.used(), "the refused import was abandoned and gave its bytes back");
        assertEquals(30_000, transfers.takeImport(1, first).length);
        assertEquals(0, memory.used());
        transfers.importChunk(1, transfers.beginImport(1), bytes(100, 1));
        transfers.chargeExport(1000);
        transfers.beginExport(1, java.util.List.of(), 1000);
        assertEquals(1100, memory.used());
        transfers.sessionEnded(1);
        assertEquals(0, memory.used(), "an ended session's transfers give their memory back");
        assertThrows(RegistryLimitException.class, () -> transfers.chargeExport(LIMIT + 1));
        transfers.chargeExport(500);
        long export = transfers.beginExport(3, java.util.List.of(), 500);
        while (transfers.exportPage(3, export).length > 0) {
            assertEquals(500, memory.used());
        }
        assertEquals(0, memory.used(), "a finished export gives its memory back");
    }

    @Test
    void sessionsWithoutLivenessAreHeldToTheUnattachedLease() {
        long hour = TimeUnit.HOURS.toNanos(1);
        long second = TimeUnit.SECONDS.toNanos(1);
        SessionTable table = new SessionTable((id, how) -> { }, 10, second);
        SessionTable.Session attached = table.open("h", 1, hour);
        SessionTable.Session bare = table.open("h", 2, hour);
        assertTrue(table.attached(attached.id, () -> { }));
        long now = System.nanoTime();
        assertTrue(!attached.expired(now + 2 * second, second), "its own lease holds while attached");
        assertTrue(attached.expired(now + hour + second, second));
        assertTrue(bare.expired(now + 2 * second, second), "without liveness: at most the unattached lease");
        assertTrue(!bare.expired(now + second / 2, second));
        SessionTable.Session shortLease = table.open("h", 3, second / 10);
        assertTrue(shortLease.expired(now + second / 2, second), "a shorter lease of its own still applies");
    }
}
