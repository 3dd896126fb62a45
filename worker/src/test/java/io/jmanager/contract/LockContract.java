package io.jmanager.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmanager.Timing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Lock} contract, run against {@link java.util.concurrent.locks.ReentrantLock} (the reference) and our
 * shared locks. Reentrant locks run the re-entry tests; non-reentrant ones run their inversions (a second
 * acquisition by the owner blocks or fails), and each kind skips the other's. Threads synchronise with latches and
 * barriers; every wait is bounded by {@link Timing}, and the only timed waits are the ones a test is about (a
 * timeout expiring, an acquisition that must not happen).
 */
abstract class LockContract {
    /** A fresh, free lock. */
    protected abstract Lock newLock();

    /** Whether the owner may acquire the lock again (and must release it as often). */
    protected abstract boolean isReentrant();

    /** How many holds the calling thread has on {@code lock}. */
    protected abstract int holdCount(Lock lock);

    /**
     * Ends the wait of {@code owner}, a thread that holds the non-reentrant {@code lock} and is blocked in a second,
     * uninterruptible {@code lock()} on it; {@code owner} may end with any exception. Called only when
     * {@link #isReentrant()} is false.
     */
    protected abstract void unblockOwner(Lock lock, Thread owner);

    private static final long BOUND_MS = 5000;
    private static final int THREADS = 8;
    private static final int INCREMENTS = 500;

    private final List<Thread> threads = new ArrayList<>();

    /** Guarded by the lock under test in {@link #mutualExclusionUnderContention()}; deliberately plain. */
    private int counter;

