package io.jmanager.registry;

import static io.jmanager.registry.Fixture.LONG_WAIT;
import static io.jmanager.registry.Fixture.awaitWaiting;
import static io.jmanager.registry.Fixture.get;
import static io.jmanager.registry.Fixture.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.SessionExpiredException;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventObjectTest {
    private final Fixture fx = new Fixture();
    private final long s1 = fx.session();
    private final EventObject event = fx.add(new EventObject("e", ObjectSpec.of(ObjectType.EVENT), fx.context));

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    @Test
    void flagSetAndClear() {
        assertFalse(event.isSet());
        assertFalse(event.await(s1, 1, 0));
        assertFalse(event.await(s1, 2, nanos(20)));
        event.set();
        assertTrue(event.isSet());
        assertTrue(event.await(s1, 3, 0));
        assertTrue(event.await(s1, 4, LONG_WAIT), "a set flag answers at once");
        event.set();
        assertTrue(event.isSet());
        event.clear();
        assertFalse(event.isSet());
        assertEquals("clear, 0 waiting", event.summaryLocked());
    }

    @Test
    void setWakesEveryWaiter() throws Exception {
        List<Future<Boolean>> waiters = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            long waitId = 10 + i;
            waiters.add(fx.async(() -> event.await(s1, waitId, LONG_WAIT)));
        }
        awaitWaiting(event, 5);
        event.set();
        for (Future<Boolean> w : waiters) {
            assertTrue(get(w));
        }
    }

    @Test
    void clearDoesNotWakeWaiters() throws Exception {
        Future<Boolean> waiter = fx.async(() -> event.await(s1, 1, LONG_WAIT));
        awaitWaiting(event, 1);
        event.clear();
        assertFalse(waiter.isDone());
        assertEquals(1, Fixture.waiting(event));
        event.set();
        assertTrue(get(waiter));
    }

    @Test
    void cancelAndSessionEndReturnWithoutTheFlag() throws Exception {
        Future<Boolean> waiter = fx.async(() -> event.await(s1, 1, LONG_WAIT));
        awaitWaiting(event, 1);
        event.cancelWait(s1, 1);
        assertFalse(get(waiter));

        event.cancelWait(s1, 2);
        event.set();
        assertFalse(event.await(s1, 2, 0), "a cancelled wait grants nothing, not even a set flag");
        event.clear();

        Future<Boolean> other = fx.async(() -> event.await(s1, 3, LONG_WAIT));
        awaitWaiting(event, 1);
        fx.sessions.close(s1);
        assertFalse(get(other));
        assertThrows(SessionExpiredException.class, () -> event.await(s1, 4, 0));
    }

    @Test
    void waitIsBoundedByTheSlice() throws Exception {
        try (Fixture small = new Fixture(TimeUnit.MILLISECONDS.toNanos(30))) {
            EventObject e = small.add(new EventObject("e", ObjectSpec.of(ObjectType.EVENT), small.context));
            long start = System.nanoTime();
            assertFalse(e.await(small.session(), 1, Long.MAX_VALUE));
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(Fixture.TIMEOUT_MILLIS));
        }
    }

    @Test
    void destroyFailsWaiters() throws Exception {
        Future<Boolean> waiter = fx.async(() -> event.await(s1, 1, LONG_WAIT));
        awaitWaiting(event, 1);
        event.destroy();
        assertThrows(NoSuchSharedObjectException.class, () -> get(waiter));
        assertThrows(NoSuchSharedObjectException.class, event::set);
    }
}
