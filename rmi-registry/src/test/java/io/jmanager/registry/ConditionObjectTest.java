package io.jmanager.registry;

import static io.jmanager.registry.Fixture.LONG_WAIT;
import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.awaitWaiting;
import static io.jmanager.registry.Fixture.get;
import static io.jmanager.registry.Fixture.nanos;
import static io.jmanager.wire.RemoteCondition.GAVE_UP;
import static io.jmanager.wire.RemoteCondition.SIGNALLED;
import static io.jmanager.wire.RemoteCondition.WAITING;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.SessionExpiredException;
import io.jmanager.wire.ObjectSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConditionObjectTest {
    private final Fixture fx = new Fixture();
    private final long s1 = fx.session();
    private final long s2 = fx.session();

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    private ConditionObject condition(LockObject lock) {
        return fx.add(new ConditionObject("c", ObjectSpec.condition(lock.name), fx.context, lock));
    }

    /** The registry side of a complete await: slices until signalled or given up, with the lock held again. */
    private static int awaitToEnd(ConditionObject c, long session, long thread, long waitId) {
        int state;
        do {
            state = c.awaitSlice(session, thread, waitId, LONG_WAIT);
        } while (state == WAITING);
        return state;
    }

    @Test
    void awaitRequiresHoldingTheLock() {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        IllegalMonitorStateException free = assertThrows(IllegalMonitorStateException.class,
                () -> c.awaitBegin(s1, 1, 1));
        assertContains(free.getMessage(), "await on condition 'c'");
        lock.acquire(s2, 2, 1, 0);
        IllegalMonitorStateException other = assertThrows(IllegalMonitorStateException.class,
                () -> c.awaitBegin(s1, 1, 2));
        assertContains(other.getMessage(), "held by session " + s2 + ", thread 2");
        assertThrows(IllegalMonitorStateException.class, () -> c.signal(s1, 1));
        assertThrows(IllegalMonitorStateException.class, () -> c.signalAll(s1, 1));
        assertEquals(1, lock.holdCount(s2, 2), "failed calls leave the lock as it was");
    }

    @Test
    void awaitReleasesAnRlockFullyAndRestoresItsHoldCount() {
        LockObject lock = fx.rlock("r");
        ConditionObject c = condition(lock);
        long token = lock.acquire(s1, 1, 1, 0);
        lock.acquire(s1, 1, 2, 0);
        lock.acquire(s1, 1, 3, 0);
        c.awaitBegin(s1, 1, 10);
        assertFalse(lock.isLocked(), "awaitBegin releases every hold");
        assertEquals(WAITING, c.awaitSlice(s1, 1, 10, 0));

        long other = lock.acquire(s2, 9, 1, 0);
        assertTrue(other > token);
        c.signal(s2, 9);
        assertEquals(WAITING, c.awaitSlice(s1, 1, 10, 0), "signalled, but the lock is still held");
        lock.release(s2, 9);

        assertEquals(SIGNALLED, c.awaitSlice(s1, 1, 10, 0));
        assertEquals(3, lock.holdCount(s1, 1));
        assertTrue(lock.currentToken() > other, "reacquiring is a new grant with a new token");
        assertThrows(IllegalStateException.class, () -> c.awaitSlice(s1, 1, 10, 0), "the await is over");
    }

    @Test
    void blockedAwaitWakesOnSignalAndRelease() throws Exception {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        lock.acquire(s1, 1, 1, 0);
        c.awaitBegin(s1, 1, 5);
        Future<Integer> waiter = fx.async(() -> awaitToEnd(c, s1, 1, 5));
        awaitWaiting(c, 1);
        lock.acquire(s2, 2, 1, 0);
        c.signal(s2, 2);
        lock.release(s2, 2);
        assertEquals(SIGNALLED, get(waiter));
        assertEquals(1, lock.holdCount(s1, 1));
    }

    @Test
    void signalWakesWaitersInFifoOrder() {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        for (int w = 1; w <= 3; w++) {
            lock.acquire(s1, w, w, 0);
            c.awaitBegin(s1, w, w);
        }
        lock.acquire(s2, 9, 100, 0);
        c.signal(s2, 9);
        lock.release(s2, 9);
        assertEquals(WAITING, c.awaitSlice(s1, 3, 3, 0));
        assertEquals(WAITING, c.awaitSlice(s1, 2, 2, 0));
        assertEquals(SIGNALLED, c.awaitSlice(s1, 1, 1, 0), "the first to wait is the first signalled");
        lock.release(s1, 1);

        lock.acquire(s2, 9, 101, 0);
        c.signal(s2, 9);
        lock.release(s2, 9);
        assertEquals(WAITING, c.awaitSlice(s1, 3, 3, 0));
        assertEquals(SIGNALLED, c.awaitSlice(s1, 2, 2, 0));
        lock.release(s1, 2);
        assertEquals(WAITING, c.awaitSlice(s1, 3, 3, nanos(20)));
    }

    @Test
    void signalAllWakesEveryWaiterAndEachReacquiresInTurn() {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        for (int w = 1; w <= 3; w++) {
            lock.acquire(s1, w, w, 0);
            c.awaitBegin(s1, w, w);
        }
        lock.acquire(s2, 9, 100, 0);
        c.signalAll(s2, 9);
        lock.release(s2, 9);
        assertEquals(SIGNALLED, c.awaitSlice(s1, 2, 2, 0));
        assertEquals(WAITING, c.awaitSlice(s1, 1, 1, 0), "signalled but the lock is taken");
        lock.release(s1, 2);
        assertEquals(SIGNALLED, c.awaitSlice(s1, 1, 1, 0));
        lock.release(s1, 1);
        assertEquals(SIGNALLED, c.awaitSlice(s1, 3, 3, 0));
        lock.release(s1, 3);
        assertFalse(lock.isLocked());
    }

    @Test
    void signalWithoutWaitersIsANoOp() {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        lock.acquire(s1, 1, 1, 0);
        c.signal(s1, 1);
        c.signalAll(s1, 1);
        // a later waiter is not woken by an earlier signal
        c.awaitBegin(s1, 1, 2);
        assertEquals(WAITING, c.awaitSlice(s1, 1, 2, nanos(20)));
    }

    @Test
    void giveUpBeforeASignalLeavesTheSignalToTheNextWaiter() {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        lock.acquire(s1, 1, 1, 0);
        c.awaitBegin(s1, 1, 1);
        lock.acquire(s1, 2, 2, 0);
        c.awaitBegin(s1, 2, 2);

        assertFalse(c.awaitGiveUp(s1, 1, 1), "not signalled before giving up");
        lock.acquire(s2, 9, 100, 0);
        c.signal(s2, 9);
        lock.release(s2, 9);
        assertEquals(SIGNALLED, c.awaitSlice(s1, 2, 2, 0), "the signal went past the waiter that gave up");
        assertEquals(WAITING, c.awaitSlice(s1, 1, 1, 0), "gave up, but must reacquire the lock first");
        lock.release(s1, 2);
        assertEquals(GAVE_UP, c.awaitSlice(s1, 1, 1, 0));
        assertEquals(1, lock.holdCount(s1, 1));
    }

    @Test
    void giveUpAfterASignalReportsTheSignal() {
        LockObject lock = fx.rlock("r");
        ConditionObject c = condition(lock);
        lock.acquire(s1, 1, 1, 0);
        lock.acquire(s1, 1, 2, 0);
        c.awaitBegin(s1, 1, 7);
        lock.acquire(s2, 9, 1, 0);
        c.signal(s2, 9);
        lock.release(s2, 9);
        assertTrue(c.awaitGiveUp(s1, 1, 7));
        assertEquals(SIGNALLED, c.awaitSlice(s1, 1, 7, 0));
        assertEquals(2, lock.holdCount(s1, 1));
    }

    @Test
    void cancelWaitEndsASliceWithoutTheLock() throws Exception {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        lock.acquire(s1, 1, 1, 0);
        c.awaitBegin(s1, 1, 3);
        Future<Integer> slice = fx.async(() -> c.awaitSlice(s1, 1, 3, LONG_WAIT));
        awaitWaiting(c, 1);
        c.cancelWait(s1, 3);
        assertEquals(WAITING, get(slice));
        assertFalse(lock.isLocked());
        // the await goes on as the proxy does it: give up, then reacquire
        assertFalse(c.awaitGiveUp(s1, 1, 3));
        assertEquals(GAVE_UP, awaitToEnd(c, s1, 1, 3));
        assertEquals(1, lock.holdCount(s1, 1));
    }

    @Test
    void sessionEndDropsItsWaitersAndTheirSignalGoesToALiveWaiter() {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        long s3 = fx.session();
        lock.acquire(s1, 1, 1, 0);
        c.awaitBegin(s1, 1, 1);
        lock.acquire(s3, 1, 1, 0);
        c.awaitBegin(s3, 1, 1);

        lock.acquire(s2, 9, 1, 0);
        c.signal(s2, 9);
        lock.release(s2, 9);
        fx.sessions.close(s1);
        assertThrows(SessionExpiredException.class, () -> c.awaitSlice(s1, 1, 1, 0));
        assertEquals(SIGNALLED, c.awaitSlice(s3, 1, 1, 0), "a signal to a dead waiter must not be lost");
    }

    @Test
    void sessionEndWakesItsBlockedSlice() throws Exception {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        lock.acquire(s1, 1, 1, 0);
        c.awaitBegin(s1, 1, 1);
        Future<Integer> slice = fx.async(() -> c.awaitSlice(s1, 1, 1, LONG_WAIT));
        awaitWaiting(c, 1);
        fx.sessions.close(s1);
        assertEquals(WAITING, get(slice));
        assertFalse(lock.isLocked());
        assertThrows(SessionExpiredException.class, () -> c.awaitGiveUp(s1, 1, 1));
    }

    @Test
    void destroyingTheLockFailsTheConditionsWaiters() throws Exception {
        LockObject lock = fx.lock("l");
        ConditionObject c = condition(lock);
        lock.acquire(s1, 1, 1, 0);
        c.awaitBegin(s1, 1, 1);
        Future<Integer> slice = fx.async(() -> c.awaitSlice(s1, 1, 1, LONG_WAIT));
        awaitWaiting(c, 1);
        lock.destroy();
        assertThrows(NoSuchSharedObjectException.class, () -> get(slice));
        assertThrows(NoSuchSharedObjectException.class, () -> c.signal(s1, 1));
    }

    @Test
    void producersAndConsumersOnManyThreads() throws Exception {
        LockObject lock = fx.rlock("r");
        ConditionObject c = condition(lock);
        int consumers = 6;
        AtomicInteger items = new AtomicInteger();
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger waitIds = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> all = new ArrayList<>();
        for (int t = 0; t < consumers; t++) {
            long session = t % 2 == 0 ? s1 : s2;
            long thread = 100 + t;
            all.add(fx.async(() -> {
                start.await();
                assertTrue(lock.acquire(session, thread, waitIds.incrementAndGet(), LONG_WAIT) > 0);
                while (items.get() == 0) {
                    long waitId = waitIds.incrementAndGet();
                    c.awaitBegin(session, thread, waitId);
                    assertEquals(SIGNALLED, awaitToEnd(c, session, thread, waitId));
                    assertEquals(1, lock.holdCount(session, thread));
                }
                items.decrementAndGet();
                consumed.incrementAndGet();
                lock.release(session, thread);
                return null;
            }));
        }
        start.countDown();
        for (int i = 0; i < consumers; i++) {
            assertTrue(lock.acquire(s1, 1, waitIds.incrementAndGet(), LONG_WAIT) > 0);
            items.incrementAndGet();
            c.signal(s1, 1);
            lock.release(s1, 1);
        }
        for (Future<Void> f : all) {
            get(f);
        }
        assertEquals(consumers, consumed.get());
        assertEquals(0, items.get());
        assertFalse(lock.isLocked());
    }
}
