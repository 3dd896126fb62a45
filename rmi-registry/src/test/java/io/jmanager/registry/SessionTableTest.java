package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.get;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.SessionExpiredException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SessionTableTest {
    private final ConcurrentLinkedQueue<Long> ended = new ConcurrentLinkedQueue<>();
    private final SessionTable table = new SessionTable((id, how) -> ended.add(id));
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);

    @Test
    void openGivesDistinctLiveSessions() {
        SessionTable.Session a = table.open("host-a", 11, HOUR);
        SessionTable.Session b = table.open("host-b", 22, HOUR);
        assertTrue(a.id > 0);
        assertTrue(b.id > a.id);
        assertEquals("host-a", a.host);
        assertEquals(22, b.pid);
        assertEquals(2, table.size());
        assertDoesNotThrow(() -> table.check(a.id));
        assertDoesNotThrow(() -> table.renew(b.id));
        assertEquals(Set.of(a.id, b.id), Set.copyOf(table.snapshot().stream().map(s -> s.id).toList()));
    }

    @Test
    void closeEndsTheSessionOnceAndIsIdempotent() {
        long id = table.open("h", 1, HOUR).id;
        table.close(id);
        table.close(id);
        assertEquals(List.of(id), List.copyOf(ended));
        SessionExpiredException e = assertThrows(SessionExpiredException.class, () -> table.check(id));
        assertContains(e.getMessage(), "session " + id, "not open");
        assertThrows(SessionExpiredException.class, () -> table.renew(id));
        assertEquals(0, table.size());
        table.close(12345);
        assertEquals(1, ended.size(), "closing an unknown session ends nothing");
    }

    @Test
    void unknownSessionIsRefused() {
        assertThrows(SessionExpiredException.class, () -> table.check(0));
        assertThrows(SessionExpiredException.class, () -> table.check(-1));
    }

    @Test
    void anExpiredLeaseIsRefusedAtOnceButEndedOnlyByTheReaper() {
        long id = table.open("h", 1, 1).id;
        long live = table.open("h", 2, HOUR).id;
        Fixture.eventually("the 1 ns lease runs out", () -> {
            try {
                table.check(id);
                return false;
            } catch (SessionExpiredException e) {
                assertContains(e.getMessage(), "expired", "lease");
                return true;
            }
        });
        assertThrows(SessionExpiredException.class, () -> table.renew(id), "too late to renew");
        assertTrue(ended.isEmpty(), "check never ends a session (it may run under an object's mutex)");
        table.expireOverdue();
        assertEquals(List.of(id), List.copyOf(ended));
        assertDoesNotThrow(() -> table.check(live));
        table.expireOverdue();
        assertEquals(1, ended.size());
    }

    @Test
    void renewMovesTheLeaseForward() {
        SessionTable.Session s = table.open("h", 1, HOUR);
        long before = s.renewedNanos;
        assertFalse(s.expired(before + HOUR));
        assertTrue(s.expired(before + HOUR + 1));
        Fixture.eventually("the clock moves", () -> System.nanoTime() != before);
        table.renew(s.id);
        assertTrue(s.renewedNanos > before);
        assertFalse(s.expired(before + HOUR + 1));
    }

    @Test
    void concurrentOpensGetUniqueIds() throws Exception {
        try (Fixture fx = new Fixture()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<Long>>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                all.add(fx.async(() -> {
                    start.await();
                    List<Long> ids = new ArrayList<>();
                    for (int i = 0; i < 500; i++) {
                        ids.add(table.open("h", i, HOUR).id);
                    }
                    return ids;
                }));
            }
            start.countDown();
            Set<Long> ids = new HashSet<>();
            for (Future<List<Long>> f : all) {
                ids.addAll(get(f));
            }
            assertEquals(4000, ids.size());
            assertEquals(4000, table.size());
        }
    }
}
