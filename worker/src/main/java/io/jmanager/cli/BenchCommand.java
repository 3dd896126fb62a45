package io.jmanager.cli;

import io.jmanager.Manager;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bench}: a load generator like {@code redis-benchmark}. Runs {@code --clients} managers with
 * {@code --threads} threads each (or {@code --fork} client JVMs), a warm-up, then a measured window, and prints
 * throughput and latency percentiles.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load generator: throughput and latency percentiles of one operation.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--op", paramLabel = "OP", description = "put, get, incr, lock, queue, barrier, batch, connect"
            + " (default: put)", converter = OpConverter.class)
    BenchOp op = BenchOp.PUT;

    @Option(names = "--clients", paramLabel = "N", description = "client managers, or processes with --fork"
            + " (default: ${DEFAULT-VALUE})")
    int clients = 1;

    @Option(names = "--threads", paramLabel = "T", description = "threads per client (default: ${DEFAULT-VALUE})")
    int threads = 1;

    @Option(names = "--duration", paramLabel = "S", description = "measured seconds (default: ${DEFAULT-VALUE})")
    double duration = 10;

    @Option(names = "--ops", paramLabel = "N", description = "stop the measured window after N operations in all"
            + " (default: run for --duration)")
    long maxOps;

    @Option(names = "--warmup", paramLabel = "S", description = "warm-up seconds, not measured"
            + " (default: ${DEFAULT-VALUE})")
    double warmup = 2;

    @Option(names = "--value-size", paramLabel = "B", description = "bytes per value (default: ${DEFAULT-VALUE})")
    int valueSize = 16;

    @Option(names = "--batch", paramLabel = "K", description = "entries per batch for --op batch"
            + " (default: ${DEFAULT-VALUE})")
    int batch = 1000;

    @Option(names = "--keys", paramLabel = "N", description = "key space of put/get/batch (default: ${DEFAULT-VALUE})")
    int keys = 10_000;

    @Option(names = "--fork", description = "run each client in its own JVM, so that client CPU is real")
    boolean fork;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--child", hidden = true)
    boolean child;

    @Option(names = "--total-threads", hidden = true)
    int totalThreads;

    @Option(names = "--start-at", hidden = true)
    long startAtMillis;

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || threads < 1 || duration <= 0 || warmup < 0 || valueSize < 0 || batch < 1 || keys < 1) {
            throw new CliException("--clients, --threads, --batch and --keys must be at least 1, --duration positive,"
                    + " --warmup and --value-size not negative");
        }
        BenchSettings settings = new BenchSettings(clients, threads,
                totalThreads > 0 ? totalThreads : clients * threads, keys, valueSize, batch,
                (long) ((warmup + duration) * 1000) + 10_000);
        if (child) {
            System.out.println(runInProcess(settings).encode());
            return 0;
        }
        try (Manager setup = connection.connect()) {
            op.prepare(setup, settings);
        }
        BenchResult result = fork ? runForked(settings) : runInProcess(settings);
        String title = String.format(Locale.ROOT, "bench %s: %d %s × %d threads, value %d B%s, warm-up %.1f s",
                op.name().toLowerCase(Locale.ROOT), clients, fork ? "processes" : "clients", threads, valueSize,
                op == BenchOp.BATCH ? ", batch " + batch : "", warmup);
        System.out.println(json ? result.json(op.name().toLowerCase(Locale.ROOT), clients, threads, fork, valueSize,
                batch) : result.text(title));
        return 0;
    }

    /** Runs all clients in this JVM: one manager per client, {@code threads} threads each. */
    private BenchResult runInProcess(BenchSettings s) throws Exception {
        if (startAtMillis > 0) {
            long wait = startAtMillis - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait); // aligns forked clients' start; not a synchronisation of results
            }
        }
        int localClients = child ? 1 : clients;
        List<Manager> managers = new ArrayList<>();
        for (int c = 0; c < localClients; c++) {
            managers.add(connection.connect());
        }
        try {
            long start = System.nanoTime();
            long measureFrom = start + (long) (warmup * 1e9);
            long end = measureFrom + (long) (duration * 1e9);
            AtomicLong counted = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Histogram> histograms = new ArrayList<>();
            List<Thread> workers = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(localClients * threads);
            for (Manager m : managers) {
                for (int t = 0; t < threads; t++) {
                    Histogram h = new Histogram(3);
                    histograms.add(h);
                    BenchOp.Runner runner = op.runner(m, s, connection.url());
                    Thread thread = new Thread(() -> {
                        try {
                            loop(runner, h, measureFrom, end, counted);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        } finally {
                            done.countDown();
                        }
                    }, "bench-" + workers.size());
                    thread.setDaemon(true);
                    workers.add(thread);
                }
            }
            workers.forEach(Thread::start);
            progress(done, start, measureFrom, end, counted);
            op.finish(managers.get(0), s);
            for (Thread t : workers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (failure.get() != null) {
                throw new CliException("bench " + op.name().toLowerCase(Locale.ROOT) + " failed: " + failure.get());
            }
            Histogram all = new Histogram(3);
            histograms.forEach(all::add);
            long measured = Math.min(System.nanoTime(), end) - measureFrom;
            return new BenchResult(counted.get(), Math.max(measured, 1), all);
        } finally {
            managers.forEach(Manager::close);
        }
    }

    private void loop(BenchOp.Runner runner, Histogram h, long measureFrom, long end, AtomicLong counted)
            throws Exception {
        while (true) {
            long before = System.nanoTime();
            if (before >= end || (maxOps > 0 && counted.get() >= maxOps)) {
                return;
            }
            int n = runner.run();
            long after = System.nanoTime();
            if (n == 0) {
                return;
            }
            if (before >= measureFrom && after <= end) {
                h.recordValue(after - before);
                counted.addAndGet(n);
            }
        }
    }

    /** Waits for the run to end, printing a progress line every second on stderr for runs of 5 s or more. */
    private void progress(CountDownLatch done, long start, long measureFrom, long end, AtomicLong counted)
            throws InterruptedException {
        boolean show = !child && duration >= 5;
        long last = counted.get();
        while (!done.await(1, TimeUnit.SECONDS)) {
            long now = System.nanoTime();
            if (now >= end || (maxOps > 0 && counted.get() >= maxOps)) {
                return;
            }
            long current = counted.get();
            if (show && now > measureFrom) {
                System.err.printf(Locale.ROOT, "  %4.0f s: %,d ops/s%n", (now - start) / 1e9, current - last);
            }
            last = current;
        }
    }

    /** Runs each client as its own JVM and merges their results. */
    private BenchResult runForked(BenchSettings s) throws Exception {
        // Every child JVM must be up before the common start: on one pinned CPU, JVMs start one after another
        // (about 0.3-0.5 s of CPU each), so a fixed 2 s left 8 children starting late and out of step.
        long startAt = System.currentTimeMillis() + 1_000 + 500L * clients;
        List<Process> processes = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString(), "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                    "bench", "--child", "--url", connection.url(), "--op", op.name(), "--threads",
                    String.valueOf(threads), "--total-threads", String.valueOf(s.totalThreads()), "--duration",
                    String.valueOf(duration), "--warmup", String.valueOf(warmup), "--value-size",
                    String.valueOf(valueSize), "--batch", String.valueOf(batch), "--keys", String.valueOf(keys),
                    "--start-at", String.valueOf(startAt)));
            if (maxOps > 0) {
                command.addAll(List.of("--ops", String.valueOf(Math.max(1, maxOps / clients))));
            }
            processes.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        BenchResult merged = null;
        for (Process p : processes) {
            String line = null;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.startsWith("RESULT ")) {
                        line = l;
                    }
                }
            }
            if (p.waitFor() != 0 || line == null) {
                throw new CliException("a forked bench client failed (exit " + p.exitValue() + ")");
            }
            BenchResult r = BenchResult.decode(line);
            merged = merged == null ? r : merged.merge(r);
        }
        return merged;
    }

    /** Accepts {@code --op} names in any case. */
    static final class OpConverter implements picocli.CommandLine.ITypeConverter<BenchOp> {
        @Override
        public BenchOp convert(String value) {
            try {
                return BenchOp.valueOf(value.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("unknown op '" + value
                        + "': use put, get, incr, lock, queue, barrier, batch or connect");
            }
        }
    }
}
