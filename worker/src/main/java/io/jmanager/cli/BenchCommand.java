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
 *
 * <p>{@code --op} may list several operations ({@code --op put,get,lock}): the same clients then run them one after
 * another, each in its own warm-up ({@code --op-warmup} after the first) and measured window, all clients keeping
 * the same wall-clock schedule. One set of JVMs is warmed up once: on a machine where the client JVMs share a CPU,
 * their JIT compilation takes seconds per JVM, which would otherwise be paid again for every operation.
 *
 * <p>{@code --control} starts the clients (threads, {@code --fork} processes, {@code --async}) and then runs one
 * measured window per command read from standard input ({@code window OP SECONDS}, {@code quit}), answering one
 * JSON line each, with the client CPU time per operation: see {@link BenchControl}. {@code --op},
 * {@code --duration}, {@code --warmup} and {@code --op-warmup} do not apply there.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load generator: throughput and latency percentiles of one or more operations.")
final class BenchCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--op", paramLabel = "OP", split = ",", description = "put, get, incr, lock, queue, barrier,"
            + " batch, connect, value-get, value-set, locked-incr, array-set, or a comma-separated list run one"
            + " after another by the same clients (default: put)", converter = OpConverter.class)
    List<BenchOp> opList;

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

    @Option(names = "--op-warmup", paramLabel = "S", description = "warm-up seconds of each listed operation after"
            + " the first (default: ${DEFAULT-VALUE})")
    double opWarmup = 1;

    @Option(names = "--value-size", paramLabel = "B", description = "bytes per value (default: ${DEFAULT-VALUE})")
    int valueSize = 16;

    @Option(names = "--batch", paramLabel = "K", description = "entries per batch for --op batch"
            + " (default: ${DEFAULT-VALUE})")
    int batch = 1000;

    @Option(names = "--keys", paramLabel = "N", description = "key space of put/get/batch (default: ${DEFAULT-VALUE})")
    int keys = 10_000;

    @Option(names = "--fork", description = "run each client in its own JVM, so that client CPU is real")
    boolean fork;

    @Option(names = "--keep", description = "keep the objects it used (bench:<op>) in the registry; by default they"
            + " are removed at the end")
    boolean keep;

    @Option(names = "--json", description = "print one JSON object per operation instead of text")
    boolean json;

    @Option(names = "--async", description = "issue the operations asynchronously (put, get, incr), keeping"
            + " --in-flight of them in flight per thread, so that the manager batches them")
    boolean async;

    @Option(names = "--in-flight", paramLabel = "N", description = "operations in flight per thread with --async"
            + " (default: ${DEFAULT-VALUE})")
    int inFlight = 16;

    @Option(names = "--unshared-calls", description = "give every synchronous call its own remote call: threads of"
            + " one client do not share batch calls (AsyncOptions.withSharedSynchronousCalls(false); for comparison)")
    boolean unsharedCalls;

    @Option(names = "--control", description = "start the clients, then run one measured window per command read"
            + " from standard input: 'window OP SECONDS' (answers one JSON line: ops/s, latency, client CPU µs per"
            + " operation) or 'quit'; for scripts that alternate systems with warm clients (bench/compare.sh)")
    boolean control;

    @Option(names = "--child", hidden = true)
    boolean child;

    @Option(names = "--total-threads", hidden = true)
    int totalThreads;

    @Option(names = "--start-at", hidden = true)
    long startAtMillis;

    /** The operations to run, in order. */
    private List<BenchOp> ops() {
        return opList == null || opList.isEmpty() ? List.of(BenchOp.PUT) : opList;
    }

    /** When each operation's warm-up starts, its measured window opens, and it ends, in nanos from the start. */
    private long[][] schedule() {
        List<BenchOp> ops = ops();
        long[][] phases = new long[ops.size()][3];
        long t = 0;
        for (int k = 0; k < phases.length; k++) {
            phases[k][0] = t;
            phases[k][1] = t + (long) ((k == 0 ? warmup : opWarmup) * 1e9);
            phases[k][2] = phases[k][1] + (long) (duration * 1e9);
            t = phases[k][2];
        }
        return phases;
    }

    @Override
    public Integer call() throws Exception {
        if (clients < 1 || threads < 1 || duration <= 0 || warmup < 0 || opWarmup < 0 || valueSize < 0 || batch < 1
                || keys < 1) {
            throw new CliException("--clients, --threads, --batch and --keys must be at least 1, --duration positive,"
                    + " --warmup, --op-warmup and --value-size not negative");
        }
        if (unsharedCalls) {
            connection.unshareSynchronousCalls();
        }
        List<BenchOp> ops = ops();
        if (ops.size() > 1 && ops.contains(BenchOp.BARRIER)) {
            throw new CliException("--op barrier runs alone: its parties wait for each other across the windows");
        }
        if (control) {
            return runControl();
        }
        long[][] phases = schedule();
        BenchSettings settings = new BenchSettings(clients, threads,
                totalThreads > 0 ? totalThreads : clients * threads, keys, valueSize, batch,
                phases[phases.length - 1][2] / 1_000_000 + 10_000);
        if (async) {
            return runAsync(ops, settings);
        }
        if (child) {
            for (BenchResult r : runInProcess(settings)) {
                System.out.println(r.encode());
            }
            return 0;
        }
        try (Manager setup = connection.connect()) {
            try {
                for (BenchOp op : ops) {
                    op.prepare(setup, settings);
                }
                List<BenchResult> results = fork ? runForked(settings) : runInProcess(settings);
                for (int k = 0; k < ops.size(); k++) {
                    BenchOp op = ops.get(k);
                    String name = op.cliName();
                    double opWarm = (phases[k][1] - phases[k][0]) / 1e9;
                    String title = String.format(Locale.ROOT, "bench %s: %d %s × %d threads, value %d B%s, warm-up"
                                    + " %.1f s", name, clients, fork ? "processes" : "clients", threads, valueSize,
                            op == BenchOp.BATCH ? ", batch " + batch : "", opWarm);
                    System.out.println(json ? results.get(k).json(name, clients, threads, fork, valueSize, batch)
                            : results.get(k).text(title));
                }
            } finally {
                if (!keep) {
                    removeObjects(setup, ops);
                }
            }
        }
        return 0;
    }

    /** {@code --control}: see {@link BenchControl}. */
    private int runControl() throws Exception {
        if (async && inFlight < 1) {
            throw new CliException("--async needs --in-flight of at least 1");
        }
        if (maxOps > 0 || opList != null) {
            throw new CliException("--control takes the operation and the duration of each window from standard"
                    + " input ('window OP SECONDS'): leave out --op and --ops");
        }
        BenchSettings settings = new BenchSettings(clients, threads,
                totalThreads > 0 ? totalThreads : clients * threads, keys, valueSize, batch, 60_000);
        BenchControl c = new BenchControl(connection, settings, clients, threads, fork, child, async ? inFlight : 0,
                keep);
        return c.run(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
    }

    /** {@code --async}: each operation in turn, its clients in this JVM (see {@link AsyncBench}). */
    private int runAsync(List<BenchOp> ops, BenchSettings settings) throws Exception {
        if (fork || inFlight < 1) {
            throw new CliException("--async runs its clients in this JVM (not with --fork), with --in-flight of at"
                    + " least 1");
        }
        for (BenchOp op : ops) {
            if (!AsyncBench.supports(op)) {
                throw new CliException("--async runs put, get or incr; " + op.cliName() + " has no asynchronous form");
            }
        }
        try (Manager setup = connection.connect()) {
            try {
                for (BenchOp op : ops) {
                    op.prepare(setup, settings);
                }
                for (BenchOp op : ops) {
                    BenchResult r = AsyncBench.run(connection, op, settings, clients, threads, inFlight, warmup,
                            duration);
                    String title = String.format(Locale.ROOT, "bench %s --async: %d clients × %d threads × %d in"
                            + " flight, value %d B, warm-up %.1f s", op.cliName(), clients, threads, inFlight,
                            valueSize, warmup);
                    System.out.println(json ? r.json(op.cliName() + "-async-" + inFlight, clients, threads, false,
                            valueSize, batch) : r.text(title));
                }
            } finally {
                if (!keep) {
                    removeObjects(setup, ops);
                }
            }
        }
        return 0;
    }

    /** Removes the objects the operations used, also after a failed run (a missing one is no error). */
    private static void removeObjects(Manager m, List<BenchOp> ops) {
        for (BenchOp op : ops) {
            for (String name : op.objectNames()) {
                m.destroy(name);
            }
        }
    }

    /**
     * Runs all clients in this JVM: one manager per client, {@code threads} threads each; every thread runs the
     * operations in order, on the common schedule. Returns one result per operation.
     */
    private List<BenchResult> runInProcess(BenchSettings s) throws Exception {
        if (startAtMillis > 0) {
            long wait = startAtMillis - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait); // aligns forked clients' start; not a synchronisation of results
            }
        }
        List<BenchOp> ops = ops();
        int localClients = child ? 1 : clients;
        List<Manager> managers = new ArrayList<>();
        for (int c = 0; c < localClients; c++) {
            managers.add(connection.connect());
        }
        try {
            long[][] phases = schedule();
            // forked clients keep the schedule from the common wall-clock start, whatever their connect took
            long start = System.nanoTime() - (startAtMillis > 0
                    ? TimeUnit.MILLISECONDS.toNanos(Math.max(0, System.currentTimeMillis() - startAtMillis)) : 0);
            int n = ops.size();
            AtomicLong[] counted = new AtomicLong[n];
            AtomicLong[] lastExit = new AtomicLong[n];
            List<List<Histogram>> histograms = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                counted[k] = new AtomicLong();
                lastExit[k] = new AtomicLong(Long.MIN_VALUE);
                histograms.add(new ArrayList<>());
            }
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            CountDownLatch done = new CountDownLatch(localClients * threads);
            for (Manager m : managers) {
                for (int t = 0; t < threads; t++) {
                    List<BenchOp.Runner> runners = new ArrayList<>();
                    List<Histogram> mine = new ArrayList<>();
                    for (int k = 0; k < n; k++) {
                        runners.add(ops.get(k).runner(m, s, connection::connect));
                        Histogram h = new Histogram(3);
                        histograms.get(k).add(h);
                        mine.add(h);
                    }
                    Thread thread = new Thread(() -> {
                        try {
                            for (int k = 0; k < n; k++) {
                                long phaseStart = start + phases[k][0];
                                long wait = phaseStart - System.nanoTime();
                                if (wait > 0) {
                                    TimeUnit.NANOSECONDS.sleep(wait);
                                }
                                loop(runners.get(k), mine.get(k), start + phases[k][1], start + phases[k][2],
                                        counted[k]);
                                lastExit[k].accumulateAndGet(System.nanoTime(), Math::max);
                            }
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
            progress(done, start, phases, counted);
            for (BenchOp op : ops) {
                op.finish(managers.get(0), s);
            }
            for (Thread t : workers) {
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            if (failure.get() != null) {
                throw new CliException("bench " + ops.stream().map(BenchOp::cliName)
                        .collect(java.util.stream.Collectors.joining(",")) + " failed: " + failure.get());
            }
            List<BenchResult> results = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                Histogram all = new Histogram(3);
                histograms.get(k).forEach(all::add);
                long measureFrom = start + phases[k][1];
                long end = start + phases[k][2];
                long measured = Math.min(lastExit[k].get(), end) - measureFrom;
                results.add(new BenchResult(counted[k].get(), Math.max(measured, 1), all));
            }
            return results;
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

    /**
     * Waits for the run to end, printing a progress line every second on stderr (for measured windows of 5 s or
     * more) with the operations counted in the current window.
     */
    private void progress(CountDownLatch done, long start, long[][] phases, AtomicLong[] counted)
            throws InterruptedException {
        boolean show = !child && duration >= 5;
        List<BenchOp> ops = ops();
        long[] last = new long[counted.length];
        while (!done.await(1, TimeUnit.SECONDS)) {
            long now = System.nanoTime();
            if (now >= start + phases[phases.length - 1][2]) {
                return;
            }
            for (int k = 0; k < phases.length; k++) {
                if (now > start + phases[k][1] && now <= start + phases[k][2] + 1_000_000_000L) {
                    long current = counted[k].get();
                    if (show) {
                        System.err.printf(Locale.ROOT, "  %4.0f s: %s %,d ops/s%n", (now - start) / 1e9,
                                ops.get(k).cliName(), current - last[k]);
                    }
                    last[k] = current;
                }
            }
        }
    }

    /** Runs each client as its own JVM and merges their results, one per operation. */
    private List<BenchResult> runForked(BenchSettings s) throws Exception {
        // Every child JVM must be up before the common start: on one pinned CPU, JVMs start one after another
        // (about 0.3-0.5 s of CPU each), so a fixed 2 s left 8 children starting late and out of step.
        long startAt = System.currentTimeMillis() + 1_000 + 500L * clients;
        List<Process> processes = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                            .toString(), "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                    "bench", "--child"));
            command.addAll(connection.childArguments());
            if (unsharedCalls) {
                command.add("--unshared-calls");
            }
            command.addAll(List.of("--op", ops().stream().map(BenchOp::name)
                            .collect(java.util.stream.Collectors.joining(",")), "--op-warmup",
                    String.valueOf(opWarmup), "--threads",
                    String.valueOf(threads), "--total-threads", String.valueOf(s.totalThreads()), "--duration",
                    String.valueOf(duration), "--warmup", String.valueOf(warmup), "--value-size",
                    String.valueOf(valueSize), "--batch", String.valueOf(batch), "--keys", String.valueOf(keys),
                    "--start-at", String.valueOf(startAt)));
            if (maxOps > 0) {
                command.addAll(List.of("--ops", String.valueOf(Math.max(1, maxOps / clients))));
            }
            processes.add(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        List<BenchResult> merged = null;
        for (Process p : processes) {
            List<BenchResult> results = new ArrayList<>();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = out.readLine()) != null; ) {
                    if (l.startsWith("RESULT ")) {
                        results.add(BenchResult.decode(l));
                    }
                }
            }
            if (p.waitFor() != 0 || results.size() != ops().size()) {
                throw new CliException("a forked bench client failed (exit " + p.exitValue() + ")");
            }
            if (merged == null) {
                merged = results;
            } else {
                for (int k = 0; k < results.size(); k++) {
                    merged.set(k, merged.get(k).merge(results.get(k)));
                }
            }
        }
        return merged;
    }

    /** Accepts {@code --op} names in any case. */
    static final class OpConverter implements picocli.CommandLine.ITypeConverter<BenchOp> {
        @Override
        public BenchOp convert(String value) {
            try {
                return BenchOp.valueOf(value.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException("unknown op '" + value
                        + "': use put, get, incr, lock, queue, barrier, batch, connect, value-get, value-set,"
                        + " locked-incr or array-set (or a comma-separated list)");
            }
        }
    }
}
