package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.SharedLock;
import io.jmanager.Timing;
import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.ShmTestAreas;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Exact totals under real concurrency: four worker JVMs, started together on a shared-memory start line, increment
 * one value of one area a million times each, under a lock, lock-free, and from several threads each under the
 * value's own reentrant lock. A lost update shows as a total below 4,000,000. The parent checks that the workers'
 * counting phases really overlapped in time.
 */
@Timeout(300)
class ShmConcurrencyProcessTest {
    static final int PROCESSES = 4;
    static final int INCREMENTS = 1_000_000;
    static final int THREADS = 4;

    @RegisterExtension
    final ShmTestAreas areas = new ShmTestAreas();

    /** Starts the workers, waits for all, checks their counting phases overlapped; returns the phase in ms. */
    private long runTogether(String area, Object... modeAndArgs) {
        List<WorkerProcess> workers = new ArrayList<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                List<Object> args = new ArrayList<>(List.of(areas.directory(), area));
                args.addAll(List.of(modeAndArgs));
                workers.add(WorkerProcess.start(ShmWorker.class, args.toArray()));
            }
        } catch (RuntimeException | Error e) {
            workers.forEach(WorkerProcess::close);
            throw e;
        }
        List<List<String>> outputs = WorkerProcess.awaitAll(workers, Timing.seconds(240));
        long lastStart = Long.MIN_VALUE;
        long firstStart = Long.MAX_VALUE;
        long firstEnd = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;
        for (List<String> out : outputs) {
            long started = Long.parseLong(ShmWorkers.after(out, "started "));
            long finished = Long.parseLong(ShmWorkers.after(out, "finished "));
            lastStart = Math.max(lastStart, started);
            firstStart = Math.min(firstStart, started);
            firstEnd = Math.min(firstEnd, finished);
            lastEnd = Math.max(lastEnd, finished);
        }
        assertTrue(lastStart < firstEnd, "the workers' counting phases did not overlap: the last started "
                + (lastStart - firstEnd) / 1_000 + " us after the first finished");
        return (lastEnd - firstStart) / 1_000_000;
    }

    @Test
    void lockedIncrementsFromFourProcessesAddUpExactly() {
        try (SharedMemory shm = SharedMemory.open("locked", areas.options())) {
            SharedLock lock = shm.lock("L");
            MappedValue<Integer> count = shm.value("count", 'i', 0, Locking.with(lock));
            shm.value("start", 'i', 0, Locking.NONE);
            long millis = runTogether("locked", "count-locked", INCREMENTS, PROCESSES);
            assertEquals(PROCESSES * INCREMENTS, count.get());
            assertFalse(lock.isLocked());
            System.out.printf("%d processes x %,d locked increments: %,d in %d ms%n", PROCESSES, INCREMENTS,
                    count.get(), millis);
        }
    }

    @Test
    void lockFreeIncrementsFromFourProcessesAddUpExactly() {
        try (SharedMemory shm = SharedMemory.open("atomic", areas.options())) {
            MappedValue<Integer> count = shm.value("atomic", 'i', 0, Locking.NONE);
            shm.value("start", 'i', 0, Locking.NONE);
            long millis = runTogether("atomic", "count-atomic", INCREMENTS, PROCESSES);
            assertEquals(PROCESSES * INCREMENTS, count.get());
            System.out.printf("%d processes x %,d lock-free addAndGet(1): %,d in %d ms%n", PROCESSES, INCREMENTS,
                    count.get(), millis);
        }
    }

    @Test
    void reentrantLockFromSeveralThreadsOfFourProcessesAddsUpExactly() {
        int perThread = INCREMENTS / THREADS;
        try (SharedMemory shm = SharedMemory.open("rlock", areas.options())) {
            MappedValue<Integer> count = shm.value("rcount", 'i', 0);
            shm.value("start", 'i', 0, Locking.NONE);
            long millis = runTogether("rlock", "count-rlock", THREADS, perThread, PROCESSES);
            assertEquals(PROCESSES * THREADS * perThread, count.get());
            assertFalse(count.getLock().isLocked());
            System.out.printf("%d processes x %d threads x %,d increments under an rlock taken twice: %,d in %d ms%n",
                    PROCESSES, THREADS, perThread, count.get(), millis);
        }
    }
}
