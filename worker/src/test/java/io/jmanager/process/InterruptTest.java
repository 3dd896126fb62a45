package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedBarrier;
import io.jmanager.SharedCondition;
import io.jmanager.SharedEvent;
import io.jmanager.SharedLock;
import io.jmanager.SharedQueue;
import io.jmanager.SharedSemaphore;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An interrupted blocking call ends promptly with {@link InterruptedException} and leaves no grant behind: what it
 * would have been granted goes to the next waiter, or stays available.
 */
@Timeout(120)
class InterruptTest {
    static final long PROMPT = Timing.millis(2000);
    static final long BOUND = Timing.millis(10_000);

    static TestRegistry registry;
    static Manager m;
    static Manager other;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        m = registry.connect();
        other = registry.connect();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static String name(String prefix) {
        return TestRegistry.uniqueName("interrupt-" + prefix);
    }

    /** Interrupts the blocked call and asserts it throws InterruptedException within {@link #PROMPT}. */
    private static void interruptPromptly(Background<?> call) {
        call.awaitBlocked();
        long t0 = System.nanoTime();
        call.thread.interrupt();
        call.failsWith(InterruptedException.class, BOUND);
        long millis = TimeUnit.NANOSECONDS.toMillis(call.endNanos() - t0);
        assertTrue(millis <= PROMPT, "InterruptedException after " + millis + " ms, expected within " + PROMPT);
        assertFalse(call.interruptedAtEnd(), "the interrupt status is cleared when InterruptedException is thrown");
    }

    @Test
    void interruptedTakeLeavesTheNextItemToTheNextTaker() throws Exception {
        SharedQueue<String> q = m.queue(name("take"));
        Background<String> taker = Background.start("taker", q::take);
        interruptPromptly(taker);
        assertEquals(0, q.size());
        SharedQueue<String> q2 = other.queue(q.name());
        assertTrue(q2.offer("item"));
        assertEquals(1, q.size(), "the interrupted take took nothing after it gave up");
        Background<String> next = Background.start("next-taker", () -> q.poll(BOUND, TimeUnit.MILLISECONDS));
        assertEquals("item", next.value(BOUND));
        assertEquals(0, q.size());
    }

    @Test
    void alreadyInterruptedThreadGetsInterruptedExceptionWithoutTakingAnything() throws Exception {
        SharedQueue<String> q = m.queue(name("pre"));
        q.put("x");
        Background<String> taker = Background.start("pre-interrupted", () -> {
            Thread.currentThread().interrupt();
            return q.take();
        });
        taker.failsWith(InterruptedException.class, BOUND);
        assertEquals(1, q.size(), "nothing taken by a call that was interrupted on entry");
    }

    @Test
    void takeRacingWithOfferAndInterruptNeverLosesAnItem() throws Exception {
        SharedQueue<Integer> q = m.queue(name("race"));
        SharedQueue<Integer> feeder = other.queue(q.name());
        int rounds = 40;
        int received = 0;
        int left = 0;
        for (int i = 0; i < rounds; i++) {
            Background<Integer> taker = Background.start("racer-" + i, q::take);
            taker.awaitBlocked();
            if (i % 2 == 0) {
                assertTrue(feeder.offer(i));
                taker.thread.interrupt();
            } else {
                taker.thread.interrupt();
                assertTrue(feeder.offer(i));
            }
            if (taker.awaitEnd(BOUND)) {
                // granted before or despite the interrupt (then with its interrupt status kept)
                assertEquals(i, taker.value(0));
                received++;
                assertEquals(0, q.size());
            } else {
                taker.failsWith(InterruptedException.class, 0);
                assertEquals(1, q.size(), "round " + i + ": the item stays queued when the take is interrupted");
                assertEquals(i, q.poll());
                left++;
            }
        }
        assertEquals(rounds, received + left);
        assertEquals(0, q.size());
    }

    @Test
    void interruptedLockInterruptiblyLeavesTheLockFreeOnceTheHolderUnlocks() throws Exception {
        String lockName = name("lock");
        SharedLock holderLock = other.lock(lockName);
        SharedLock lock = m.lock(lockName);
        holderLock.lock();
        Background<Void> waiter = Background.start("lock-waiter", () -> {
            lock.lockInterruptibly();
            return null;
        });
        interruptPromptly(waiter);
        holderLock.unlock();
        assertFalse(lock.isLocked(), "the interrupted waiter was not granted the lock");
        Background<Boolean> third = Background.start("third", () -> {
            boolean got = lock.tryLock();
            if (got) {
                lock.unlock();
            }
            return got;
        });
        assertTrue(third.value(BOUND), "another thread gets the lock at once");
    }

