package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The session table of a registry group's leader (docs/group.md): opens and ends are records, a new leader restores
 * the open sessions with their own lease, session ids never repeat across leaders, and a liveness connection of an
 * earlier term never ends the session of a later one.
 */
class SessionTableReplicationTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final long UNATTACHED = TimeUnit.MILLISECONDS.toNanos(50);
    private final ConcurrentLinkedQueue<Long> ended = new ConcurrentLinkedQueue<>();

    /** The committed records of the session table, as a group's replica holds them. */
    private static final class Stored implements Records {
        final TreeMap<Long, byte[]> records = new TreeMap<>();

        @Override
        public boolean durable() {
            return true;
        }

        @Override
        public void put(long key, byte[] value) {
            records.put(key, value);
        }

        @Override
        public void remove(long key) {
            records.remove(key);
        }

        @Override
        public void clear() {
            records.clear();
        }

        List<Map.Entry<Long, byte[]>> entries() {
            List<Map.Entry<Long, byte[]>> out = new ArrayList<>();
            records.forEach((k, v) -> out.add(new AbstractMap.SimpleImmutableEntry<>(k, v)));
            return out;
        }
    }

    private SessionTable leader(Stored committed, Stored writes) {
        SessionTable table = new SessionTable((id, how) -> ended.add(id), Integer.MAX_VALUE, UNATTACHED);
        table.replicate(committed.entries(), writes, Durability.IN_MEMORY);
        return table;
    }

    @Test
    void opensAndEndsAreRecordsThatTheNextLeaderRestoresWithoutReusingAnId() {
        Stored log = new Stored();
        SessionTable first = leader(new Stored(), log);
        SessionTable.Session gone = first.open("host-a", 11, HOUR);
        SessionTable.Session kept = first.open("host-b", 22, HOUR);
        first.close(gone.id);
        assertEquals(List.of(gone.id), List.copyOf(ended));
        assertTrue(log.records.containsKey(0L), "the id ceiling is a record");
        assertTrue(log.records.containsKey(kept.id));
        assertTrue(!log.records.containsKey(gone.id), "an ended session's record is removed");

        first.retire();
        assertEquals(0, first.size(), "a retired term forgets its sessions");
        assertEquals(1, ended.size(), "without ending them");

        SessionTable next = leader(log, new Stored());
        assertEquals(1, next.size());
        SessionTable.Session restored = next.snapshot().get(0);
        assertEquals(kept.id, restored.id);
        assertEquals("host-b", restored.host);
        assertEquals(22, restored.pid);
        assertEquals(HOUR / 1_000_000, restored.leaseNanos / 1_000_000);
        assertEquals(kept.openedMillis, restored.openedMillis);
        next.renew(kept.id);
        assertTrue(next.open("host-c", 33, HOUR).id > kept.id, "ids continue above the recorded ceiling");
    }

    @Test
    void aRestoredSessionKeepsItsOwnLeaseUntilItsWorkerAttaches() throws Exception {
        Stored log = new Stored();
        SessionTable first = leader(new Stored(), log);
        SessionTable.Session opened = first.open("h", 1, HOUR);
        assertEquals(UNATTACHED, opened.effectiveLease(UNATTACHED), "unattached on the leader that opened it");

        SessionTable next = leader(log, new Stored());
        SessionTable.Session restored = next.snapshot().get(0);
        assertEquals(HOUR, restored.effectiveLease(UNATTACHED),
                "its worker was alive with the old leader: its own lease while it finds the new one");
        AutoCloseable connection = () -> { };
        assertTrue(next.attached(restored.id, connection));
        assertEquals(HOUR, restored.effectiveLease(UNATTACHED));
    }

    @Test
    void aLivenessConnectionOfAnEarlierTermDoesNotEndTheSessionOfALaterOne() {
        Stored log = new Stored();
        SessionTable table = leader(new Stored(), log);
        long id = table.open("h", 1, HOUR).id;
        AutoCloseable old = () -> { };
        assertTrue(table.attached(id, old));

        table.retire(); // the member stopped serving, closing the connection; then it leads again
        table.replicate(log.entries(), log, Durability.IN_MEMORY);
        table.lost(id, old); // the old connection's close arrives late
        assertEquals(1, table.size(), "the session of the new term lives on");
        assertTrue(ended.isEmpty());

        AutoCloseable current = () -> { };
        assertTrue(table.attached(id, current));
        table.lost(id, current);
        assertEquals(List.of(id), List.copyOf(ended), "its own connection's loss ends it");
        assertTrue(!log.records.containsKey(id));
    }

    @Test
    void aMalformedSessionRecordIsRefused() {
        Stored log = new Stored();
        log.put(7, new byte[] {1, 2, 3});
        SessionTable table = new SessionTable((id, how) -> ended.add(id));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> table.replicate(log.entries(), new Stored(), Durability.IN_MEMORY));
        assertContains(e.getMessage(), "session table", "record 7");
    }
}
