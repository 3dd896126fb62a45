package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.SharedLock;
import io.jmanager.Timing;
import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.OwnerDiedException;
import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.ShmTestAreas;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Shared-memory locks whose holder dies, stops or closes the area: real worker JVMs killed with SIGKILL inside the
 * critical section, stopped with SIGSTOP, or closing their last handle while holding a lock. Only death (or the
 * last close) frees a lock, and the next locker is told with {@link OwnerDiedException}, holding the lock.
 */
@Timeout(300)
class ShmOwnerDiedProcessTest {
    /** How often the kill round repeats: 5 in CI, {@code -Djmanager.test.killLoops=20} for the timing figures. */
    static final int LOOPS = Integer.getInteger("jmanager.test.killLoops", 5);
    /** A generous bound for one takeover (the lock checks a waited-for owner's liveness every 10 ms). */
    static final long TAKEOVER_BOUND_MILLIS = Timing.millis(2_000);
    static final Duration START = Timing.seconds(20);
    static final Duration FINISH = Timing.seconds(60);

    @RegisterExtension
    final ShmTestAreas areas = new ShmTestAreas();

    private WorkerProcess worker(String area, Object... modeAndArgs) {
        List<Object> args = new ArrayList<>(List.of(areas.directory(), area));
        args.addAll(List.of(modeAndArgs));
        return WorkerProcess.start(ShmWorker.class, args.toArray());
    }

    static long tokenOf(WorkerProcess w) {
        return Long.parseLong(ShmWorkers.after(w.stdout(), "token "));
    }

    static void signal(WorkerProcess w, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(w.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " failed");
    }