    @Test
    void lockInterruptiblyRacingWithUnlockAndInterruptNeverStrandsTheLock() throws Exception {
        String lockName = name("lock-race");
        SharedLock holder = other.lock(lockName);
        SharedLock lock = m.lock(lockName);
        for (int i = 0; i < 30; i++) {
            holder.lock();
            Background<Void> waiter = Background.start("lock-racer-" + i, () -> {
                lock.lockInterruptibly();
                try {
                    assertTrue(lock.isHeldByCurrentThread());
                } finally {
                    lock.unlock();
                }
                return null;
            });
            waiter.awaitBlocked();
            if (i % 2 == 0) {
                holder.unlock();
                waiter.thread.interrupt();
            } else {
                waiter.thread.interrupt();
                holder.unlock();
            }
            if (!waiter.awaitEnd(BOUND)) {
                waiter.failsWith(InterruptedException.class, 0);
            }
            assertFalse(lock.isLocked(), "round " + i + ": the lock is free after the waiter ended");
        }
    }

    @Test
    void interruptedSemaphoreAcquireTakesNoPermit() throws Exception {
        SharedSemaphore s = m.semaphore(name("sem"), 0);
        Background<Void> waiter = Background.start("acquirer", () -> {
            s.acquire();
            return null;
        });
        interruptPromptly(waiter);
        other.semaphore(s.name(), 0).release();
        assertEquals(1, s.availablePermits(), "the released permit stays available");
        assertTrue(s.tryAcquire());
        assertEquals(0, s.availablePermits());
    }

    @Test
    void interruptedEventAwaitEndsPromptlyAndTheEventStillWorks() throws Exception {
        SharedEvent e = m.event(name("event"));
        Background<Void> waiter = Background.start("event-waiter", () -> {
            e.await();
            return null;
        });
        interruptPromptly(waiter);
        assertFalse(e.isSet());
        Background<Boolean> next = Background.start("event-waiter-2", () -> e.await(BOUND, TimeUnit.MILLISECONDS));
        next.awaitBlocked();
        other.event(e.name()).set();
        assertTrue(next.value(BOUND));
    }

    @Test
    void interruptedBarrierAwaitBreaksTheBarrierForTheOthers() throws Exception {
        SharedBarrier b = m.barrier(name("barrier"), 3);
        SharedBarrier b2 = other.barrier(b.name(), 3);
        Background<Integer> party = Background.start("party", b2::await);
        party.awaitBlocked();
        Background<Integer> interrupted = Background.start("interrupted-party", b::await);
        interruptPromptly(interrupted);
        party.failsWith(BrokenBarrierException.class, BOUND);
        assertTrue(b.isBroken());
        assertEquals(0, b.getNumberWaiting());
        b.reset();
        assertFalse(b.isBroken());
    }

    @Test
    void interruptedConditionAwaitHoldsTheLockAgainAndTheSignalGoesToTheNextWaiter() throws Exception {
        String lockName = name("cond-lock");
        SharedCondition c = m.condition(name("cond"), lockName);
        SharedLock lock = c.lock();
        Background<Boolean> waiter = Background.start("cond-waiter", () -> {
            lock.lock();
            try {
                c.await();
                return false;
            } catch (InterruptedException e) {
                boolean held = lock.isHeldByCurrentThread();
                throw new InterruptedException("held=" + held);
            } finally {
                lock.unlock();
            }
        });
        interruptPromptly(waiter);
        assertEquals("held=true", waiter.failure(0).getMessage(), "await holds the lock again when it throws");
        assertFalse(lock.isLocked());
        // the interrupted waiter left the wait set: one signal wakes the next waiter
        Background<Boolean> next = Background.start("cond-waiter-2", () -> {
            lock.lock();
            try {
                return c.await(BOUND, TimeUnit.MILLISECONDS);
            } finally {
                lock.unlock();
            }
        });
        next.awaitBlocked();
        lock.lock();
        c.signal();
        lock.unlock();
        assertTrue(next.value(BOUND), "the signal reached the remaining waiter");
    }

    /**
     * A waiter signalled and then interrupted before it holds the lock again: like {@code AbstractQueuedSynchronizer}
     * it either returns normally (keeping the interrupt status) or throws and passes the signal on; either way the
     * signal is not lost for the other waiter.
     */
    @Test
    void interruptAfterSignalDoesNotLoseTheSignal() throws Exception {
        String lockName = name("cond2-lock");
        SharedCondition c = m.condition(name("cond2"), lockName);
        SharedLock lock = c.lock();
        Background<Boolean> first = Background.start("first", () -> {
            lock.lock();
            try {
                c.await();
                return true;
            } finally {
                lock.unlock();
            }
        });
        first.awaitBlocked();
        Background<Boolean> second = Background.start("second", () -> {
            lock.lock();
            try {
                return c.await(BOUND, TimeUnit.MILLISECONDS);
            } finally {
                lock.unlock();
            }
        });
        second.awaitBlocked();
        lock.lock();
        try {
            c.signal(); // FIFO: reaches the first waiter, which cannot hold the lock again before we unlock
            first.thread.interrupt();
            // the interrupted waiter is now waiting for the lock we hold (or has given up)
            Background.awaitTrue(() -> first.isBlockedInSlice() || first.isDone(), BOUND, () -> "first stuck");
        } finally {
            lock.unlock();
        }
        if (first.awaitEnd(BOUND)) {
            assertTrue(first.interruptedAtEnd(), "returned normally after the signal, with its interrupt status");
            // the signal was consumed by the first waiter: the second times out or is signalled again
            lock.lock();
            c.signal();
            lock.unlock();
        } else {
            first.failsWith(InterruptedException.class, 0);
        }
        assertTrue(second.value(BOUND), "the second waiter was signalled (no signal lost)");
    }

