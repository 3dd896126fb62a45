package io.jmanager.process;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Notes when the machine did not run this JVM: a daemon thread parks for {@value #TICK_MICROS} µs at a time and
 * records every wake-up that came more than {@value #STALL_MICROS} µs late, as a stall from when it should have
 * woken to when it did (wall-clock microseconds, like {@link DurabilityCrashTest#nowMicros()}). An idle thread
 * that cannot run for that long means every process on the machine was starved or frozen (an overloaded host, a
 * paused virtual machine); a time bound on another process's work cannot count such time against it.
 */
final class StallSentinel implements AutoCloseable {
    static final long TICK_MICROS = 2_000;
    static final long STALL_MICROS = 20_000;

    /** A stall: wall-clock microseconds from when the thread should have woken to when it did. */
    record Stall(long fromMicros, long toMicros) {
    }

    private final List<Stall> stalls = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopped;

    private StallSentinel() {
        thread = new Thread(this::watch, "stall-sentinel");
        thread.setDaemon(true);
        thread.start();
    }

    static StallSentinel start() {
        return new StallSentinel();
    }

    private void watch() {
        while (!stopped) {
            long before = DurabilityCrashTest.nowMicros();
            LockSupport.parkNanos(TICK_MICROS * 1_000);
            long after = DurabilityCrashTest.nowMicros();
            if (after - before > TICK_MICROS + STALL_MICROS) {
                synchronized (stalls) {
                    stalls.add(new Stall(before + TICK_MICROS, after));
                }
            }
        }
    }

    /** The stalls seen so far. */
    List<Stall> snapshot() {
        synchronized (stalls) {
            return List.copyOf(stalls);
        }
    }

    /** How much of {@code [fromMicros, toMicros]} the machine stalled, in µs, by {@code stalls}. */
    static long stalledMicros(List<Stall> stalls, long fromMicros, long toMicros) {
        long total = 0;
        for (Stall s : stalls) {
            total += Math.max(0, Math.min(toMicros, s.toMicros()) - Math.max(fromMicros, s.fromMicros()));
        }
        return total;
    }

    @Override
    public void close() {
        stopped = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
