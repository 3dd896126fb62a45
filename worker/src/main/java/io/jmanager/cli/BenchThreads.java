package io.jmanager.cli;

import io.jmanager.Manager;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The bench threads of {@code bench --control}: {@code threads} long-lived threads per manager that stay idle
 * between measured windows and run one window at a time when {@link #window} tells them to. Each thread makes its
 * runner for an operation on first use, on itself, and keeps it for the next windows, so that a client that is
 * warm stays warm: the JVM, its compiled code, its connections and its proxies are the same from window to window.
 *
 * <p>A synchronous thread ({@code inFlight == 0}) calls one operation after another; an asynchronous one keeps
 * {@code inFlight} operations in flight ({@link AsyncBench#issue}). Not thread-safe: one window at a time.
 */
final class BenchThreads implements AutoCloseable {
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private final List<Worker> workers = new ArrayList<>();
    private final int inFlight;

    /**
     * Starts {@code threads} idle threads for each of {@code managers}.
     *
     * @param inFlight 0 for synchronous calls, otherwise the asynchronous operations each thread keeps in flight
     * @param connect  makes a new manager (for {@code connect})
     */
    BenchThreads(List<Manager> managers, int threads, BenchSettings settings, Supplier<Manager> connect,
                 int inFlight) {
        this.inFlight = inFlight;
        for (Manager m : managers) {
            for (int t = 0; t < threads; t++) {
                Worker w = new Worker(m, settings, connect, "bench-control-" + workers.size());
                workers.add(w);
                w.thread.start();
            }
        }
    }

    /** The CPU time this whole process has used so far, in nanoseconds (user and system, every thread). */
    static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    /**
     * Runs one measured window of {@code op} on every thread from {@code startNanos} (a {@link System#nanoTime()}
     * instant; the threads and this method wait for it) until {@code endNanos}, and returns the operations that
     * were issued and completed inside it, their latencies, and the CPU time this process used from the start
     * until every thread had finished.
     *
     * @throws CliException if an operation failed (the first failure, with the operation's name)
     */
    BenchResult window(BenchOp op, long startNanos, long endNanos) throws InterruptedException {
        AtomicLong counted = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(workers.size());
        List<Histogram> histograms = new ArrayList<>();
        for (Worker w : workers) {
            Histogram h = inFlight > 0 ? new ConcurrentHistogram(3) : new Histogram(3);
            histograms.add(h);
            w.tasks.add(() -> {
                try {
                    w.run(op, inFlight, startNanos, endNanos, h, counted, failure);
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                } finally {
                    done.countDown();
                }
            });
        }
        long wait = startNanos - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
        long cpu0 = processCpuNanos();
        long limit = endNanos - System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        if (!done.await(limit, TimeUnit.NANOSECONDS)) {
            throw new CliException("bench " + op.cliName() + ": a thread did not finish its window within 60 s of"
                    + " its end (a call that does not return?)");
        }
        long cpu = processCpuNanos() - cpu0;
        if (failure.get() != null) {
            throw new CliException("bench " + op.cliName() + " failed: " + failure.get());
        }
        Histogram all = new Histogram(3);
        histograms.forEach(all::add);
        return new BenchResult(counted.get(), endNanos - startNanos, all, cpu);
    }

    /** Stops the threads (they are daemons; a thread in a call ends when its manager is closed). */
    @Override
    public void close() {
        for (Worker w : workers) {
            w.thread.interrupt();
        }
    }

    /** One long-lived bench thread: takes one window's task at a time from its queue. */
    private static final class Worker {
        final BlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();
        final Thread thread;
        private final Manager manager;
        private final BenchSettings settings;
        private final Supplier<Manager> connect;
        private final Map<BenchOp, BenchOp.Runner> runners = new EnumMap<>(BenchOp.class);
        private final Map<BenchOp, Supplier<CompletableFuture<?>>> asyncOps = new EnumMap<>(BenchOp.class);

        Worker(Manager manager, BenchSettings settings, Supplier<Manager> connect, String name) {
            this.manager = manager;
            this.settings = settings;
            this.connect = connect;
            this.thread = new Thread(() -> {
                try {
                    while (true) {
                        tasks.take().run();
                    }
                } catch (InterruptedException e) {
                    // closed
                }
            }, name);
            thread.setDaemon(true);
        }

        /** One window on this thread: sleeps until {@code start}, then runs {@code op} until {@code end}. */
        void run(BenchOp op, int inFlight, long start, long end, Histogram h, AtomicLong counted,
                 AtomicReference<Throwable> failure) throws Exception {
            // made here, on the thread that uses it (ThreadLocalRandom), once per operation
            BenchOp.Runner runner = inFlight > 0 ? null : runners.computeIfAbsent(op,
                    o -> o.runner(manager, settings, connect));
            Supplier<CompletableFuture<?>> async = inFlight > 0 ? asyncOps.computeIfAbsent(op,
                    o -> AsyncBench.operation(o, manager, settings)) : null;
            long wait = start - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (async != null) {
                AsyncBench.issue(async, inFlight, start, end, h, counted, failure);
                return;
            }
            while (failure.get() == null) {
                long before = System.nanoTime();
                if (before >= end) {
                    return;
                }
                int n = runner.run();
                long after = System.nanoTime();
                if (n == 0) {
                    return;
                }
                if (after <= end) {
                    h.recordValue(after - before);
                    counted.addAndGet(n);
                }
            }
        }
    }
}