    @Test
    void interruptedJoinEndsPromptly() throws Exception {
        SharedQueue<String> q = m.queue(name("join"));
        q.put("task");
        Background<Void> joiner = Background.start("joiner", () -> {
            q.join();
            return null;
        });
        interruptPromptly(joiner);
        assertEquals(1, q.unfinishedTasks());
    }

    @Test
    void interruptedPutOnAFullQueueAddsNothing() throws Exception {
        SharedQueue<String> q = m.queue(name("put"), 1);
        q.put("first");
        Background<Void> putter = Background.start("putter", () -> {
            q.put("second");
            return null;
        });
        interruptPromptly(putter);
        assertEquals("first", q.poll());
        assertNull(q.poll(), "the interrupted put added nothing");
        assertThrows(IllegalStateException.class, () -> {
            q.add("a");
            q.add("b");
        });
    }

    @Test
    void lockIsNotInterruptibleButKeepsTheInterruptStatus() throws Exception {
        String lockName = name("uninterruptible");
        SharedLock holder = other.lock(lockName);
        SharedLock lock = m.lock(lockName);
        holder.lock();
        Background<Boolean> waiter = Background.start("uninterruptible", () -> {
            lock.lock();
            try {
                return lock.isHeldByCurrentThread();
            } finally {
                lock.unlock();
            }
        });
        waiter.awaitBlocked();
        waiter.thread.interrupt();
        // still waiting for the lock, in a later slice
        Background.awaitTrue(() -> waiter.isBlockedInSlice() && !waiter.thread.isInterrupted() || waiter.isDone(),
                BOUND, () -> "the waiter is not waiting again");
        assertFalse(waiter.isDone(), "lock() ignored the interrupt");
        assertTrue(holder.isHeldByCurrentThread());
        holder.unlock();
        assertTrue(waiter.value(BOUND));
        assertTrue(waiter.interruptedAtEnd(), "lock() keeps the interrupt status");
        assertFalse(lock.isLocked());
    }

    @Test
    void acquireRacingWithReleaseAndInterruptNeverLosesAPermit() throws Exception {
        SharedSemaphore s = m.semaphore(name("sem-race"), 0);
        SharedSemaphore releaser = other.semaphore(s.name(), 0);
        int acquired = 0;
        for (int i = 0; i < 30; i++) {
            Background<Void> waiter = Background.start("sem-racer-" + i, () -> {
                s.acquire();
                return null;
            });
            waiter.awaitBlocked();
            if (i % 2 == 0) {
                releaser.release();
                waiter.thread.interrupt();
            } else {
                waiter.thread.interrupt();
                releaser.release();
            }
            if (waiter.awaitEnd(BOUND)) {
                acquired++;
                assertEquals(0, s.availablePermits(), "round " + i + ": the permit went to the waiter");
            } else {
                waiter.failsWith(InterruptedException.class, 0);
                assertEquals(1, s.availablePermits(), "round " + i + ": the permit stays available");
                assertTrue(s.tryAcquire());
            }
        }
        assertEquals(0, s.availablePermits());
        assertTrue(acquired <= 30);
    }

    @Test
    void awaitUninterruptiblyKeepsWaitingAndTheInterruptStatus() throws Exception {
        SharedCondition c = m.condition(name("uninterruptible-cond"));
        SharedLock lock = c.lock();
        Background<Boolean> waiter = Background.start("await-uninterruptibly", () -> {
            lock.lock();
            try {
                c.awaitUninterruptibly();
                return lock.isHeldByCurrentThread();
            } finally {
                lock.unlock();
            }
        });
        waiter.awaitBlocked();
        waiter.thread.interrupt();
        Background.awaitTrue(() -> waiter.isBlockedInSlice() && !waiter.thread.isInterrupted() || waiter.isDone(),
                BOUND, () -> "the waiter is not waiting again");
        assertFalse(waiter.isDone(), "awaitUninterruptibly ignored the interrupt");
        SharedCondition c2 = other.condition(c.name());
        c2.lock().lock();
        c2.signal();
        c2.lock().unlock();
        assertTrue(waiter.value(BOUND));
        assertTrue(waiter.interruptedAtEnd());
    }
}
