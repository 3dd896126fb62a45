package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedLock;
import io.jmanager.SharedQueue;
import io.jmanager.SharedReentrantLock;
import io.jmanager.SharedSemaphore;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Closing a manager ends its session at once: its locks and permits are released, its waiters end. */
@Timeout(120)
class ManagerCloseTest {
    static final long BOUND = Timing.millis(10_000);

    static TestRegistry registry;
    static Manager survivor;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        survivor = registry.connect();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void closeReleasesTheSessionsLocksAtOnce() throws Exception {
        String lockName = TestRegistry.uniqueName("close-lock");
        String rlockName = TestRegistry.uniqueName("close-rlock");
        String semName = TestRegistry.uniqueName("close-sem");
        // a long lease: only close() can explain a prompt release
        Manager closing = Manager.connect(registry.url(), io.jmanager.ManagerOptions.defaults()
                .withLease(java.time.Duration.ofMinutes(5)));
        SharedLock lock = closing.lock(lockName);
        lock.lock();
        SharedReentrantLock rlock = closing.rlock(rlockName);
        rlock.lock();
        rlock.lock();
        Background<Boolean> otherThread = Background.start("closing-thread", () -> {
            closing.lock(TestRegistry.uniqueName("close-lock2")).lock();
            return true;
        });
        otherThread.value(BOUND);
        SharedSemaphore sem = closing.semaphore(semName, 2);
        sem.acquire(2);

        SharedLock lock2 = survivor.lock(lockName);
        assertFalse(lock2.tryLock());
        SharedSemaphore sem2 = survivor.semaphore(semName, 2);
        assertEquals(0, sem2.availablePermits());
        Background<Boolean> waiting = Background.start("waiting-for-lock", () -> {
            boolean got = lock2.tryLock(BOUND, TimeUnit.MILLISECONDS);
            if (got) {
                lock2.unlock();
            }
            return got;
        });
        waiting.awaitBlocked();

        closing.close();
        assertTrue(waiting.value(Timing.millis(2000)), "a waiter of another manager got the lock promptly");
        assertTrue(survivor.rlock(rlockName).tryLock(), "the rlock's two holds were released");
        assertEquals(0, sem2.availablePermits(), "a clean close gives no permits back: they are not owned, and"
                + " may have been consumed as signals (a worker that dies gives them back; see FailureScenariosTest)");
        assertThrows(IllegalStateException.class, lock::isLocked, "proxies of a closed manager fail");
        closing.close(); // idempotent
        survivor.rlock(rlockName).unlock();
    }

    @Test
    void closeEndsTheManagersOwnBlockedCallsPromptly() throws Exception {
        Manager closing = registry.connect();
        SharedQueue<String> q = closing.queue(TestRegistry.uniqueName("close-q"));
        SharedLock held = survivor.lock(TestRegistry.uniqueName("close-held"));
        held.lock();
        SharedLock lock = closing.lock(held.name());
        Background<String> taker = Background.start("taker", q::take).awaitBlocked();
        Background<Void> locker = Background.<Void>start("locker", () -> {
            lock.lock();
            return null;
        }).awaitBlocked();
        long t0 = System.nanoTime();
        closing.close();
        taker.failsWith(IllegalStateException.class, BOUND);
        locker.failsWith(IllegalStateException.class, BOUND);
        long millis = TimeUnit.NANOSECONDS.toMillis(Math.max(taker.endNanos(), locker.endNanos()) - t0);
        assertTrue(millis <= Timing.millis(2000), "blocked calls ended " + millis + " ms after close()");
        assertTrue(held.isHeldByCurrentThread(), "the other manager's lock is untouched");
        assertEquals(0, survivor.queue(q.name()).size());
        held.unlock();
    }

