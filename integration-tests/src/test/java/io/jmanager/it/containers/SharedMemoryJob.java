package io.jmanager.it.containers;

import io.jmanager.SharedLock;
import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.SharedMemoryOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * {@code SharedMemoryJob DIR AREA ITERATIONS PARTIES}: no registry. Opens (or creates) the shared-memory area AREA
 * in DIR, adds 1 to lock-free value {@code started} and waits until PARTIES jobs have (so that they run at the same
 * time), then makes ITERATIONS locked increments ({@code lock(); v = get(); set(v + 1); unlock()} on value
 * {@code locked} under lock {@code counter-lock}: a read-modify-write that loses updates without the lock), then
 * ITERATIONS lock-free increments ({@code addAndGet(1)} on value {@code atomic}, {@link Locking#NONE}). Prints
 * {@code pid PID}, then {@code done ITERATIONS locked-ms MS atomic-ms MS}; exits with 0, or 1 (stack trace on
 * stderr) on any failure.
 */
public final class SharedMemoryJob {
    /** How long a job waits for the others to start before it fails, instead of hanging its container. */
    private static final long START_MILLIS = 60_000;

    private SharedMemoryJob() {
    }

    public static void main(String[] args) {
        int code = 0;
        try {
            run(Path.of(args[0]), args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
        } catch (Throwable t) {
            System.err.println("job failed: " + t);
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    private static void run(Path dir, String area, int iterations, int parties) throws InterruptedException {
        SharedMemoryOptions options = SharedMemoryOptions.defaults().withDirectory(dir).withCapacity(1 << 20);
        try (SharedMemory shm = SharedMemory.open(area, options)) {
            System.out.println("pid " + ProcessHandle.current().pid());
            SharedLock lock = shm.lock("counter-lock");
            MappedValue<Long> locked = shm.value("locked", 'q', 0L, Locking.with(lock));
            MappedValue<Long> atomic = shm.value("atomic", 'q', 0L, Locking.NONE);
            MappedValue<Long> started = shm.value("started", 'q', 0L, Locking.NONE);
            started.addAndGet(1L);
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
            while (started.get() < parties) { // the other jobs run in other containers: poll the shared counter
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("only " + started.get() + " of " + parties + " jobs started");
                }
                Thread.onSpinWait();
                Thread.yield();
            }
            long begin = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                lock.lock();
                try {
                    locked.set(locked.get() + 1);
                } finally {
                    lock.unlock();
                }
            }
            long lockedMillis = (System.nanoTime() - begin) / 1_000_000;
            begin = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                atomic.addAndGet(1L);
            }
            long atomicMillis = (System.nanoTime() - begin) / 1_000_000;
            System.out.println("done " + iterations + " locked-ms " + lockedMillis + " atomic-ms " + atomicMillis);
        }
    }
}
