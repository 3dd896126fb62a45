package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.SharedCondition;
import io.jmanager.SharedLock;
import io.jmanager.Timing;
import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.ShmTestAreas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@link SharedLock} contract of shared-memory locks between processes: the owner is a thread of a process, so
 * another process can neither unlock nor take it; timed tries time out; an interrupted waiter stops waiting at once;
 * fencing tokens increase with every grant, whichever process gets it; a condition signalled in one process wakes
 * the waiters of others.
 */
@Timeout(300)
class ShmLockSemanticsProcessTest {
    static final Duration START = Timing.seconds(20);
    static final Duration FINISH = Timing.seconds(60);
    /** A bound for "promptly": the lock's waiters park at most 1 ms between looks. */
    static final long PROMPT_MILLIS = Timing.millis(1_000);

    @RegisterExtension
    final ShmTestAreas areas = new ShmTestAreas();

    private WorkerProcess worker(String area, Object... modeAndArgs) {
        List<Object> args = new ArrayList<>(List.of(areas.directory(), area));
        args.addAll(List.of(modeAndArgs));
        return WorkerProcess.start(ShmWorker.class, args.toArray());
    }

    @Test
    void anotherProcessOrThreadCanNeitherUnlockNorTakeALockThisThreadHolds() throws Exception {
        long timeout = Timing.millis(300);
        try (SharedMemory shm = SharedMemory.open("mine", areas.options())) {
            SharedLock lock = shm.lock("L");
            lock.lock();
            try (WorkerProcess other = worker("mine", "foreign", timeout)) {
                List<String> out = other.awaitSuccess(FINISH);
                assertEquals(List.of("locked true mine false holds 0", "unlock refused", "tryLock false",
                        "tryLock(timeout) false"), out.subList(0, 4), "the other process's view: " + out);
                long waited = Long.parseLong(ShmWorkers.after(out, "waited "));
                assertTrue(waited >= timeout, "tryLock(" + timeout + " ms) gave up after " + waited + " ms");
                assertEquals("still locked true", out.get(5));
            }
            assertTrue(lock.isHeldByCurrentThread(), "the refused unlock left this process's hold alone");
            assertEquals(1, lock.getHoldCount());
            // the owner is this process's thread, not the process: another thread of it is refused too
            AtomicReference<Object> otherThread = new AtomicReference<>();
            Thread thread = new Thread(() -> {
                try {
                    lock.unlock();
                    otherThread.set("unlock accepted");
                } catch (IllegalMonitorStateException refused) {
                    otherThread.set(lock.isHeldByCurrentThread() + " " + lock.tryLock());
                } catch (Throwable t) {
                    otherThread.set(t);
                }
            });
            thread.start();
            thread.join(Timing.millis(10_000));
            assertEquals("false false", otherThread.get(), "another thread: mine, tryLock()");
            assertTrue(lock.isHeldByCurrentThread());
            lock.unlock();
            assertFalse(lock.isLocked());
        }
    }

    @Test
    void thisProcessCanNeitherUnlockNorTakeALockAnotherProcessHolds() throws Exception {
        try (SharedMemory shm = SharedMemory.open("theirs", areas.options())) {
            SharedLock lock = shm.lock("L");
            MappedValue<Integer> release = shm.value("release", 'i', 0, Locking.NONE);
            try (WorkerProcess holder = worker("theirs", "hold", "L")) {
                holder.awaitLine("holding", START);
                long holderToken = Long.parseLong(ShmWorkers.after(holder.stdout(), "token "));
                assertTrue(lock.isLocked());
                assertFalse(lock.isHeldByCurrentThread());
                assertEquals(0, lock.getHoldCount());
                assertEquals(holderToken, lock.currentToken());
                assertThrows(IllegalMonitorStateException.class, lock::unlock);
                assertTrue(lock.isLocked(), "the refused unlock left the holder's lock alone");
                assertFalse(lock.tryLock());
                long timeout = Timing.millis(300);
                long start = System.nanoTime();
                assertFalse(lock.tryLock(timeout, TimeUnit.MILLISECONDS));
                long waited = (System.nanoTime() - start) / 1_000_000;
                assertTrue(waited >= timeout, "tryLock(" + timeout + " ms) gave up after " + waited + " ms");
                assertEquals(0, lock.tryLockAndGetToken(1, TimeUnit.MILLISECONDS));
                release.set(1);
                holder.awaitLine("released", START); // the holder checked it still held the lock, then unlocked
                holder.awaitSuccess(FINISH);
            }
            long token = lock.tryLockAndGetToken(Timing.millis(1_000), TimeUnit.MILLISECONDS);
            assertTrue(token > 0, "free once the holder unlocked");
            lock.unlock();
        }
    }

    @Test
    void aWaiterInterruptedWhileAnotherProcessHoldsTheLockStopsWaitingPromptly() throws Exception {
        try (SharedMemory shm = SharedMemory.open("interrupt", areas.options())) {
            SharedLock lock = shm.lock("L");
            MappedValue<Integer> release = shm.value("release", 'i', 0, Locking.NONE);
            try (WorkerProcess holder = worker("interrupt", "hold", "L")) {
                holder.awaitLine("holding", START);
                double lockInterruptibly = interruptWaiter("lockInterruptibly()", () -> {
                    lock.lockInterruptibly();
                    return true;
                });
                double tryLock = interruptWaiter("tryLock(60 s)", () -> lock.tryLock(60, TimeUnit.SECONDS));
                System.out.printf("interrupt -> InterruptedException while another process holds the lock:"
                        + " lockInterruptibly() %.2f ms, tryLock(60 s) %.2f ms%n", lockInterruptibly, tryLock);
                assertTrue(lock.isLocked());
                assertFalse(lock.isHeldByCurrentThread());
                release.set(1);
                holder.awaitSuccess(FINISH); // it still held the lock when released: the waiters took nothing
            }
            assertTrue(lock.tryLock(Timing.millis(1_000), TimeUnit.MILLISECONDS));
            lock.unlock();
        }
    }

