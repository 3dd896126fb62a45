package io.jmanager.cli;

import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedArray;
import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.SharedMemoryOptions;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code shm bench}: one shared-memory operation from {@code --procs} processes of this host, each its own JVM (this
 * one runs process 0 in a thread unless {@code --children}; the others are {@code worker.jar} started again with
 * {@link ProcessBuilder}). The processes meet in the bench area itself:
 * <ol>
 *   <li>each process opens the area and counts itself in {@code bench.control[ATTACHED]}; the coordinator (this
 *       JVM's main thread) waits for all of them, then sets the phase to WARM-UP, so that all start together;</li>
 *   <li>warm-up: each process runs rounds of {@value #ROUND_MILLIS} ms and counts itself in {@code WARM} once its
 *       rate has stopped rising ({@value #FLAT_ROUNDS} rounds in a row not {@value #RISE_PERCENT} % above its best,
 *       after at least {@value #MIN_ROUNDS} rounds) and its JIT compiled nothing during those rounds. A flat rate
 *       alone ended too early on a busy machine, where the compiler threads wait for the CPU while the loop's
 *       callees still run C1-compiled code: measured, 1-process windows at 126-154 ns of CPU per operation (array
 *       read, locked increment) after 0.8-0.9 s warm-ups, against 7 and 39 ns after longer ones; with this rule,
 *       8 array-read runs in a row measured 6.4-7.1 ns. It keeps running after its plateau, so that the others
 *       warm up under the same contention. The coordinator watches the aggregate rate the same way, and opens
 *       the measured window (phase MEASURE) once every process and the aggregate have stopped rising, or after
 *       {@code --max-warmup};</li>
 *   <li>the measured window: {@code --seconds} (then the coordinator sets STOP and all stop at their next batch)
 *       or {@code --ops} operations in all, divided among the processes;</li>
 *   <li>each process writes its figures to {@code bench.results} and counts itself in {@code FINISHED}.</li>
 * </ol>
 * The aggregate rate is the measured operations of all processes divided by the longest process's window. For the
 * counter operations the final counter must equal every operation of every process, warm-up included: it is
 * printed, and a mismatch fails the run (exit 1). The area is removed afterwards unless {@code --keep}.
 *
 * <p>The measured loop is its own method ({@link #measure}) calling the operation's {@link ShmBenchOp.Loop}, which
 * the warm-up has called thousands of times: a loop compiled on-stack-replacement in a long-running method keeps
 * boxing that a normally compiled method eliminates (145M/s against 500M/s array sets, measured).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Benchmark one shared-memory operation from N processes of this host (no registry):"
                + " warm-up until the rate stops rising, a common measured window, aggregate and per-process"
                + " ops/s; counters are checked against the operations done.")
final class ShmBenchCommand implements Callable<Integer> {
    static final int ROUND_MILLIS = 100;
    static final int MIN_ROUNDS = 10;
    static final int FLAT_ROUNDS = 5;
    static final int RISE_PERCENT = 3;
    /** Operations between two looks at the phase word. */
    static final int BATCH = 1024;

    // bench.control, a 'q' array without lock
    static final int PHASE = 0;
    static final int ATTACHED = 1;
    static final int WARM = 2;
    static final int FINISHED = 3;
    static final int CONTROL_LENGTH = 8;
    static final long WAIT = 0;
    static final long WARMUP = 1;
    static final long MEASURE = 2;
    static final long STOP = 3;
    static final long ABORT = -1;

    // bench.results: one row of 16 longs (two cache lines of its own) per process
    static final int FIELDS = 16;
    static final int F_PID = 0;
    static final int F_PROGRESS = 1;
    static final int F_OPS = 2;
    static final int F_NANOS = 3;
    static final int F_TOTAL = 4;
    static final int F_WARM_NANOS = 5;
    static final int F_WARM_ROUNDS = 6;
    static final int F_DONE = 7;
    static final int F_CPU_NANOS = 8;

    @Mixin
    ShmCommand.Directory directory;

    @Option(names = "--op", paramLabel = "OP", converter = OpConverter.class, description = "get, set, add-and-get,"
            + " cas-increment, locked-increment, lock-unlock, array-write or array-read (default: locked-increment)")
    ShmBenchOp op = ShmBenchOp.LOCKED_INCREMENT;

    @Option(names = "--procs", paramLabel = "N", description = "processes (JVMs) running the operation"
            + " (default: ${DEFAULT-VALUE})")
    int procs = 1;

    @Option(names = "--seconds", paramLabel = "S", description = "measured seconds (default: ${DEFAULT-VALUE})")
    double seconds = 3;

    @Option(names = "--ops", paramLabel = "N", description = "measure N operations in all instead of --seconds")
    long ops;

    @Option(names = "--lock", paramLabel = "own|none", description = "the counter's or array's lock: own"
            + " (Python's lock=True; the default of locked-increment) or none (lock=False; the default of the"
            + " others)")
    LockChoice lock;

    @Option(names = "--length", paramLabel = "N", description = "elements of the 'd' array; each process uses its"
            + " own power-of-two range of it (default: ${DEFAULT-VALUE})")
    int length = 4096;

    @Option(names = "--max-warmup", paramLabel = "S", description = "end the warm-up after S seconds even if the"
            + " rate still rises (default: ${DEFAULT-VALUE})")
    double maxWarmup = 60;

    @Option(names = "--area", paramLabel = "NAME", description = "the bench area (default: bench-PID); an existing"
            + " one is reused, its bench objects reset")
    String area;

    @Option(names = "--keep", description = "keep the area afterwards (default: remove it)")
    boolean keep;

    @Option(names = "--children", description = "run all N processes as child JVMs; by default this JVM runs"
            + " process 0 and starts N-1")
    boolean allChildren;

    @Option(names = "--json", description = "print one JSON object instead of text")
    boolean json;

    @Option(names = "--child", hidden = true)
    int childIndex = -1;

    /** The JIT's accumulated compilation time, or null where the JVM does not report it. */
    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    /** The CPU time of the measuring thread: per operation, a cost that other processes' load does not inflate. */
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Written after every batch, so that the JIT keeps the operations. */
    private long sink;

    enum LockChoice { OWN, NONE }

    private Locking locking() {
        if (lock == null) {
            return op.defaultLocking();
        }
        return lock == LockChoice.OWN ? Locking.OWN : Locking.NONE;
    }

    private String lockName() {
        return locking() == Locking.OWN ? "own" : "none";
    }

    private SharedMemoryOptions options() {
        // room for the control block, the results and the array, rounded up generously
        long needed = (long) length * 8 + (long) procs * FIELDS * 8 + (1 << 20);
        return directory.options().withCapacity(Math.max(4L << 20, needed * 2));
    }

    @Override
    public Integer call() throws Exception {
        if (procs < 1 || procs > 64 || (ops <= 0 && seconds <= 0) || ops < 0 || length < procs || maxWarmup < 0) {
            throw new CliException("--procs must be 1 to 64, --seconds or --ops positive, --length at least --procs,"
                    + " --max-warmup not negative");
        }
        if (op == ShmBenchOp.LOCKED_INCREMENT && locking() == Locking.NONE) {
            throw new CliException("locked-increment takes the counter's own lock: it cannot run with --lock none");
        }
        if (childIndex >= 0) {
            return runChild();
        }
        if (area == null) {
            area = "bench-" + ProcessHandle.current().pid();
        }
        return coordinate();
    }

    // ---- the coordinator ----

    private int coordinate() throws Exception {
        SharedMemoryOptions options = options();
        List<Process> children = new ArrayList<>();
        AtomicReference<Throwable> localFailure = new AtomicReference<>();
        Thread local = null;
        SharedMemory shm = SharedMemory.open(area, options);
        boolean ok = false;
        try {
            MappedArray<Long> control = shm.array("bench.control", 'q', CONTROL_LENGTH, Locking.NONE);
            MappedArray<Long> results = shm.array("bench.results", 'q', procs * FIELDS, Locking.NONE);
            for (int i = 0; i < CONTROL_LENGTH; i++) {
                control.set(i, 0L);
            }
            for (int i = 0; i < procs * FIELDS; i++) {
                results.set(i, 0L);
            }
            op.prepare(shm, locking(), length);
            int first = allChildren ? 0 : 1;
            for (int k = first; k < procs; k++) {
                children.add(startChild(k, options.directory()));
            }
            if (!allChildren) {
                local = new Thread(() -> {
                    try {
                        runWorker(shm, 0);
                    } catch (Throwable e) {
                        localFailure.set(e);
                        control.set(PHASE, ABORT);
                    }
                }, "shm-bench-0");
                local.setDaemon(true);
                local.start();
            }
            Watch watch = new Watch(control, children, localFailure);
            watch.await(ATTACHED, procs, 120_000, "processes to start");
            control.set(PHASE, WARMUP);
            long warmStart = System.nanoTime();
            boolean capped = warmUp(control, results, watch, warmStart);
            double warmSeconds = (System.nanoTime() - warmStart) / 1e9;
            control.set(PHASE, MEASURE);
            if (ops == 0) {
                long end = System.nanoTime() + (long) (seconds * 1e9);
                for (long left; (left = end - System.nanoTime()) > 0; ) {
                    Thread.sleep(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 50)));
                    watch.check();
                }
                control.set(PHASE, STOP);
            }
            watch.await(FINISHED, procs, (long) (seconds * 1000) + 600_000, "processes to finish");
            if (local != null) {
                local.join(10_000);
            }
            for (Process child : children) {
                if (!child.waitFor(30, TimeUnit.SECONDS)) {
                    throw new CliException("a bench child process did not exit");
                }
                if (child.exitValue() != 0) {
                    throw new CliException("a bench child process failed (exit " + child.exitValue() + ")");
                }
            }
            if (localFailure.get() != null) {
                throw new CliException("shm bench failed: " + localFailure.get());
            }
            Report report = new Report(results, warmSeconds, capped);
            if (op.isCounter()) {
                report.counter = op.counterValue(shm, locking());
            }
            System.out.println(json ? report.json() : report.text());
            ok = !op.isCounter() || report.counter == report.totalOps;
            if (!ok) {
                System.err.println("worker.jar: shm bench " + op.cliName() + ": the counter is " + report.counter
                        + " but the processes did " + report.totalOps + " increments: lost updates");
            }
            return ok ? 0 : 1;
        } finally {
            if (!ok) {
                try {
                    shm.array("bench.control", 'q', CONTROL_LENGTH, Locking.NONE).set(PHASE, ABORT);
                } catch (RuntimeException ignored) {
                    // the area is going away anyway
                }
                for (Process child : children) {
                    if (!child.waitFor(2, TimeUnit.SECONDS)) {
                        child.destroyForcibly();
                    }
                }
                if (local != null) {
                    local.join(2_000);
                }
            }
            shm.close();
            if (!keep) {
                SharedMemory.destroy(area, options);
            }
        }
    }

    /**
     * The coordinator's side of the warm-up: waits until every process has reported its plateau and the aggregate
     * rate (sampled every round from the processes' progress counters) has stopped rising too.
     *
     * @return whether {@code --max-warmup} ended it instead
     */
    private boolean warmUp(MappedArray<Long> control, MappedArray<Long> results, Watch watch, long start)
            throws InterruptedException {
        Plateau aggregate = new Plateau();
        long lastOps = progress(results);
        long lastTime = System.nanoTime();
        long cap = (long) (maxWarmup * 1e9);
        while (true) {
            Thread.sleep(ROUND_MILLIS);
            watch.check();
            long now = System.nanoTime();
            long total = progress(results);
            aggregate.round((total - lastOps) * 1e9 / Math.max(1, now - lastTime), true);
            lastOps = total;
            lastTime = now;
            if (control.get(WARM) >= procs && aggregate.flat()) {
                return false;
            }
            if (now - start > cap + TimeUnit.MILLISECONDS.toNanos(2 * ROUND_MILLIS)) {
                return true;
            }
        }
    }

    private long progress(MappedArray<Long> results) {
        long sum = 0;
        for (int k = 0; k < procs; k++) {
            sum += results.get(k * FIELDS + F_PROGRESS);
        }
        return sum;
    }

    private Process startChild(int index, Path dir) throws java.io.IOException {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-X")) {
                command.add(arg); // heap, GC and JIT flags apply to every process alike
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                "shm", "bench", "--child", String.valueOf(index), "--dir", dir.toString(), "--area", area,
                "--op", op.cliName(), "--procs", String.valueOf(procs), "--lock", lockName(),
                "--length", String.valueOf(length), "--max-warmup", String.valueOf(maxWarmup),
                "--seconds", String.valueOf(seconds), "--ops", String.valueOf(ops)));
        return new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    }

    /** Waits for a control counter while checking that every process is still there. */
    private final class Watch {
        private final MappedArray<Long> control;
        private final List<Process> children;
        private final AtomicReference<Throwable> localFailure;

        Watch(MappedArray<Long> control, List<Process> children, AtomicReference<Throwable> localFailure) {
            this.control = control;
            this.children = children;
            this.localFailure = localFailure;
        }

        void await(int counter, long expected, long timeoutMillis, String what) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (control.get(counter) < expected) {
                check();
                if (System.nanoTime() - deadline > 0) {
                    throw new CliException("shm bench: timed out waiting for " + what + " (" + control.get(counter)
                            + " of " + expected + ")");
                }
                Thread.sleep(5);
            }
        }

        void check() {
            if (localFailure.get() != null) {
                throw new CliException("shm bench failed: " + localFailure.get());
            }
            for (Process child : children) {
                if (!child.isAlive() && child.exitValue() != 0) {
                    throw new CliException("a bench child process failed (exit " + child.exitValue() + ")");
                }
            }
        }
    }

    // ---- a process ----

    /** A child JVM: opens the area, runs process {@code --child}, exits; ends itself if the coordinator dies. */
    private int runChild() throws Exception {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        Thread watchdog = new Thread(() -> {
            while (parent != null) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                if (!parent.isAlive()) {
                    Runtime.getRuntime().halt(3);
                }
            }
        }, "shm-bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        try (SharedMemory shm = SharedMemory.openExisting(area, options())) {
            runWorker(shm, childIndex);
        }
        return 0;
    }

    /** One process of the run: waits for the start, warms up, runs the measured window, reports. */
    private void runWorker(SharedMemory shm, int index) throws InterruptedException {
        MappedArray<Long> control = shm.array("bench.control", 'q', CONTROL_LENGTH, Locking.NONE);
        MappedArray<Long> results = shm.array("bench.results", 'q', procs * FIELDS, Locking.NONE);
        ShmBenchOp.Loop loop = op.loop(shm, locking(), index, procs, length);
        int row = index * FIELDS;
        results.set(row + F_PID, ProcessHandle.current().pid());
        control.addAndGet(ATTACHED, 1);
        while (control.get(PHASE) == WAIT) {
            Thread.sleep(1);
        }
        // warm-up: rounds until the rate stops rising, then on at full speed until the window opens
        long executed = 0;
        long warmStart = System.nanoTime();
        long warmNanos = 0;
        int rounds = 0;
        long cap = (long) (maxWarmup * 1e9);
        Plateau plateau = new Plateau();
        long lastJit = jitMillis();
        while (control.get(PHASE) == WARMUP) {
            long roundStart = System.nanoTime();
            long done = round(loop, control, roundStart + TimeUnit.MILLISECONDS.toNanos(ROUND_MILLIS));
            long now = System.nanoTime();
            executed += done;
            results.set(row + F_PROGRESS, executed);
            if (warmNanos == 0) {
                rounds++;
                long jit = jitMillis();
                plateau.round(done * 1e9 / Math.max(1, now - roundStart), jit == lastJit);
                lastJit = jit;
                if ((rounds >= MIN_ROUNDS && plateau.flat()) || now - warmStart > cap) {
                    warmNanos = now - warmStart;
                    control.addAndGet(WARM, 1);
                }
            }
        }
        long measured = 0;
        long window = 0;
        long cpuNanos = 0;
        if (control.get(PHASE) == MEASURE) {
            long t0 = System.nanoTime();
            long cpu0 = THREADS.getCurrentThreadCpuTime();
            measured = ops == 0 ? measure(loop, control)
                    : measureOps(loop, ops / procs + (index == 0 ? ops % procs : 0));
            window = System.nanoTime() - t0;
            cpuNanos = THREADS.getCurrentThreadCpuTime() - cpu0;
            executed += measured;
        }
        if (control.get(PHASE) == ABORT) {
            throw new CliException("shm bench: aborted by the coordinator");
        }
        results.set(row + F_OPS, measured);
        results.set(row + F_NANOS, window);
        results.set(row + F_TOTAL, executed);
        results.set(row + F_WARM_NANOS, warmNanos);
        results.set(row + F_WARM_ROUNDS, (long) rounds);
        results.set(row + F_CPU_NANOS, cpuNanos);
        results.set(row + F_PROGRESS, executed);
        results.set(row + F_DONE, 1L);
        control.addAndGet(FINISHED, 1);
    }

    /** One warm-up round: batches until {@code end} or until the phase changes; returns the operations done. */
    private long round(ShmBenchOp.Loop loop, MappedArray<Long> control, long end) {
        long done = 0;
        do {
            sink += loop.run(BATCH);
            done += BATCH;
        } while (System.nanoTime() - end < 0 && control.get(PHASE) == WARMUP);
        return done;
    }

    /**
     * The measured window: batches while the phase is MEASURE. A method of its own, so that the loop it calls is
     * the normally compiled {@link ShmBenchOp.Loop#run} (see the class comment).
     */
    private long measure(ShmBenchOp.Loop loop, MappedArray<Long> control) {
        long done = 0;
        while (control.get(PHASE) == MEASURE) {
            sink += loop.run(BATCH);
            done += BATCH;
        }
        return done;
    }

    /** The measured window of {@code --ops}: this process's share of the operations. */
    private long measureOps(ShmBenchOp.Loop loop, long share) {
        long done = 0;
        while (done < share) {
            int n = (int) Math.min(BATCH, share - done);
            sink += loop.run(n);
            done += n;
        }
        return done;
    }

    /** Milliseconds the JIT has spent compiling in this JVM so far (0 if not reported). */
    static long jitMillis() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : 0;
    }

    /**
     * "The rate stopped rising": {@value #FLAT_ROUNDS} rounds in a row not {@value #RISE_PERCENT} % above the best,
     * in none of which the JIT compiled anything.
     */
    static final class Plateau {
        private double best;
        private int flatRounds;

        void round(double rate, boolean jitQuiet) {
            if (rate > best * (1 + RISE_PERCENT / 100.0)) {
                best = rate;
                flatRounds = 0;
            } else if (!jitQuiet) {
                flatRounds = 0;
            } else {
                flatRounds++;
            }
        }

        boolean flat() {
            return flatRounds >= FLAT_ROUNDS;
        }
    }

    // ---- the report ----

    private final class Report {
        final long[] pid = new long[procs];
        final long[] opsDone = new long[procs];
        final long[] nanos = new long[procs];
        final long[] total = new long[procs];
        final long[] warmNanos = new long[procs];
        final long[] warmRounds = new long[procs];
        final long[] cpuNanos = new long[procs];
        final double warmSeconds;
        final boolean capped;
        long measuredOps;
        long maxNanos;
        long totalOps;
        long cpuTotal;
        long counter;

        Report(MappedArray<Long> results, double warmSeconds, boolean capped) {
            this.warmSeconds = warmSeconds;
            this.capped = capped;
            for (int k = 0; k < procs; k++) {
                int row = k * FIELDS;
                pid[k] = results.get(row + F_PID);
                opsDone[k] = results.get(row + F_OPS);
                nanos[k] = results.get(row + F_NANOS);
                total[k] = results.get(row + F_TOTAL);
                warmNanos[k] = results.get(row + F_WARM_NANOS);
                warmRounds[k] = results.get(row + F_WARM_ROUNDS);
                cpuNanos[k] = results.get(row + F_CPU_NANOS);
                cpuTotal += cpuNanos[k];
                measuredOps += opsDone[k];
                maxNanos = Math.max(maxNanos, nanos[k]);
                totalOps += total[k];
            }
        }

        double opsPerSecond() {
            return maxNanos == 0 ? 0 : measuredOps * 1e9 / maxNanos;
        }

        double rate(int k) {
            return nanos[k] == 0 ? 0 : opsDone[k] * 1e9 / nanos[k];
        }

        /** CPU nanoseconds per operation: of process {@code k}, or of all processes when {@code k < 0}. */
        double cpuPerOp(int k) {
            long cpu = k < 0 ? cpuTotal : cpuNanos[k];
            long done = k < 0 ? measuredOps : opsDone[k];
            return done == 0 ? 0 : (double) cpu / done;
        }

        String text() {
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "shm bench %s: %d process%s (%s), lock %s, area %s%n  %s",
                    op.cliName(), procs, procs == 1 ? "" : "es", allChildren ? "all child JVMs"
                            : procs == 1 ? "this JVM" : "this JVM and " + (procs - 1) + " child JVM"
                            + (procs == 2 ? "" : "s"), lockName(), area, op.code));
            lines.add(String.format(Locale.ROOT, "  warm-up: %.1f s%s; measured: %,d operations in %.3f s",
                    warmSeconds, capped ? " (capped by --max-warmup: the rate was still rising or the JIT busy)"
                            : " (until the rate stopped rising and the JIT was quiet)", measuredOps, maxNanos / 1e9));
            lines.add(String.format(Locale.ROOT, "  throughput: %,.0f ops/s (%.1f ns per operation per process;"
                    + " %.1f ns of CPU per operation)", opsPerSecond(),
                    opsPerSecond() == 0 ? 0 : procs * 1e9 / opsPerSecond(), cpuPerOp(-1)));
            lines.add(String.format(Locale.ROOT, "  %-7s %-8s %16s %9s %16s %9s %9s", "process", "pid", "operations",
                    "seconds", "ops/s", "cpu ns/op", "warm-up s"));
            for (int k = 0; k < procs; k++) {
                lines.add(String.format(Locale.ROOT, "  %-7d %-8d %,16d %9.3f %,16.0f %9.1f %9.1f", k, pid[k],
                        opsDone[k], nanos[k] / 1e9, rate(k), cpuPerOp(k), warmNanos[k] / 1e9));
            }
            if (op.isCounter()) {
                lines.add(String.format(Locale.ROOT, "  counter: %,d; operations of all processes, warm-up"
                        + " included: %,d: %s", counter, totalOps, counter == totalOps ? "ok" : "LOST UPDATES"));
            }
            return String.join(System.lineSeparator(), lines);
        }

        String json() {
            StringBuilder per = new StringBuilder();
            for (int k = 0; k < procs; k++) {
                per.append(k == 0 ? "" : ",").append(String.format(Locale.ROOT, "{\"pid\":%d,\"operations\":%d,"
                                + "\"seconds\":%.6f,\"opsPerSec\":%.1f,\"cpuSeconds\":%.6f,\"cpuNsPerOp\":%.2f,"
                                + "\"warmupSeconds\":%.3f,\"warmupRounds\":%d,\"totalOperations\":%d}", pid[k],
                        opsDone[k], nanos[k] / 1e9, rate(k), cpuNanos[k] / 1e9, cpuPerOp(k), warmNanos[k] / 1e9,
                        warmRounds[k], total[k]));
            }
            String check = !op.isCounter() ? "null" : String.format(Locale.ROOT,
                    "{\"value\":%d,\"expected\":%d,\"ok\":%b}", counter, totalOps, counter == totalOps);
            return String.format(Locale.ROOT, "{\"system\":\"jmanager-shm\",\"op\":%s,\"procs\":%d,\"lock\":%s,"
                            + "\"children\":%d,\"operations\":%d,\"seconds\":%.6f,\"opsPerSec\":%.1f,"
                            + "\"cpuNsPerOp\":%.2f,\"warmupSeconds\":%.3f,\"warmupCapped\":%b,\"counter\":%s,"
                            + "\"perProcess\":[%s]}",
                    Json.quote(op.cliName()), procs, Json.quote(lockName()), allChildren ? procs : procs - 1,
                    measuredOps, maxNanos / 1e9, opsPerSecond(), cpuPerOp(-1), warmSeconds, capped, check, per);
        }
    }

    /** Accepts {@code --op} names with dashes or underscores, in any case. */
    static final class OpConverter implements ITypeConverter<ShmBenchOp> {
        @Override
        public ShmBenchOp convert(String value) {
            try {
                return ShmBenchOp.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException("unknown op '" + value + "': use get, set, add-and-get,"
                        + " cas-increment, locked-increment, lock-unlock, array-write or array-read");
            }
        }
    }
}