    @AfterEach
    void stopThreads() throws InterruptedException {
        List<Thread> started;
        synchronized (threads) {
            started = new ArrayList<>(threads);
        }
        for (Thread t : started) {
            t.interrupt();
        }
        for (Thread t : started) {
            t.join(Timing.millis(BOUND_MS));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // lock / unlock / tryLock

    @Test
    void lockThenUnlockFreesTheLock() throws Exception {
        Lock lock = newLock();
        lock.lock();
        assertEquals(1, holdCount(lock));
        assertFalse(tryLockInAnotherThread(lock), "another thread acquired a held lock");
        lock.unlock();
        assertEquals(0, holdCount(lock));
        assertTrue(tryLockInAnotherThread(lock), "the lock is not free after unlock");
        lock.lock();
        lock.unlock();
    }

    @Test
    void tryLockWhenFreeAcquires() throws Exception {
        Lock lock = newLock();
        assertTrue(lock.tryLock());
        assertFalse(tryLockInAnotherThread(lock));
        lock.unlock();
        assertTrue(lock.tryLock(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS));
        lock.unlock();
        assertTrue(tryLockInAnotherThread(lock));
    }

    @Test
    void tryLockWhenHeldByAnotherThreadFails() throws Exception {
        Lock lock = newLock();
        Holder holder = new Holder(lock);
        assertFalse(lock.tryLock());
        assertFalse(lock.tryLock(0, TimeUnit.MILLISECONDS));
        assertEquals(0, holdCount(lock));
        holder.release();
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    @Test
    void tryLockWithTimeoutExpiresWhileHeld() throws Exception {
        Lock lock = newLock();
        Holder holder = new Holder(lock);
        long timeoutMs = Timing.millis(200);
        long start = System.nanoTime();
        assertFalse(lock.tryLock(timeoutMs, TimeUnit.MILLISECONDS));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs >= timeoutMs, "tryLock gave up after " + elapsedMs + " ms, before its timeout");
        assertTrue(elapsedMs < timeoutMs + Timing.millis(2000), "tryLock took " + elapsedMs + " ms");
        assertEquals(0, holdCount(lock));
        holder.release();
        assertTrue(tryLockInAnotherThread(lock));
    }

    @Test
    void tryLockWithTimeoutAcquiresWhenReleasedMeanwhile() throws Exception {
        Lock lock = newLock();
        Holder holder = new Holder(lock);
        Forked<Boolean> waiter = fork("waiter", () -> {
            boolean acquired = lock.tryLock(Timing.millis(30_000), TimeUnit.MILLISECONDS);
            if (acquired) {
                lock.unlock();
            }
            return acquired;
        });
        awaitBlocked(waiter.thread);
        holder.release();
        assertTrue(waiter.get(), "tryLock(timeout) did not get the lock released during its wait");
    }

    @Test
    void unlockByNonOwnerThreadThrows() throws Exception {
        Lock lock = newLock();
        Holder holder = new Holder(lock);
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        assertFalse(tryLockInAnotherThread(lock), "a failed unlock by a non-owner released the lock");
        holder.release();
        assertTrue(tryLockInAnotherThread(lock));
    }

    @Test
    void unlockWhenFreeThrows() {
        Lock lock = newLock();
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        lock.lock();
        lock.unlock();
        assertThrows(IllegalMonitorStateException.class, lock::unlock, "a second unlock after one lock");
    }

    // ------------------------------------------------------------------------------------------------------------
    // interrupts

    @Test
    void lockInterruptiblyAnswersInterruptPromptly() throws Exception {
        assertInterruptedWhileWaiting(lock -> {
            lock.lockInterruptibly();
            return true;
        });
    }

    @Test
    void tryLockWithTimeoutAnswersInterruptPromptly() throws Exception {
        assertInterruptedWhileWaiting(lock -> lock.tryLock(Timing.millis(60_000), TimeUnit.MILLISECONDS));
    }

    @Test
    void interruptibleAcquisitionsThrowWhenAlreadyInterrupted() throws Exception {
        Lock lock = newLock();
        Forked<List<Throwable>> caller = fork("pre-interrupted", () -> {
            List<Throwable> thrown = new ArrayList<>();
            Thread.currentThread().interrupt();
            thrown.add(caught(() -> {
                lock.lockInterruptibly();
                return null;
            }));
            Thread.currentThread().interrupt();
            thrown.add(caught(() -> lock.tryLock(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS)));
            return thrown;
        });
        List<Throwable> thrown = caller.get();
        assertInstanceOf(InterruptedException.class, thrown.get(0), "lockInterruptibly with the interrupt set");
        assertInstanceOf(InterruptedException.class, thrown.get(1), "tryLock(timeout) with the interrupt set");
        assertTrue(tryLockInAnotherThread(lock), "an interrupted acquisition left the lock held");
    }

    @Test
    void lockIgnoresInterruptAndKeepsTheStatus() throws Exception {
        Lock lock = newLock();
        Holder holder = new Holder(lock);
        Forked<Boolean> waiter = fork("uninterruptible", () -> {
            lock.lock();
            try {
                return Thread.currentThread().isInterrupted();
            } finally {
                lock.unlock();
            }
        });
        awaitBlocked(waiter.thread);
        waiter.thread.interrupt();
        try {
            waiter.task.get(Timing.millis(100), TimeUnit.MILLISECONDS);
            fail("lock() returned (or threw) on an interrupt while another thread held the lock");
        } catch (TimeoutException expected) {
            // still waiting, as lock() must
        }
        holder.release();
        assertTrue(waiter.get(), "lock() acquired but lost the interrupt status");
        assertTrue(tryLockInAnotherThread(lock));
    }

    @Test
    void lockAndTryLockAcquireWhenAlreadyInterrupted() throws Exception {
        Lock lock = newLock();
        Forked<boolean[]> caller = fork("pre-interrupted", () -> {
            Thread.currentThread().interrupt();
            lock.lock();
            lock.unlock();
            boolean keptAfterLock = Thread.currentThread().isInterrupted();
            boolean tryLocked = lock.tryLock();
            if (tryLocked) {
                lock.unlock();
            }
            return new boolean[] {keptAfterLock, tryLocked, Thread.interrupted()};
        });
        boolean[] outcome = caller.get();
        assertTrue(outcome[0], "lock() cleared the interrupt status");
        assertTrue(outcome[1], "tryLock() of a free lock failed for an interrupted thread");
        assertTrue(outcome[2], "tryLock() cleared the interrupt status");
        assertTrue(tryLockInAnotherThread(lock));
    }

    @FunctionalInterface
    private interface Acquisition {
        boolean acquire(Lock lock) throws InterruptedException;
    }

    /**
     * Another thread holds the lock; a waiter blocks in {@code acquisition}; interrupting it must give
     * {@link InterruptedException} promptly, without the lock, so that once the holder unlocks a third thread gets
     * it at once.
     */
    private void assertInterruptedWhileWaiting(Acquisition acquisition) throws Exception {
        Lock lock = newLock();
        Holder holder = new Holder(lock);
        Forked<long[]> waiter = fork("waiter", () -> {
            try {
                boolean acquired = acquisition.acquire(lock);
                fail("the acquisition returned " + acquired + " instead of throwing InterruptedException");
                return null;
            } catch (InterruptedException e) {
                // {when the exception arrived, holds of the waiter afterwards}
                return new long[] {System.nanoTime(), holdCount(lock)};
            }
        });
        awaitBlocked(waiter.thread);
        long interruptedAt = System.nanoTime();
        waiter.thread.interrupt();
        long[] outcome = waiter.get();
        long latencyMs = TimeUnit.NANOSECONDS.toMillis(outcome[0] - interruptedAt);
        assertTrue(latencyMs < Timing.millis(2000), "InterruptedException came " + latencyMs + " ms after the"
                + " interrupt");
        assertEquals(0, outcome[1], "the interrupted waiter holds the lock");
        holder.release();
        assertTrue(tryLockInAnotherThread(lock), "the lock is not free after the holder unlocked: the interrupted"
                + " waiter got it");
    }

    // ------------------------------------------------------------------------------------------------------------
    // mutual exclusion

    @Test
    void mutualExclusionUnderContention() throws Exception {
        Lock lock = newLock();
        counter = 0;
        CyclicBarrier start = new CyclicBarrier(THREADS);
        List<Forked<Void>> workers = new ArrayList<>();
        for (int i = 0; i < THREADS; i++) {
            workers.add(fork("incrementer-" + i, () -> {
                start.await(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS);
                for (int n = 0; n < INCREMENTS; n++) {
                    lock.lock();
                    try {
                        counter++;
                    } finally {
                        lock.unlock();
                    }
                }
                return null;
            }));
        }
        for (Forked<Void> worker : workers) {
            worker.get(Timing.millis(60_000));
        }
        lock.lock();
        try {
            assertEquals(THREADS * INCREMENTS, counter, "increments were lost: the lock did not exclude");
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // conditions

    @Test
    void conditionAwaitSignalRoundTrip() throws Exception {
        Lock lock = newLock();
        Condition condition = lock.newCondition();
        CountDownLatch waiterHoldsLock = new CountDownLatch(1);
        boolean[] ready = {false}; // guarded by the lock
        Forked<Integer> waiter = fork("awaiter", () -> {
            lock.lock();
            try {
                waiterHoldsLock.countDown();
                while (!ready[0]) {
                    condition.await();
                }
                return holdCount(lock);
            } finally {
                lock.unlock();
            }
        });
        await(waiterHoldsLock);
        // the waiter releases the lock only by awaiting, so getting it here proves await released it
        assertTrue(lock.tryLock(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS), "await did not release the lock");
        try {
            ready[0] = true;
            condition.signal();
        } finally {
            lock.unlock();
        }
        assertEquals(1, waiter.get(), "the signalled waiter does not hold the lock once after await");
        assertTrue(tryLockInAnotherThread(lock));
    }

    @Test
    void conditionSignalAllWakesEveryWaiter() throws Exception {
        Lock lock = newLock();
        Condition condition = lock.newCondition();
        int waiters = 3;
        CountDownLatch waitersHoldLock = new CountDownLatch(waiters);
        boolean[] ready = {false}; // guarded by the lock
        List<Forked<Integer>> forked = new ArrayList<>();
        for (int i = 0; i < waiters; i++) {
            forked.add(fork("awaiter-" + i, () -> {
                lock.lock();
                try {
                    waitersHoldLock.countDown();
                    while (!ready[0]) {
                        condition.await();
                    }
                    return holdCount(lock);
                } finally {
                    lock.unlock();
                }
            }));
        }
        await(waitersHoldLock);
        // each waiter counted down holding the lock and releases it only by awaiting: all are in await now
        assertTrue(lock.tryLock(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS), "await did not release the lock");
        try {
            ready[0] = true;
            condition.signalAll();
        } finally {
            lock.unlock();
        }
        for (Forked<Integer> waiter : forked) {
            assertEquals(1, waiter.get(), "a waiter woken by signalAll does not hold the lock");
        }
        assertTrue(tryLockInAnotherThread(lock));
    }

    @Test
    void conditionAwaitAnswersInterruptHoldingTheLockAgain() throws Exception {
        Lock lock = newLock();
        Condition condition = lock.newCondition();
        CountDownLatch waiterHoldsLock = new CountDownLatch(1);
        Forked<Integer> waiter = fork("awaiter", () -> {
            lock.lock();
            try {
                waiterHoldsLock.countDown();
                while (true) {
                    condition.await();
                }
            } catch (InterruptedException e) {
                return holdCount(lock);
            } finally {
                lock.unlock(); // IllegalMonitorStateException here if await threw without the lock
            }
        });
        await(waiterHoldsLock);
        assertTrue(lock.tryLock(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS), "await did not release the lock");
        try {
            waiter.thread.interrupt();
            // the interrupted waiter cannot leave await before it holds the lock again, which this thread holds
            assertFalse(tryLockInAnotherThread(lock));
        } finally {
            lock.unlock();
        }
        assertEquals(1, waiter.get(), "await threw InterruptedException without holding the lock again");
        assertTrue(tryLockInAnotherThread(lock));
    }

    @Test
    void conditionAwaitNanosAndAwaitUntilTimeOut() throws Exception {
        Lock lock = newLock();
        Condition condition = lock.newCondition();
        long timeoutMs = Timing.millis(50);
        lock.lock();
        try {
            assertTrue(condition.awaitNanos(TimeUnit.MILLISECONDS.toNanos(timeoutMs)) <= 0,
                    "awaitNanos timed out with time left");
            assertEquals(1, holdCount(lock));
            assertFalse(condition.awaitUntil(new java.util.Date(System.currentTimeMillis() + timeoutMs)),
                    "awaitUntil signalled without a signal");
            assertEquals(1, holdCount(lock));
        } finally {
            lock.unlock();
        }
        assertTrue(tryLockInAnotherThread(lock));
    }

    @Test
    void conditionRequiresHoldingTheLock() throws Exception {
        Lock lock = newLock();
        Condition condition = lock.newCondition();
        assertThrows(IllegalMonitorStateException.class, condition::await);
        assertThrows(IllegalMonitorStateException.class,
                () -> condition.await(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS));
        assertThrows(IllegalMonitorStateException.class, condition::signal);
        assertThrows(IllegalMonitorStateException.class, condition::signalAll);
        Holder holder = new Holder(lock);
        assertThrows(IllegalMonitorStateException.class, condition::await, "await while another thread holds it");
        assertThrows(IllegalMonitorStateException.class, condition::signal, "signal while another thread holds it");
        holder.release();
        assertTrue(tryLockInAnotherThread(lock), "a refused await or signal changed the lock");
    }

    @Test
    void conditionAwaitWithTimeoutReturnsFalseHoldingTheLockAgain() throws Exception {
        Lock lock = newLock();
        Condition condition = lock.newCondition();
        long timeoutMs = Timing.millis(100);
        lock.lock();
        try {
            long start = System.nanoTime();
            assertFalse(condition.await(timeoutMs, TimeUnit.MILLISECONDS), "await signalled without a signal");
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(elapsedMs >= timeoutMs, "await gave up after " + elapsedMs + " ms, before its timeout");
            assertEquals(1, holdCount(lock), "await returned without holding the lock again");
            assertFalse(tryLockInAnotherThread(lock), "another thread acquired the lock after await returned");
        } finally {
            lock.unlock();
        }
        assertTrue(tryLockInAnotherThread(lock));
    }

    // ------------------------------------------------------------------------------------------------------------
    // reentrancy (reentrant locks)

    @Test
    void reentrantHoldCounts() throws Exception {
        assumeTrue(isReentrant(), "re-entry by the owner: reentrant locks only");
        Lock lock = newLock();
        lock.lock();
        lock.lock();
        assertEquals(2, holdCount(lock));
        assertTrue(lock.tryLock(), "tryLock by the owner");
        assertTrue(lock.tryLock(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS), "tryLock(timeout) by the owner");
        lock.lockInterruptibly();
        assertEquals(5, holdCount(lock));
        for (int holds = 4; holds >= 1; holds--) {
            lock.unlock();
            assertEquals(holds, holdCount(lock));
            assertFalse(tryLockInAnotherThread(lock), "free with " + holds + " holds left");
        }
        lock.unlock();
        assertEquals(0, holdCount(lock));
        assertTrue(tryLockInAnotherThread(lock), "not free after the last unlock");
        assertThrows(IllegalMonitorStateException.class, lock::unlock, "one unlock more than locks");
    }

    @Test
    void reentrantConditionAwaitReleasesAllHoldsAndRestoresThem() throws Exception {
        assumeTrue(isReentrant(), "re-entry by the owner: reentrant locks only");
        Lock lock = newLock();
        Condition condition = lock.newCondition();
        CountDownLatch waiterHoldsLock = new CountDownLatch(1);
        boolean[] ready = {false}; // guarded by the lock
        Forked<Integer> waiter = fork("awaiter", () -> {
            lock.lock();
            lock.lock();
            try {
                waiterHoldsLock.countDown();
                while (!ready[0]) {
                    condition.await();
                }
                return holdCount(lock);
            } finally {
                lock.unlock();
                lock.unlock();
            }
        });
        await(waiterHoldsLock);
        assertTrue(lock.tryLock(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS), "await kept some of 2 holds");
        try {
            ready[0] = true;
            condition.signalAll();
        } finally {
            lock.unlock();
        }
        assertEquals(2, waiter.get(), "await did not restore the hold count");
        assertTrue(tryLockInAnotherThread(lock));
    }

    // ------------------------------------------------------------------------------------------------------------
    // no reentrancy (non-reentrant locks): the same acquisitions by the owner block or fail

    @Test
    void nonReentrantSecondLockByOwnerBlocks() throws Exception {
        assumeFalse(isReentrant(), "non-reentrant locks only");
        Lock lock = newLock();
        CountDownLatch ownerHoldsLock = new CountDownLatch(1);
        Forked<Boolean> owner = fork("owner", () -> {
            lock.lock();
            ownerHoldsLock.countDown();
            lock.lock(); // must block: only unblockOwner ends it
            return true;
        });
        await(ownerHoldsLock);
        awaitBlocked(owner.thread);
        try {
            owner.task.get(Timing.millis(300), TimeUnit.MILLISECONDS);
            fail("a second lock() by the owner of a non-reentrant lock returned");
        } catch (TimeoutException expected) {
            // still blocked, as it must be
        } finally {
            unblockOwner(lock, owner.thread);
        }
        owner.thread.join(Timing.millis(BOUND_MS));
        assertFalse(owner.thread.isAlive(), "unblockOwner did not end the blocked owner");
    }

    @Test
    void nonReentrantTryLockByOwnerFails() throws Exception {
        assumeFalse(isReentrant(), "non-reentrant locks only");
        Lock lock = newLock();
        lock.lock();
        assertFalse(lock.tryLock(), "tryLock by the owner of a non-reentrant lock");
        assertEquals(1, holdCount(lock));
        lock.unlock();
        assertThrows(IllegalMonitorStateException.class, lock::unlock, "the failed tryLock added a hold");
        assertTrue(tryLockInAnotherThread(lock));
    }

    @Test
    void nonReentrantTryLockWithTimeoutByOwnerFailsAfterTheTimeout() throws Exception {
        assumeFalse(isReentrant(), "non-reentrant locks only");
        Lock lock = newLock();
        lock.lock();
        long timeoutMs = Timing.millis(200);
        long start = System.nanoTime();
        assertFalse(lock.tryLock(timeoutMs, TimeUnit.MILLISECONDS), "tryLock(timeout) by the owner");
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(elapsedMs >= timeoutMs, "tryLock gave up after " + elapsedMs + " ms, before its timeout");
        assertEquals(1, holdCount(lock));
        lock.unlock();
        assertThrows(IllegalMonitorStateException.class, lock::unlock, "the failed tryLock added a hold");
        assertTrue(tryLockInAnotherThread(lock));
    }

    // ------------------------------------------------------------------------------------------------------------
    // helpers

    /** Whether another (new) thread gets the lock with {@code tryLock()} at once; it unlocks again if so. */
    private boolean tryLockInAnotherThread(Lock lock) throws Exception {
        return fork("try-lock", () -> {
            if (!lock.tryLock()) {
                return false;
            }
            lock.unlock();
            return true;
        }).get();
    }

    /** Another thread holding the lock until {@link #release()}. */
    private final class Holder {
        private final CountDownLatch acquired = new CountDownLatch(1);
        private final CountDownLatch release = new CountDownLatch(1);
        private final Forked<Void> task;

        Holder(Lock lock) throws InterruptedException {
            task = fork("holder", () -> {
                lock.lock();
                try {
                    acquired.countDown();
                    release.await();
                } finally {
                    lock.unlock();
                }
                return null;
            });
            await(acquired);
        }

        /** Unlocks in the holder's thread and waits until it has. */
        void release() throws Exception {
            release.countDown();
            task.get();
        }
    }

    /** A task on its own daemon thread (lock ownership is per thread, so no pool). */
    private static final class Forked<T> {
        final FutureTask<T> task;
        final Thread thread;

        Forked(FutureTask<T> task, Thread thread) {
            this.task = task;
            this.thread = thread;
        }

        T get() throws Exception {
            return get(Timing.millis(BOUND_MS));
        }

        T get(long timeoutMs) throws Exception {
            try {
                return task.get(timeoutMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("thread " + thread.getName() + " did not finish within " + timeoutMs
                        + " ms; it is " + thread.getState(), e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception cause) {
                    throw cause;
                }
                throw (Error) e.getCause();
            }
        }
    }

    private <T> Forked<T> fork(String name, Callable<T> body) {
        FutureTask<T> task = new FutureTask<>(body);
        Thread thread = new Thread(task, "lock-contract-" + name);
        thread.setDaemon(true);
        synchronized (threads) {
            threads.add(thread);
        }
        thread.start();
        return new Forked<>(task, thread);
    }

    /** Waits until {@code thread} is parked or blocked (inside the acquisition under test), bounded. */
    private static void awaitBlocked(Thread thread) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(BOUND_MS));
        while (true) {
            Thread.State state = thread.getState();
            if (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING
                    || state == Thread.State.BLOCKED) {
                return;
            }
            if (state == Thread.State.TERMINATED) {
                fail("thread " + thread.getName() + " ended instead of blocking");
            }
            if (System.nanoTime() - deadline > 0) {
                fail("thread " + thread.getName() + " did not block within " + Timing.millis(BOUND_MS) + " ms");
            }
            LockSupport.parkNanos(100_000);
        }
    }

    private static void await(CountDownLatch latch) throws InterruptedException {
        assertTrue(latch.await(Timing.millis(BOUND_MS), TimeUnit.MILLISECONDS), "a thread did not get that far");
    }

    private static Throwable caught(Callable<?> call) {
        try {
            call.call();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }
}
