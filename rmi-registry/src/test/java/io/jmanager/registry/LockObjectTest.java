package io.jmanager.registry;

import static io.jmanager.registry.Fixture.LONG_WAIT;
import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.awaitWaiting;
import static io.jmanager.registry.Fixture.get;
import static io.jmanager.registry.Fixture.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.SessionExpiredException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LockObjectTest {
    private final Fixture fx = new Fixture();
    private final long s1 = fx.session();
    private final long s2 = fx.session();

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    @Test
    void lockIsNotReentrant() {
        LockObject lock = fx.lock("l");
        long token = lock.acquire(s1, 1, 1, 0);
        assertTrue(token > 0);
        assertEquals(0, lock.acquire(s1, 1, 2, 0), "a second acquire by the holder must not be granted");
        assertEquals(0, lock.acquire(s1, 1, 3, nanos(30)), "a second acquire by the holder blocks");
        assertEquals(1, lock.holdCount(s1, 1));
        assertEquals(token, lock.currentToken());
        lock.release(s1, 1);
        assertFalse(lock.isLocked());
        assertThrows(IllegalMonitorStateException.class, () -> lock.release(s1, 1));
    }

    @Test
    void rlockIsReentrantAndKeepsItsTokenOnReentry() {
        LockObject lock = fx.rlock("r");
        long token = lock.acquire(s1, 1, 1, 0);
        assertTrue(token > 0);
        assertEquals(token, lock.acquire(s1, 1, 2, 0));
        assertEquals(token, lock.acquire(s1, 1, 3, 0));
        assertEquals(3, lock.holdCount(s1, 1));
        lock.release(s1, 1);
        lock.release(s1, 1);
        assertTrue(lock.isLocked());
        assertEquals(token, lock.currentToken());
        assertEquals(1, lock.holdCount(s1, 1));
        lock.release(s1, 1);
        assertFalse(lock.isLocked());
        assertEquals(0, lock.currentToken());
        assertEquals(0, lock.holdCount(s1, 1));
        assertTrue(lock.acquire(s1, 1, 4, 0) > token, "a new grant takes a new token");
    }

    @Test
    void theOwnerIsSessionAndThread() {
        for (LockObject lock : List.of(fx.lock("l"), fx.rlock("r"))) {
            assertTrue(lock.acquire(s1, 1, 1, 0) > 0);
            assertEquals(0, lock.acquire(s1, 2, 2, 0), "another thread of the same session");
            assertEquals(0, lock.acquire(s2, 1, 3, 0), "the same thread id in another session");
            assertEquals(0, lock.holdCount(s1, 2));
            assertEquals(0, lock.holdCount(s2, 1));
            assertThrows(IllegalMonitorStateException.class, () -> lock.release(s1, 2));
            assertThrows(IllegalMonitorStateException.class, () -> lock.release(s2, 1));
            assertEquals(1, lock.holdCount(s1, 1), "a failed release changes nothing");
            lock.release(s1, 1);
        }
    }

    @Test
    void tokensIncreaseStrictlyWithEveryGrant() {
        LockObject lock = fx.lock("l");
        long last = 0;
        for (int i = 0; i < 20; i++) {
            long owner = i % 3;
            long token = lock.acquire(i % 2 == 0 ? s1 : s2, owner, i, 0);
            assertTrue(token > last, "token " + token + " after " + last);
            assertEquals(token, lock.currentToken());
            last = token;
            lock.release(i % 2 == 0 ? s1 : s2, owner);
        }
    }

    @Test
    void releaseByNonHolderNamesTheHolder() {
        LockObject lock = fx.lock("l");
        IllegalMonitorStateException unlocked = assertThrows(IllegalMonitorStateException.class,
                () -> lock.release(s1, 7));
        assertContains(unlocked.getMessage(), "'l'", "not locked");

        lock.acquire(s1, 7, 1, 0);
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class,
                () -> lock.release(s2, 9));
        assertContains(e.getMessage(), "held by session " + s1 + ", thread 7", "session " + s2 + ", thread 9");
        assertTrue(lock.isLocked());
    }

    @Test
    void blockedWaiterIsGrantedWhenReleased() throws Exception {
        LockObject lock = fx.lock("l");
        long first = lock.acquire(s1, 1, 1, 0);
        Future<Long> waiter = fx.async(() -> lock.acquire(s2, 1, 2, LONG_WAIT));
        awaitWaiting(lock, 1);
        assertFalse(waiter.isDone());
        lock.release(s1, 1);
        long second = get(waiter);
        assertTrue(second > first);
        assertEquals(1, lock.holdCount(s2, 1));
        assertEquals(second, lock.currentToken());
    }

    @Test
    void sessionEndReleasesHoldsAndWakesWaiters() throws Exception {
        LockObject lock = fx.rlock("r");
        lock.acquire(s1, 1, 1, 0);
        lock.acquire(s1, 1, 2, 0);
        Future<Long> waiter = fx.async(() -> lock.acquire(s2, 5, 3, LONG_WAIT));
        awaitWaiting(lock, 1);
        fx.sessions.close(s1);
        assertTrue(get(waiter) > 0);
        assertEquals(1, lock.holdCount(s2, 5));
        assertEquals(0, lock.holdCount(s1, 1));
        assertThrows(SessionExpiredException.class, () -> lock.release(s1, 1));
        assertThrows(SessionExpiredException.class, () -> lock.acquire(s1, 1, 4, 0));
    }

    @Test
    void sessionEndCancelsTheSessionsOwnWaits() throws Exception {
        LockObject lock = fx.lock("l");
        lock.acquire(s1, 1, 1, 0);
        Future<Long> waiter = fx.async(() -> lock.acquire(s2, 1, 2, LONG_WAIT));
        awaitWaiting(lock, 1);
        fx.sessions.close(s2);
        assertEquals(0L, get(waiter), "a closed session's wait returns without a grant");
        assertEquals(1, lock.holdCount(s1, 1));
    }

    @Test
    void waitIsBoundedByTheWaitSlice() throws Exception {
        try (Fixture small = new Fixture(TimeUnit.MILLISECONDS.toNanos(50))) {
            long a = small.session();
            long b = small.session();
            LockObject lock = small.lock("l");
            lock.acquire(a, 1, 1, 0);
            long start = System.nanoTime();
            assertEquals(0, lock.acquire(b, 1, 2, TimeUnit.HOURS.toNanos(1)));
            long elapsed = System.nanoTime() - start;
            assertTrue(elapsed >= TimeUnit.MILLISECONDS.toNanos(50), "waited the slice, " + elapsed + " ns");
            assertTrue(elapsed < TimeUnit.MILLISECONDS.toNanos(Fixture.TIMEOUT_MILLIS), "waited " + elapsed);
        }
    }

    @Test
    void cancelWaitWhileWaitingGrantsNothing() throws Exception {
        LockObject lock = fx.lock("l");
        lock.acquire(s1, 1, 1, 0);
        Future<Long> waiter = fx.async(() -> lock.acquire(s2, 1, 77, LONG_WAIT));
        awaitWaiting(lock, 1);
        lock.cancelWait(s2, 77);
        assertEquals(0L, get(waiter));
        lock.release(s1, 1);
        assertFalse(lock.isLocked(), "the cancelled waiter must not have taken the lock");
        assertEquals(0, Fixture.waiting(lock));
    }

    @Test
    void cancelWaitBeforeTheWaitArrivesGrantsNothing() {
        LockObject lock = fx.lock("l");
        lock.cancelWait(s2, 5);
        assertEquals(0, lock.acquire(s2, 1, 5, nanos(20)), "tombstone: the wait arrives after its cancel");
        assertFalse(lock.isLocked());
        // the tombstone applies to that wait only
        assertTrue(lock.acquire(s2, 1, 6, 0) > 0);
        lock.release(s2, 1);

        lock.acquire(s1, 1, 7, 0);
        lock.cancelWait(s2, 8);
        long start = System.nanoTime();
        assertEquals(0, lock.acquire(s2, 1, 8, LONG_WAIT), "a tombstoned wait on a held lock returns at once");
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(Fixture.TIMEOUT_MILLIS));
    }

    @Test
    void cancellingAFinishedWaitHasNoEffect() {
        LockObject lock = fx.lock("l");
        long token = lock.acquire(s1, 1, 1, 0);
        lock.cancelWait(s1, 1);
        assertEquals(token, lock.currentToken());
        assertEquals(1, lock.holdCount(s1, 1));
        lock.release(s1, 1);
    }

    @Test
    void destroyFailsWaitersWithNoSuchSharedObject() throws Exception {
        LockObject lock = fx.lock("l");
        lock.acquire(s1, 1, 1, 0);
        Future<Long> waiter = fx.async(() -> lock.acquire(s2, 1, 2, LONG_WAIT));
        awaitWaiting(lock, 1);
        lock.destroy();
        NoSuchSharedObjectException e = assertThrows(NoSuchSharedObjectException.class, () -> get(waiter));
        assertContains(e.getMessage(), "'l'", "destroyed");
        assertThrows(NoSuchSharedObjectException.class, () -> lock.acquire(s2, 1, 3, 0));
        assertThrows(NoSuchSharedObjectException.class, lock::isLocked);
        assertThrows(NoSuchSharedObjectException.class, () -> lock.release(s1, 1));
    }

    @Test
    void manyThreadsExcludeEachOtherAndEveryGrantGetsAFreshToken() throws Exception {
        LockObject lock = fx.lock("l");
        int threads = 8;
        int rounds = 300;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger maxInside = new AtomicInteger();
        ConcurrentLinkedQueue<Long> tokens = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            long session = t % 2 == 0 ? s1 : s2;
            long thread = t;
            all.add(fx.async(() -> {
                start.await();
                long last = 0;
                for (int i = 0; i < rounds; i++) {
                    long token = lock.acquire(session, thread, thread * 1_000_000 + i, LONG_WAIT);
                    assertNotEquals(0, token);
                    maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                    assertEquals(token, lock.currentToken());
                    assertTrue(token > last);
                    last = token;
                    tokens.add(token);
                    inside.decrementAndGet();
                    lock.release(session, thread);
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<Void> f : all) {
            get(f);
        }
        assertEquals(1, maxInside.get());
        Set<Long> distinct = new TreeSet<>(tokens);
        assertEquals(threads * rounds, distinct.size(), "every grant has its own token");
        assertFalse(lock.isLocked());
    }

    @Test
    void summaryShowsTheHolder() {
        LockObject lock = fx.rlock("r");
        assertEquals("unlocked", lock.summaryLocked());
        lock.acquire(s1, 3, 1, 0);
        assertContains(lock.summaryLocked(), "session " + s1, "thread 3", "1 holds");
    }
}