    /** The state letter of {@code /proc/<pid>/stat} ({@code T} stopped), or {@code ?} if the process is gone. */
    static char state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (NoSuchFileException gone) {
            return '?';
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isAlive(WorkerProcess w) {
        return ProcessHandle.of(w.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void holderKilledInsideTheCriticalSectionIsTakenOverByAWaiterInAnotherProcess() throws Exception {
        int kills = LOOPS;
        try (SharedMemory shm = SharedMemory.open("kill", areas.options())) {
            SharedLock lock = shm.lock("L");
            MappedValue<Long> a = shm.value("a", 'q', 0L, Locking.with(lock));
            MappedValue<Long> b = shm.value("b", 'q', 0L, Locking.with(lock));
            MappedValue<Integer> round = shm.value("round", 'i', 0, Locking.NONE);
            shm.value("release", 'i', 0, Locking.NONE);
            List<Double> millis = new ArrayList<>();
            try (WorkerProcess waiter = worker("kill", "recover", kills)) {
                for (int i = 1; i <= kills; i++) {
                    try (WorkerProcess holder = worker("kill", "hold-half", i)) {
                        holder.awaitLine("holding", START);
                        long holderToken = tokenOf(holder);
                        assertFalse(lock.tryLock(), "round " + i + ": the holder holds the lock");
                        round.set(i);
                        waiter.awaitLine("waiting " + i, START);
                        long killed = System.nanoTime();
                        holder.kill();
                        waiter.awaitLine("recovered " + i, Duration.ofMillis(TAKEOVER_BOUND_MILLIS).plus(START));
                        String[] grant = ShmWorkers.after(waiter.stdout(), "grant " + i + " ").split(" ");
                        assertEquals(holder.pid(), Long.parseLong(grant[0]), "previousOwnerPid, round " + i);
                        double took = (Long.parseLong(grant[1]) - killed) / 1e6;
                        assertTrue(took < TAKEOVER_BOUND_MILLIS, "round " + i + ": takeover took " + took + " ms");
                        assertTrue(Long.parseLong(grant[2]) > holderToken, "round " + i + ": the recovered grant's"
                                + " token " + grant[2] + " must exceed the dead holder's " + holderToken);
                        millis.add(took);
                    }
                    // the waiter repaired the pair and unlocked: the next locker finds it whole, without a death
                    assertTrue(lock.tryLock(TAKEOVER_BOUND_MILLIS, TimeUnit.MILLISECONDS));
                    try {
                        assertEquals((long) i, a.get());
                        assertEquals((long) i, b.get());
                    } finally {
                        lock.unlock();
                    }
                }
                waiter.awaitSuccess(FINISH);
            }
            Collections.sort(millis);
            System.out.printf("SIGKILL of the holder -> waiter's grant over %d kills: median %.1f ms, max %.1f ms%n",
                    kills, millis.get(millis.size() / 2), millis.get(millis.size() - 1));
        }
    }

    @Test
    void synchronizedValueWhoseLockOwnerDiedThrowsOnceWithoutItsOperationThenWorks() throws Exception {
        try (SharedMemory shm = SharedMemory.open("value", areas.options())) {
            MappedValue<Integer> v = shm.value("v", 'i', 1);
            shm.value("release", 'i', 0, Locking.NONE);
            long pid;
            try (WorkerProcess holder = worker("value", "hold-value")) {
                holder.awaitLine("holding", START);
                assertTrue(v.getLock().isLocked());
                pid = holder.pid();
                holder.kill();
            }
            OwnerDiedException died = assertThrows(OwnerDiedException.class,
                    () -> assertTimeoutPreemptively(Duration.ofMillis(TAKEOVER_BOUND_MILLIS), v::get));
            assertEquals(pid, died.previousOwnerPid());
            assertEquals(0, died.token(), "the lock was released again");
            assertFalse(v.getLock().isLocked(), "the operation released the lock it took over");
            assertEquals(2, v.get(), "the next get() works and shows the dead holder's write");
            v.set(3);
            assertEquals(3, v.get());
        }
    }

    /** A caller that only ever calls {@code tryLock()} (no waiting) is not kept from a dead holder's lock. */
    @Test
    void tryLockAloneTakesOverTheLockOfADeadHolder() throws Exception {
        try (SharedMemory shm = SharedMemory.open("trylock", areas.options())) {
            SharedLock lock = shm.lock("L");
            shm.value("release", 'i', 0, Locking.NONE);
            try (WorkerProcess holder = worker("trylock", "hold", "L")) {
                holder.awaitLine("holding", START);
                assertFalse(lock.tryLock(), "the live holder holds it");
                long killed = System.nanoTime();
                holder.kill(); // returns once the holder's exit has been seen: it is dead now
                OwnerDiedException died = null;
                int attempts = 0;
                while (died == null) {
                    try {
                        attempts++;
                        assertFalse(lock.tryLock(), "a dead holder's lock granted without OwnerDiedException");
                    } catch (OwnerDiedException e) {
                        died = e;
                    }
                    double took = (System.nanoTime() - killed) / 1e6;
                    assertTrue(took < TAKEOVER_BOUND_MILLIS, "tryLock() still fails " + took + " ms after the"
                            + " holder's death (" + attempts + " attempts)");
                    Thread.onSpinWait();
                }
                System.out.printf("SIGKILL of the holder -> tryLock() takes over: %.1f ms, %d attempts%n",
                        (System.nanoTime() - killed) / 1e6, attempts);
                assertEquals(holder.pid(), died.previousOwnerPid());
                assertTrue(died.token() > tokenOf(holder));
                assertTrue(lock.isHeldByCurrentThread());
                lock.unlock();
            }
            assertTrue(lock.tryLock(), "free, and no more deaths to report");
            lock.unlock();
        }
    }

    @Test
    void stoppedHolderIsNotDeadAndKeepsItsLockUntilItContinuesAndUnlocks() throws Exception {
        try (SharedMemory shm = SharedMemory.open("stop", areas.options())) {
            SharedLock lock = shm.lock("L");
            MappedValue<Integer> release = shm.value("release", 'i', 0, Locking.NONE);
            try (WorkerProcess holder = worker("stop", "hold", "L")) {
                holder.awaitLine("holding", START);
                long holderToken = tokenOf(holder);
                signal(holder, "STOP");
                try {
                    ShmWorkers.awaitAtLeast("stopped", () -> state(holder.pid()) == 'T' ? 1 : 0, 1,
                            Timing.millis(10_000));
                    long start = System.nanoTime();
                    long wait = Timing.millis(500);
                    assertFalse(lock.tryLock(wait, TimeUnit.MILLISECONDS), "the stopped holder's lock was taken");
                    long waited = (System.nanoTime() - start) / 1_000_000;
                    assertTrue(waited >= wait, "tryLock gave up after " + waited + " ms");
                    assertTrue(lock.isLocked());
                    assertEquals('T', state(holder.pid()), "still stopped after the waiter's attempt");
                    release.set(1);
                } finally {
                    signal(holder, "CONT");
                }
                // no OwnerDiedException: the holder unlocked normally
                long token = lock.tryLockAndGetToken(Timing.millis(10_000), TimeUnit.MILLISECONDS);
                assertTrue(token > holderToken, "granted after the holder's unlock, token " + token);
                lock.unlock();
                holder.awaitLine("released", START);
                holder.awaitSuccess(FINISH);
            }
        }
    }

    @Test
    void closingTheLastHandleWhileHoldingALockReleasesItAsDeath() throws Exception {
        try (SharedMemory shm = SharedMemory.open("close", areas.options());
             SharedMemory control = SharedMemory.open("control", areas.options())) {
            SharedLock lock = shm.lock("L");
            MappedValue<Long> a = shm.value("a", 'q', 0L, Locking.with(lock));
            MappedValue<Integer> step = shm.value("step", 'i', 0, Locking.NONE);
            MappedValue<Integer> done = control.value("done", 'i', 0, Locking.NONE);
            try (WorkerProcess closer = worker("close", "close-holding", "control")) {
                closer.awaitLine("closed one", START);
                assertFalse(lock.tryLock(Timing.millis(200), TimeUnit.MILLISECONDS),
                        "the process still has a handle of the area open: it still holds the lock");
                step.set(1);
                closer.awaitLine("closed all", START);
                OwnerDiedException died = assertThrows(OwnerDiedException.class,
                        () -> lock.tryLock(TAKEOVER_BOUND_MILLIS, TimeUnit.MILLISECONDS));
                assertTrue(isAlive(closer), "the holder closed the area but still runs");
                assertEquals(closer.pid(), died.previousOwnerPid());
                assertTrue(died.token() > tokenOf(closer));
                assertTrue(lock.isHeldByCurrentThread());
                assertEquals(1L, a.get(), "the half update the closer left");
                a.set(0L);
                lock.unlock();
                done.set(1);
                closer.awaitLine("done", START);
                closer.awaitSuccess(FINISH);
            }
            assertTrue(lock.tryLock());
            lock.unlock();
        }
    }
}