    /**
     * Threads that keep making timed blocking calls while the manager closes all end, each with the documented
     * {@link IllegalStateException} (never a leaked executor or transport exception).
     */
    @Test
    void closeRacingWithBlockingCallsEndsEveryCallerWithIllegalStateException() throws Exception {
        for (int round = 0; round < 5; round++) {
            Manager closing = registry.connect();
            SharedQueue<String> q = closing.queue(TestRegistry.uniqueName("close-race-q"));
            SharedLock held = survivor.lock(TestRegistry.uniqueName("close-race-lock"));
            held.lock();
            SharedLock lock = closing.lock(held.name());
            java.util.List<Background<Void>> callers = new java.util.ArrayList<>();
            java.util.concurrent.CountDownLatch running = new java.util.concurrent.CountDownLatch(20);
            for (int i = 0; i < 20; i++) {
                int n = i;
                callers.add(Background.start("caller-" + i, () -> {
                    running.countDown();
                    while (true) {
                        if (n % 2 == 0) {
                            q.poll(Timing.millis(3), TimeUnit.MILLISECONDS);
                        } else {
                            lock.tryLock(Timing.millis(3), TimeUnit.MILLISECONDS);
                        }
                    }
                }));
            }
            assertTrue(running.await(BOUND, TimeUnit.MILLISECONDS));
            closing.close();
            for (Background<Void> caller : callers) {
                Throwable t = caller.failure(BOUND);
                if (!(t instanceof IllegalStateException)) {
                    throw new AssertionError(caller.thread.getName() + " ended with " + t + " instead of"
                            + " IllegalStateException", t);
                }
            }
            assertFalse(held.isLocked() && !held.isHeldByCurrentThread());
            held.unlock();
        }
    }

    @Test
    void destroyEndsBlockedCallsWithNoSuchSharedObjectException() throws Exception {
        Manager m = registry.connect();
        SharedQueue<String> q = m.queue(TestRegistry.uniqueName("destroy-q"));
        String lockName = TestRegistry.uniqueName("destroy-lock");
        survivor.lock(lockName).lock();
        SharedLock lock = m.lock(lockName);
        Background<String> taker = Background.start("taker", q::take).awaitBlocked();
        Background<Boolean> locker = Background.start("locker",
                () -> lock.tryLock(BOUND, TimeUnit.MILLISECONDS)).awaitBlocked();
        long t0 = System.nanoTime();
        assertTrue(survivor.destroy(q.name()));
        assertTrue(survivor.destroy(lockName));
        taker.failsWith(io.jmanager.NoSuchSharedObjectException.class, BOUND);
        locker.failsWith(io.jmanager.NoSuchSharedObjectException.class, BOUND);
        long millis = TimeUnit.NANOSECONDS.toMillis(Math.max(taker.endNanos(), locker.endNanos()) - t0);
        assertTrue(millis <= Timing.millis(2000), "blocked calls ended " + millis + " ms after destroy()");
        assertThrows(io.jmanager.NoSuchSharedObjectException.class, q::size);
        assertEquals(0, m.queue(q.name()).size(), "getting it again creates a new queue");
    }

    /**
     * An item offered to a blocked taker while the taker is interrupted and its manager closed is never lost: the
     * taker returns it, or it stays in the queue.
     */
    @Test
    void takeInterruptedWhileItsManagerClosesNeverLosesAnItem() throws Exception {
        String queueName = TestRegistry.uniqueName("close-take-q");
        SharedQueue<Integer> feeder = survivor.queue(queueName);
        int delivered = 0;
        for (int i = 0; i < 40; i++) {
            Manager closing = registry.connect();
            SharedQueue<Integer> q = closing.queue(queueName);
            Background<Integer> taker = Background.start("taker-" + i, q::take).awaitBlocked();
            assertTrue(feeder.offer(i));
            taker.thread.interrupt();
            closing.close();
            if (taker.awaitEnd(BOUND)) {
                assertEquals(i, taker.value(0));
                delivered++;
            } else {
                Throwable t = taker.failure(0);
                assertTrue(t instanceof InterruptedException || t instanceof IllegalStateException, t.toString());
                assertEquals(i, feeder.poll(), "round " + i + ": the item stays queued when the taker gives up ("
                        + t + ")");
            }
            assertEquals(0, feeder.size());
        }
        assertTrue(delivered <= 40);
    }
}
