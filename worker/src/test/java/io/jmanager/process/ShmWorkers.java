package io.jmanager.process;

import io.jmanager.Timing;
import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.SharedMemoryOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * The frame of every shared-memory worker main in this package, the counterpart of {@link Workers}:
 * {@code args[0]} is the directory of the areas and {@code args[1]} the name of an area the parent has created;
 * the body runs with that area open; the JVM exits with 0 on success and 1 (stack trace on stderr) on any failure,
 * so that {@link WorkerProcess#awaitSuccess} reports it. A worker killed by the test does not exit at all.
 */
final class ShmWorkers {
    /** What a worker does with its area and its arguments ({@code args[0]}, {@code args[1]}: directory, area). */
    @FunctionalInterface
    interface Body {
        void run(SharedMemory shm, String[] args) throws Exception;
    }

    /** How long a worker's blocking step may wait before the worker fails (instead of hanging the test). */
    static final long STEP_TIMEOUT_MILLIS = Timing.millis(60_000);

    private ShmWorkers() {
    }

    /** The options a worker opens its area with: the parent's directory (the area exists; its capacity is kept). */
    static SharedMemoryOptions options(String directory) {
        return SharedMemoryOptions.defaults().withDirectory(Path.of(directory));
    }

    static void run(String[] args, Body body) {
        int code = 0;
        try {
            if (args.length < 2) {
                throw new IllegalArgumentException("arguments: DIRECTORY AREA ...");
            }
            try (SharedMemory shm = SharedMemory.openExisting(args[1], options(args[0]))) {
                body.run(shm, args);
            }
        } catch (Throwable t) {
            System.err.println("worker failed: " + t);
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /**
     * Waits until {@code value} is at least {@code target}: spins, then parks for growing intervals up to 1 ms,
     * re-reading the shared value each time (there is no event to wait on across processes, as for the area's
     * own locks).
     *
     * @throws TimeoutException after {@code timeoutMillis}
     */
    static long awaitAtLeast(String what, LongSupplier value, long target, long timeoutMillis)
            throws TimeoutException {
        long start = System.nanoTime();
        long park = 1_000;
        for (int round = 0; ; round++) {
            long now = value.getAsLong();
            if (now >= target) {
                return now;
            }
            if (System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(timeoutMillis)) {
                throw new TimeoutException(what + " is " + now + ", still below " + target + " after "
                        + timeoutMillis + " ms");
            }
            if (round < 100) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(park);
                park = Math.min(park * 2, 1_000_000);
            }
        }
    }

    /**
     * A start line for {@code parties} processes: each counts itself in on the lock-free value {@code name} and
     * waits until all have, so that their work really overlaps. Returns {@link System#nanoTime()} at the start
     * (comparable between processes on one Linux host: the monotonic clock).
     */
    static long startTogether(SharedMemory shm, String name, int parties) throws TimeoutException {
        MappedValue<Integer> arrived = shm.value(name, 'i', 0, Locking.NONE);
        arrived.addAndGet(1);
        awaitAtLeast("start line '" + name + "'", arrived::get, parties, STEP_TIMEOUT_MILLIS);
        return System.nanoTime();
    }

    /** For the parent: the rest of the first line of a worker's output that starts with {@code prefix}. */
    static String after(List<String> out, String prefix) {
        return out.stream().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).findFirst()
                .orElseThrow(() -> new AssertionError("no line '" + prefix + "...' in " + out));
    }

    /** Prints one line and flushes it: the parent may be waiting for it ({@link WorkerProcess#awaitLine}). */
    static void say(Object line) {
        System.out.println(line);
        System.out.flush();
    }
}