    /** A wait for a lock, run by a thread of its own. */
    @FunctionalInterface
    interface Wait {
        boolean acquire() throws InterruptedException;
    }

    /**
     * Starts a thread that waits with {@code wait}, interrupts it once it is parked in the lock's back-off, and
     * checks that it ends with {@link InterruptedException}, without the lock. Returns the milliseconds from the
     * interrupt to the exception.
     */
    static double interruptWaiter(String what, Wait wait) throws Exception {
        AtomicReference<Object> outcome = new AtomicReference<>();
        AtomicLong ended = new AtomicLong();
        Thread waiter = new Thread(() -> {
            try {
                outcome.set(wait.acquire());
            } catch (Throwable t) {
                outcome.set(t);
            }
            ended.set(System.nanoTime());
        }, "waiter " + what);
        waiter.setDaemon(true); // if the interrupt is ignored, the test fails and must not wait for this thread
        waiter.start();
        ShmWorkers.awaitAtLeast(what + " parked", () -> waiter.getState() == Thread.State.TIMED_WAITING ? 1 : 0, 1,
                Timing.millis(10_000));
        long interrupted = System.nanoTime();
        waiter.interrupt();
        waiter.join(Timing.millis(10_000));
        assertFalse(waiter.isAlive(), what + " still waits after its interrupt");
        assertInstanceOf(InterruptedException.class, outcome.get(), what + " ended with " + outcome.get());
        double took = (ended.get() - interrupted) / 1e6;
        assertTrue(took < PROMPT_MILLIS, what + ": InterruptedException " + took + " ms after the interrupt");
        return took;
    }

    @Test
    void fencingTokensIncreaseByOneWithEveryGrantWhicheverProcessGetsIt() throws Exception {
        int processes = 3;
        int grants = 5_000;
        try (SharedMemory shm = SharedMemory.open("fence", areas.options())) {
            SharedLock lock = shm.lock("F");
            MappedValue<Long> last = shm.value("last", 'q', 0L, Locking.with(lock));
            shm.value("start", 'i', 0, Locking.NONE);
            long first = lock.lockAndGetToken();
            last.set(first);
            lock.unlock();
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                for (int i = 0; i < processes; i++) {
                    workers.add(worker("fence", "fence", grants, processes));
                }
            } catch (RuntimeException | Error e) {
                workers.forEach(WorkerProcess::close);
                throw e;
            }
            // each worker checked every grant's token against the previous grant's, whoever had it
            for (List<String> out : WorkerProcess.awaitAll(workers, FINISH)) {
                assertTrue(out.stream().anyMatch(l -> l.startsWith("grants " + grants + " last ")), "" + out);
            }
            long after = lock.lockAndGetToken();
            try {
                assertEquals(first + (long) processes * grants, last.get(), "the last worker grant's token");
                assertEquals(last.get() + 1, after);
                assertEquals(after, lock.currentToken());
            } finally {
                lock.unlock();
            }
        }
    }

    @Test
    void aSignalFromThisProcessWakesTheConditionWaitersOfTwoOthers() throws Exception {
        try (SharedMemory shm = SharedMemory.open("wake", areas.options())) {
            SharedLock lock = shm.lock("C");
            MappedValue<Integer> flag = shm.value("flag", 'i', 0, Locking.with(lock));
            SharedCondition condition = lock.newCondition();
            try (WorkerProcess first = worker("wake", "await"); WorkerProcess second = worker("wake", "await")) {
                first.awaitLine("waiting", START);
                second.awaitLine("waiting", START);
                // both printed while holding C, and release it only in await(): once this process has C, both wait
                assertTrue(lock.tryLock(Timing.millis(10_000), TimeUnit.MILLISECONDS), "await() released the lock");
                try {
                    flag.set(1);
                    condition.signalAll();
                } finally {
                    lock.unlock();
                }
                for (WorkerProcess waiter : List.of(first, second)) {
                    waiter.awaitLine("woken true flag 1 holding true", START);
                    waiter.awaitSuccess(FINISH);
                }
            }
            assertFalse(lock.isLocked());
        }
    }

    @Test
    void aSignalFromAnotherProcessWakesAConditionWaitInThisOne() throws Exception {
        try (SharedMemory shm = SharedMemory.open("woken", areas.options())) {
            SharedLock lock = shm.lock("C");
            MappedValue<Integer> flag = shm.value("flag", 'i', 0, Locking.with(lock));
            SharedCondition condition = lock.newCondition();
            lock.lock();
            try (WorkerProcess signaller = worker("woken", "signal")) {
                try {
                    // the signaller can take C only once this await() has released it
                    boolean signalled = condition.await(Timing.millis(30_000), TimeUnit.MILLISECONDS);
                    long woken = System.nanoTime();
                    assertTrue(signalled, "await() timed out instead of being signalled");
                    assertTrue(lock.isHeldByCurrentThread(), "await() returns holding the lock");
                    assertEquals(1, flag.get());
                    signaller.awaitLine("signalled", START);
                    long sent = Long.parseLong(ShmWorkers.after(signaller.stdout(), "at "));
                    System.out.printf("signal in one process -> await() returns in another: %.2f ms%n",
                            (woken - sent) / 1e6);
                } finally {
                    lock.unlock();
                }
                signaller.awaitSuccess(FINISH);
            }
        }
    }
}
