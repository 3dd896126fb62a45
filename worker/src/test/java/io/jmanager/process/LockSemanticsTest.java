package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedCondition;
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

/** Lock, RLock, BoundedSemaphore and JoinableQueue semantics as in Python, with Java's exception types. */
@Timeout(120)
class LockSemanticsTest {
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
        return TestRegistry.uniqueName("sem-" + prefix);
    }

    @Test
    void lockIsNotReentrant() throws Exception {
        SharedLock lock = m.lock(name("lock"));
        long token = lock.lockAndGetToken();
        try {
            assertFalse(lock.tryLock(), "the holder's own tryLock() fails: not reentrant");
            assertFalse(lock.tryLock(Timing.millis(100), TimeUnit.MILLISECONDS));
            assertEquals(1, lock.getHoldCount());
            assertTrue(lock.isHeldByCurrentThread());
            assertEquals(token, lock.currentToken());
        } finally {
            lock.unlock();
        }
        assertFalse(lock.isLocked());
        assertThrows(IllegalMonitorStateException.class, lock::unlock, "a second unlock");
        long next = lock.lockAndGetToken();
        assertTrue(next > token, "fencing tokens increase");
        lock.unlock();
    }

    @Test
    void rlockCountsHoldsPerOwner() throws Exception {
        SharedReentrantLock lock = m.rlock(name("rlock"));
        long token = lock.lockAndGetToken();
        lock.lock();
        assertTrue(lock.tryLock());
        assertTrue(lock.tryLock(Timing.millis(100), TimeUnit.MILLISECONDS));
        assertEquals(4, lock.getHoldCount());
        assertEquals(token, lock.currentToken(), "re-entry keeps the token");
        Background<Boolean> otherThread = Background.start("other-thread", lock::tryLock);
        assertFalse(otherThread.value(BOUND), "another thread of the same worker does not get it");
        Background<Integer> otherCount = Background.start("other-count", lock::getHoldCount);
        assertEquals(0, otherCount.value(BOUND));
        assertFalse(other.rlock(lock.name()).tryLock(), "another worker does not get it");
        for (int i = 3; i >= 1; i--) {
            lock.unlock();
            assertEquals(i, lock.getHoldCount());
            assertTrue(lock.isLocked());
        }
        lock.unlock();
        assertFalse(lock.isLocked());
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
    }

    @Test
    void unlockingALockHeldBySomeoneElseThrowsAndKeepsItLocked() throws Exception {
        String lockName = name("foreign");
        SharedLock lock = m.lock(lockName);
        SharedReentrantLock rlock = m.rlock(name("foreign-r"));
        assertThrows(IllegalMonitorStateException.class, lock::unlock, "not locked at all");
        assertThrows(IllegalMonitorStateException.class, rlock::unlock, "not locked at all");
        lock.lock();
        rlock.lock();
        Background<Void> thief = Background.start("thief", () -> {
            lock.unlock();
            return null;
        });
        thief.failsWith(IllegalMonitorStateException.class, BOUND);
        Background<Void> rthief = Background.start("rthief", () -> {
            rlock.unlock();
            return null;
        });
        rthief.failsWith(IllegalMonitorStateException.class, BOUND);
        // the same thread id in another session is another owner
        assertThrows(IllegalMonitorStateException.class, () -> other.lock(lockName).unlock());
        assertTrue(lock.isHeldByCurrentThread());
        assertTrue(rlock.isHeldByCurrentThread());
        lock.unlock();
        rlock.unlock();
    }

    @Test
    void holdUnlocksOnClose() {
        SharedLock lock = m.lock(name("hold"));
        try (SharedLock.Hold hold = lock.hold()) {
            assertTrue(hold.token() > 0);
            assertTrue(lock.isHeldByCurrentThread());
        }
        assertFalse(lock.isLocked());
    }

    @Test
    void boundedSemaphoreRefusesOverRelease() throws Exception {
        SharedSemaphore s = m.boundedSemaphore(name("bounded"), 2);
        assertTrue(s.isBounded());
        assertThrows(IllegalStateException.class, s::release, "release above the initial value");
        assertEquals(2, s.availablePermits(), "a refused release changes nothing");
        s.acquire();
        s.acquire();
        assertFalse(s.tryAcquire());
        s.release();
        s.release();
        assertThrows(IllegalStateException.class, s::release);
        assertThrows(IllegalStateException.class, () -> other.boundedSemaphore(s.name(), 2).release());
        assertEquals(2, s.availablePermits());
        s.acquire();
        assertThrows(IllegalStateException.class, () -> s.release(2));
        assertEquals(1, s.availablePermits());
        s.release();
    }

    @Test
    void plainSemaphoreMayBeReleasedAboveItsInitialValue() throws Exception {
        SharedSemaphore s = m.semaphore(name("plain"), 1);
        assertFalse(s.isBounded());
        s.release(2);
        assertEquals(3, s.availablePermits());
        assertTrue(s.tryAcquire(3, 0, TimeUnit.SECONDS));
        assertEquals(0, s.availablePermits());
        Background<Void> acquirer = Background.start("acquire-2", () -> {
            s.acquire(2);
            return null;
        });
        acquirer.awaitBlocked();
        other.semaphore(s.name(), 1).release();
        assertEquals(1, s.availablePermits(), "acquire(2) takes no permit while only one is available");
        assertFalse(acquirer.isDone(), "one permit is not enough for acquire(2)");
        other.semaphore(s.name(), 1).release();
        acquirer.value(BOUND);
        assertEquals(0, s.availablePermits());
    }

    @Test
    void queueTaskDoneAndJoinWorkLikePythonsJoinableQueue() throws Exception {
        SharedQueue<Integer> q = m.queue(name("joinable"));
        assertTrue(q.join(0, TimeUnit.SECONDS), "nothing put: join returns at once");
        assertThrows(IllegalStateException.class, q::taskDone, "task_done() called too many times");
        for (int i = 0; i < 3; i++) {
            q.put(i);
        }
        assertEquals(3, q.unfinishedTasks());
        Background<Void> joiner = Background.start("joiner", () -> {
            q.join();
            return null;
        });
        joiner.awaitBlocked();
        SharedQueue<Integer> worker = other.queue(q.name());
        for (int i = 0; i < 3; i++) {
            assertEquals(i, worker.take());
        }
        assertEquals(3, q.unfinishedTasks(), "taking an item does not finish its task");
        worker.taskDone();
        worker.taskDone();
        assertEquals(1, q.unfinishedTasks());
        assertFalse(joiner.isDone(), "join waits for the last task");
        assertFalse(q.join(Timing.millis(100), TimeUnit.MILLISECONDS));
        worker.taskDone();
        joiner.value(BOUND);
        assertEquals(0, q.unfinishedTasks());
        assertThrows(IllegalStateException.class, worker::taskDone, "more taskDone() than items put");
        assertEquals(0, q.unfinishedTasks(), "a refused taskDone changes nothing");
        assertTrue(q.join(0, TimeUnit.SECONDS));
    }

    @Test
    void conditionCallsRequireHoldingItsLock() throws Exception {
        SharedCondition c = m.condition(name("cond"));
        assertThrows(IllegalMonitorStateException.class, c::await);
        assertThrows(IllegalMonitorStateException.class, () -> c.await(10, TimeUnit.MILLISECONDS));
        assertThrows(IllegalMonitorStateException.class, c::signal);
        assertThrows(IllegalMonitorStateException.class, c::signalAll);
        c.lock().lock();
        Background<Void> stranger = Background.start("stranger", () -> {
            c.signal();
            return null;
        });
        stranger.failsWith(IllegalMonitorStateException.class, BOUND);
        c.signal(); // no waiter: nothing happens
        c.lock().unlock();
        assertFalse(c.lock().isLocked());
    }

    /**
     * The signalling pattern of Python's Semaphore: a producer releases one permit per item, a consumer acquires one
     * per item. When the consumer's manager closes, it holds nothing: permits are not owned, and every permit it
     * acquired was paid for by a producer's release.
     */
    @Test
    void closingAConsumerOfASignallingSemaphoreCreatesNoPermits() throws Exception {
        String semName = name("signal");
        SharedSemaphore producer = m.semaphore(semName, 0);
        Manager consumer = registry.connect();
        SharedSemaphore items = consumer.semaphore(semName, 0);
        producer.release(3);
        items.acquire();
        items.acquire();
        items.acquire();
        assertEquals(0, producer.availablePermits());
        consumer.close();
        assertEquals(0, producer.availablePermits(), "permits appeared from nowhere when the consumer closed");
    }

    /** The same with a bounded semaphore used as a pool that another worker refills. */
    @Test
    void closingAWorkerWhosePermitsWereReleasedByAnotherCreatesNoPermits() throws Exception {
        String semName = name("pool");
        SharedSemaphore pool = m.boundedSemaphore(semName, 2);
        Manager taker = registry.connect();
        taker.boundedSemaphore(semName, 2).acquire(2);
        pool.release(2); // another worker gives them back, as permits are not owned
        assertEquals(2, pool.availablePermits());
        assertTrue(pool.tryAcquire(2, 0, TimeUnit.SECONDS));
        taker.close();
        assertEquals(0, pool.availablePermits(), "the closed worker's permits were already given back");
        pool.release(2);
    }
}
