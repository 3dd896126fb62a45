package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.SharedBarrier;
import io.jmanager.SharedCondition;
import io.jmanager.SharedEvent;
import io.jmanager.SharedLock;
import io.jmanager.SharedQueue;
import io.jmanager.SharedReentrantLock;
import io.jmanager.SharedSemaphore;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Timed waits return after about their timeout (at least the timeout, less than the timeout plus
 * {@code Timing.millis(1500)}) and grant nothing afterwards. Each case runs with a timeout shorter than one wait
 * slice, one longer than the default 1 s slice, and on a manager with 50 ms slices (many slices per wait).
 */
@Timeout(180)
class TimeoutTest {
    static final long SLACK = Timing.millis(1500);

    static TestRegistry registry;
    static Manager m;
    static Manager fineSlices;
    static Manager other;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        m = registry.connect();
        other = registry.connect();
        fineSlices = Manager.connect(registry.url(), ManagerOptions.defaults().withWaitSlice(Duration.ofMillis(50)));
    }

    @AfterAll
    static void stop() {
        fineSlices.close();
        registry.close();
    }

    static Stream<Arguments> budgets() {
        return Stream.of(Arguments.of("default slices", 200L), Arguments.of("default slices", 1100L),
                Arguments.of("50 ms slices", 300L));
    }

    private static Manager manager(String slices) {
        return slices.equals("default slices") ? m : fineSlices;
    }

    private static String name(String prefix) {
        return TestRegistry.uniqueName("timeout-" + prefix);
    }

    /** Runs the timed call, asserts its duration and returns its result. */
    private static <T> T timed(long millis, Callable<T> call) throws Exception {
        long t0 = System.nanoTime();
        T result = call.call();
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(elapsed >= millis, "returned after " + elapsed + " ms, before the timeout of " + millis + " ms");
        assertTrue(elapsed < millis + SLACK, "returned after " + elapsed + " ms, more than " + SLACK
                + " ms past the timeout of " + millis + " ms");
        return result;
    }

    @ParameterizedTest(name = "{0}, {1} ms")
    @MethodSource("budgets")
    void pollTimesOutAndTakesNothingLater(String slices, long millis) throws Exception {
        long t = Timing.millis(millis);
        SharedQueue<String> q = manager(slices).queue(name("poll"));
        assertNull(timed(t, () -> q.poll(t, TimeUnit.MILLISECONDS)));
        assertTrue(other.<String>queue(q.name()).offer("late"));
        assertEquals(1, q.size(), "the timed-out poll took nothing");
        assertEquals("late", q.poll());
    }

    @ParameterizedTest(name = "{0}, {1} ms")
    @MethodSource("budgets")
    void offerOnAFullQueueTimesOutAndAddsNothingLater(String slices, long millis) throws Exception {
        long t = Timing.millis(millis);
        SharedQueue<String> q = manager(slices).queue(name("offer"), 1);
        assertTrue(q.offer("first"));
        assertFalse(timed(t, () -> q.offer("second", t, TimeUnit.MILLISECONDS)));
        assertEquals("first", other.<String>queue(q.name(), 1).poll());
        assertEquals(0, q.size(), "the timed-out offer added nothing");
    }

    @ParameterizedTest(name = "{0}, {1} ms")
    @MethodSource("budgets")
    void tryLockTimesOutAndIsNotGrantedLater(String slices, long millis) throws Exception {
        long t = Timing.millis(millis);
        String lockName = name("lock");
        SharedLock holder = other.lock(lockName);
        SharedLock lock = manager(slices).lock(lockName);
        holder.lock();
        assertFalse(timed(t, () -> lock.tryLock(t, TimeUnit.MILLISECONDS)));
        assertEquals(0, timed(t, () -> lock.tryLockAndGetToken(t, TimeUnit.MILLISECONDS)));
        holder.unlock();
        assertFalse(lock.isLocked(), "the timed-out tryLock was not granted later");
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    @ParameterizedTest(name = "{0}, {1} ms")
    @MethodSource("budgets")
    void tryAcquireTimesOutAndTakesNoPermitLater(String slices, long millis) throws Exception {
        long t = Timing.millis(millis);
        SharedSemaphore s = manager(slices).semaphore(name("sem"), 1);
        assertFalse(timed(t, () -> s.tryAcquire(2, t, TimeUnit.MILLISECONDS)));
        assertTrue(s.tryAcquire());
        assertFalse(timed(t, () -> s.tryAcquire(t, TimeUnit.MILLISECONDS)));
        other.semaphore(s.name(), 1).release();
        assertEquals(1, s.availablePermits(), "the timed-out tryAcquire took no permit later");
    }

    @ParameterizedTest(name = "{0}, {1} ms")
    @MethodSource("budgets")
    void eventAwaitTimesOut(String slices, long millis) throws Exception {
        long t = Timing.millis(millis);
        SharedEvent e = manager(slices).event(name("event"));
        assertFalse(timed(t, () -> e.await(t, TimeUnit.MILLISECONDS)));
        e.set();
        assertTrue(e.await(t, TimeUnit.MILLISECONDS));
    }

    @ParameterizedTest(name = "{0}, {1} ms")
    @MethodSource("budgets")
    void conditionAwaitTimesOutWithTheLockHeldAgainWithItsHoldCount(String slices, long millis) throws Exception {
        long t = Timing.millis(millis);
        Manager mm = manager(slices);
        SharedCondition c = mm.condition(name("cond"));
        SharedReentrantLock lock = (SharedReentrantLock) c.lock();
        lock.lock();
        lock.lock();
        try {
            assertFalse(timed(t, () -> c.await(t, TimeUnit.MILLISECONDS)));
            assertEquals(2, lock.getHoldCount(), "await restored both holds");
            assertFalse(timed(t, () -> c.awaitUntil(() -> false, t, TimeUnit.MILLISECONDS)));
            long left = timed(t, () -> c.awaitNanos(TimeUnit.MILLISECONDS.toNanos(t)));
            assertTrue(left <= 0, "awaitNanos after a timeout returns <= 0, got " + left);
            assertEquals(2, lock.getHoldCount());
        } finally {
            lock.unlock();
            lock.unlock();
        }
        assertFalse(lock.isLocked());
        // a later signal finds nobody: the timed-out waiter left the wait set
        SharedCondition c2 = other.condition(c.name());
        c2.lock().lock();
        c2.signalAll();
        c2.lock().unlock();
        assertFalse(lock.isLocked());
    }

    @ParameterizedTest(name = "{0}, {1} ms")
    @MethodSource("budgets")
    void barrierAwaitTimesOutAndBreaksTheBarrier(String slices, long millis) throws Exception {
        long t = Timing.millis(millis);
        SharedBarrier b = manager(slices).barrier(name("barrier"), 2);
        assertThrows(TimeoutException.class, () -> timed(t, () -> b.await(t, TimeUnit.MILLISECONDS)));
        assertTrue(b.isBroken());
        assertEquals(0, b.getNumberWaiting(), "the timed-out party left");
    }

    @ParameterizedTest(name = "{0}, {1} ms")
    @MethodSource("budgets")
    void joinTimesOut(String slices, long millis) throws Exception {
        long t = Timing.millis(millis);
        SharedQueue<String> q = manager(slices).queue(name("join"));
        q.put("task");
        assertFalse(timed(t, () -> q.join(t, TimeUnit.MILLISECONDS)));
        assertEquals("task", q.take());
        q.taskDone();
        assertTrue(q.join(t, TimeUnit.MILLISECONDS));
    }

    @Test
    void zeroAndNegativeTimeoutsReturnAtOnce() throws Exception {
        SharedQueue<String> q = m.queue(name("zero"));
        SharedLock holder = other.lock(name("zero-lock"));
        SharedLock lock = m.lock(holder.name());
        holder.lock();
        SharedSemaphore s = m.semaphore(name("zero-sem"), 0);
        long t0 = System.nanoTime();
        assertNull(q.poll(0, TimeUnit.MILLISECONDS));
        assertNull(q.poll(-5, TimeUnit.SECONDS));
        assertFalse(lock.tryLock(0, TimeUnit.SECONDS));
        assertFalse(lock.tryLock(-1, TimeUnit.SECONDS));
        assertFalse(s.tryAcquire(0, TimeUnit.SECONDS));
        assertFalse(m.event(name("zero-event")).await(-1, TimeUnit.SECONDS));
        long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(elapsed < Timing.millis(1000), "six non-waiting calls took " + elapsed + " ms");
        holder.unlock();
    }
}
