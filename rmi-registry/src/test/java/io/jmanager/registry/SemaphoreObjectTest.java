package io.jmanager.registry;

import static io.jmanager.registry.Fixture.LONG_WAIT;
import static io.jmanager.registry.Fixture.assertContains;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SemaphoreObjectTest {
    private final Fixture fx = new Fixture();
    private final long s1 = fx.session();
    private final long s2 = fx.session();

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    private SemaphoreObject semaphore(int permits) {
        return fx.add(new SemaphoreObject("s", ObjectSpec.sized(ObjectType.SEMAPHORE, permits), fx.context));
    }

    private SemaphoreObject bounded(int permits) {
        return fx.add(new SemaphoreObject("b", ObjectSpec.sized(ObjectType.BOUNDED_SEMAPHORE, permits),
                fx.context));
    }

    @Test
    void acquireAndReleaseCountPermits() {
        SemaphoreObject s = semaphore(3);
        assertTrue(s.acquire(s1, 1, 2, 0));
        assertEquals(1, s.availablePermits());
        assertFalse(s.acquire(s1, 2, 2, 0), "2 permits are not available");
        assertFalse(s.acquire(s1, 3, 2, nanos(20)));
        assertEquals(1, s.availablePermits(), "a failed acquire takes nothing");
        assertTrue(s.acquire(s1, 4, 1, 0));
        assertEquals(0, s.availablePermits());
        s.release(s2, 3);
        assertEquals(3, s.availablePermits(), "anyone may release");
        s.release(s2, 5);
        assertEquals(8, s.availablePermits(), "an unbounded semaphore grows past its initial value");
    }

    @Test
    void countMustBePositive() {
        SemaphoreObject s = semaphore(1);
        assertThrows(IllegalArgumentException.class, () -> s.acquire(s1, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> s.acquire(s1, 1, -1, 0));
        assertThrows(IllegalArgumentException.class, () -> s.release(s1, 0));
        assertEquals(1, s.availablePermits());
    }

    @Test
    void boundedSemaphoreRefusesOverReleaseAndChangesNothing() {
        SemaphoreObject b = bounded(2);
        assertTrue(b.acquire(s1, 1, 1, 0));
        b.release(s1, 1);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> b.release(s1, 1));
        assertContains(e.getMessage(), "'b'", "released too many times", "2");
        assertEquals(2, b.availablePermits());
        assertTrue(b.acquire(s1, 2, 2, 0));
        assertThrows(IllegalStateException.class, () -> b.release(s1, 3));
        assertEquals(0, b.availablePermits(), "a refused release returns nothing");
        b.release(s1, 2);
        assertEquals(2, b.availablePermits());
    }

    @Test
    void unboundedReleaseCannotOverflow() {
        SemaphoreObject s = semaphore(Integer.MAX_VALUE - 1);
        s.release(s1, 1);
        assertEquals(Integer.MAX_VALUE, s.availablePermits());
        assertThrows(IllegalStateException.class, () -> s.release(s1, 1));
        assertEquals(Integer.MAX_VALUE, s.availablePermits());
    }

    @Test
    void blockedAcquireIsGrantedWhenEnoughIsReleased() throws Exception {
        SemaphoreObject s = semaphore(0);
        Future<Boolean> waiter = fx.async(() -> s.acquire(s2, 1, 2, LONG_WAIT));
        awaitWaiting(s, 1);
        s.release(s1, 1);
        assertEquals(1, s.availablePermits(), "one permit does not grant an acquire of two");
        assertFalse(waiter.isDone());
        s.release(s1, 1);
        assertTrue(get(waiter));
        assertEquals(0, s.availablePermits());
    }

    @Test
    void abandonedSessionReturnsItsPermitsAndWakesWaiters() throws Exception {
        SemaphoreObject s = semaphore(3);
        assertTrue(s.acquire(s1, 1, 2, 0));
        s.release(s1, 1);
        assertEquals(2, s.drainPermits(s1));
        assertEquals(0, s.availablePermits());
        Future<Boolean> waiter = fx.async(() -> s.acquire(s2, 1, 3, LONG_WAIT));
        awaitWaiting(s, 1);
        fx.sessions.kill(s1);
        assertTrue(get(waiter), "the 3 permits s1 still held (1 acquired, 2 drained) came back");
        assertEquals(0, s.availablePermits());
        fx.sessions.kill(s2);
        assertEquals(3, s.availablePermits());
    }

    @Test
    void cleanlyClosedSessionKeepsWhatItConsumedAsSignals() {
        SemaphoreObject s = semaphore(0);
        s.release(s2, 3);
        assertTrue(s.acquire(s1, 1, 3, 0));
        fx.sessions.close(s1);
        assertEquals(0, s.availablePermits(), "a consumer that closes cleanly created no permits");
    }

    @Test
    void sessionEndOfABoundedSemaphoreNeverExceedsTheInitialValue() {
        SemaphoreObject b = bounded(2);
        assertTrue(b.acquire(s1, 1, 2, 0));
        b.release(s2, 2);
        fx.sessions.kill(s1);
        assertEquals(2, b.availablePermits());
    }

    @Test
    void deadSessionCannotTakePermits() {
        SemaphoreObject s = semaphore(2);
        fx.sessions.close(s1);
        assertThrows(SessionExpiredException.class, () -> s.acquire(s1, 1, 1, 0));
        assertThrows(SessionExpiredException.class, () -> s.drainPermits(s1));
        assertEquals(2, s.availablePermits(), "permits taken by a dead session would never come back");
    }

    @Test
    void waitIsBoundedByTheSlice() throws Exception {
        try (Fixture small = new Fixture(TimeUnit.MILLISECONDS.toNanos(40))) {
            SemaphoreObject s = small.add(new SemaphoreObject("s", ObjectSpec.sized(ObjectType.SEMAPHORE, 0),
                    small.context));
            long start = System.nanoTime();
            assertFalse(s.acquire(small.session(), 1, 1, TimeUnit.DAYS.toNanos(1)));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(40));
            assertTrue(elapsed < TimeUnit.MILLISECONDS.toNanos(Fixture.TIMEOUT_MILLIS));
        }
    }

    @Test
    void cancelledWaitsGrantNothing() throws Exception {
        SemaphoreObject s = semaphore(0);
        Future<Boolean> waiter = fx.async(() -> s.acquire(s2, 9, 1, LONG_WAIT));
        awaitWaiting(s, 1);
        s.cancelWait(s2, 9);
        assertFalse(get(waiter));
        s.cancelWait(s2, 10);
        s.release(s1, 1);
        assertFalse(s.acquire(s2, 10, 1, 0), "tombstoned wait");
        assertEquals(1, s.availablePermits());
        assertTrue(s.acquire(s2, 11, 1, 0));
    }

    @Test
    void destroyFailsWaiters() throws Exception {
        SemaphoreObject s = semaphore(0);
        Future<Boolean> waiter = fx.async(() -> s.acquire(s2, 1, 1, LONG_WAIT));
        awaitWaiting(s, 1);
        s.destroy();
        assertThrows(NoSuchSharedObjectException.class, () -> get(waiter));
    }

    @Test
    void manyThreadsNeverHoldMoreThanThePermits() throws Exception {
        SemaphoreObject s = bounded(3);
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        AtomicInteger waitIds = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> all = new ArrayList<>();
        for (int t = 0; t < 10; t++) {
            long session = t % 2 == 0 ? s1 : s2;
            all.add(fx.async(() -> {
                start.await();
                for (int i = 0; i < 200; i++) {
                    assertTrue(s.acquire(session, waitIds.incrementAndGet(), 1, LONG_WAIT));
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    inside.decrementAndGet();
                    s.release(session, 1);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<Void> f : all) {
            get(f);
        }
        assertTrue(maxInside.get() <= 3, "max inside " + maxInside.get());
        assertEquals(3, s.availablePermits());
    }
}
