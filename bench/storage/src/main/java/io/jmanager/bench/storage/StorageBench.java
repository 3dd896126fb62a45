package io.jmanager.bench.storage;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * Storage engine comparison for jmanager's --data-dir (docs/storage-engine.md).
 *
 * <pre>
 * mvn -q -f bench/storage/pom.xml compile exec:exec [-Dbench.args="--rounds 2 --dir /tmp/x"]
 * </pre>
 *
 * Cases: write (8 writer threads, durable group commit vs. the same without fsync), recover (1M
 * entries written and closed, then a fresh JVM opens the store and reads everything into a HashMap),
 * crash (a child JVM writes durably, is killed with SIGKILL mid-stream, every acknowledged write must
 * be there after reopening).
 */
public final class StorageBench {

    private static final String USAGE = String.join("\n",
            "StorageBench [options]",
            "  --dir PATH           work directory (default: a new temp directory under java.io.tmpdir; removed at the end)",
            "  --engines LIST       mvstore,sqlite,rocksdb (default: all three)",
            "  --cases LIST         write,recover,crash (default: all three); also growth, soak (see below)",
            "  --modes LIST         durable,nosync (default: both)",
            "  --keys seq|kv        write test keys: seq = Long sequence (append), kv = 16-byte keys among 100,000 (update) (default seq)",
            "  --threads N          writer threads (default 8)",
            "  --seconds S          measured seconds per write run (default 4), after --warmup S (default 1)",
            "  --rounds N           repetitions of each write and recover run, engines alternating (default 2)",
            "  --entries N          recovery data set size (default 1000000)",
            "  --mv-retention MS    MVStore setRetentionTime (default 0, as the registry; -1: MVStore's own 45000)",
            "  --mv-background      MVStore: keep the background writer thread (default: auto-commit disabled)",
            "  --mv-compact MS      MVStore: the committer calls store.compact(FILL, BYTES) at most every MS ms (default off)",
            "  --mv-compact-fill N  (default 50)   --mv-compact-bytes N (default 16777216)",
            "  growth case          (--cases growth) MVStore file size over --growth-seconds (default 30) of durable",
            "                       writes (--keys), for the store configurations the decision record compares",
            "  soak case            (--cases soak) --soak-cycles N (default 10) child JVMs on one store, each writing durably",
            "                       (unique keys, plus updates of 10,000 other keys) for ~1.5 s, then SIGKILLed (even",
            "                       cycles) or closed cleanly (odd cycles); after each, reopen and check every",
            "                       acknowledged write of every cycle so far",
            "  --keep               keep the work directory");

    // options
    private Path dir;
    private boolean ownDir;
    private List<String> engines = List.of("mvstore", "sqlite", "rocksdb");
    private List<String> cases = List.of("write", "recover", "crash");
    private List<Engine.Sync> modes = List.of(Engine.Sync.DURABLE, Engine.Sync.NOSYNC);
    private Engine.Keys keys = Engine.Keys.SEQ;
    private int threads = 8;
    private double seconds = 4;
    private double warmup = 1;
    private int rounds = 2;
    private int entries = 1_000_000;
    private boolean keep;
    private int growthSeconds = 30;
    private int soakCycles = 10;

    public static void main(String[] rawArgs) throws Exception {
        Locale.setDefault(Locale.ROOT);
        String[] args = splitArgs(rawArgs);
        if (args.length > 0 && args[0].equals("--child")) {
            child(args);
            return;
        }
        StorageBench b = new StorageBench();
        if (!b.parse(args)) {
            return;
        }
        b.run();
    }

    /** exec:exec passes -Dbench.args as one argument: split it on blanks. */
    private static String[] splitArgs(String[] raw) {
        List<String> out = new ArrayList<>();
        for (String a : raw) {
            for (String p : a.trim().split("\\s+")) {
                if (!p.isEmpty()) {
                    out.add(p);
                }
            }
        }
        return out.toArray(new String[0]);
    }

    private boolean parse(String[] a) throws Exception {
        for (int i = 0; i < a.length; i++) {
            switch (a[i]) {
                case "--dir": dir = Paths.get(a[++i]); break;
                case "--engines": engines = List.of(a[++i].split(",")); break;
                case "--cases": cases = List.of(a[++i].split(",")); break;
                case "--modes":
                    modes = Arrays.stream(a[++i].split(",")).map(s -> Engine.Sync.valueOf(s.toUpperCase())).toList();
                    break;
                case "--keys": keys = Engine.Keys.valueOf(a[++i].toUpperCase()); break;
                case "--threads": threads = Integer.parseInt(a[++i]); break;
                case "--seconds": seconds = Double.parseDouble(a[++i]); break;
                case "--warmup": warmup = Double.parseDouble(a[++i]); break;
                case "--rounds": rounds = Integer.parseInt(a[++i]); break;
                case "--entries": entries = Integer.parseInt(a[++i]); break;
                case "--mv-retention": MvStoreEngine.retentionMs = Integer.parseInt(a[++i]); break;
                case "--mv-background": MvStoreEngine.backgroundWriter = true; break;
                case "--mv-compact": MvStoreEngine.compactEveryMs = Integer.parseInt(a[++i]); break;
                case "--mv-compact-fill": MvStoreEngine.compactFillRate = Integer.parseInt(a[++i]); break;
                case "--mv-compact-bytes": MvStoreEngine.compactBytes = Integer.parseInt(a[++i]); break;
                case "--growth-seconds": growthSeconds = Integer.parseInt(a[++i]); break;
                case "--soak-cycles": soakCycles = Integer.parseInt(a[++i]); break;
                case "--keep": keep = true; break;
                case "--help": case "-h":
                    System.out.println(USAGE);
                    return false;
                default:
                    throw new IllegalArgumentException("unknown option " + a[i] + "\n" + USAGE);
            }
        }
        for (String e : engines) {
            Engine.byName(e);
        }
        if (dir == null) {
            dir = Files.createTempDirectory("jmanager-storage-bench");
            ownDir = true;
        } else {
            Files.createDirectories(dir);
        }
        return true;
    }

    private void run() throws Exception {
        System.out.printf("jmanager storage bench: %d cores, Java %s, work dir %s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), dir);
        try {
            if (cases.contains("write")) {
                writeCase();
            }
            if (cases.contains("recover")) {
                recoverCase();
            }
            if (cases.contains("crash")) {
                crashCase();
            }
            if (cases.contains("soak")) {
                soakCase();
            }
            if (cases.contains("growth")) {
                growthCase();
            }
            jarTable();
        } finally {
            if (!keep) {
                delete(dir, ownDir);
            }
        }
    }

    // ------------------------------------------------------------------ write

    private record WriteResult(double opsPerSec, double opsPerCommit, long fileBytes, String notes) {
    }

    private void writeCase() throws Exception {
        System.out.printf("%n== write: %d threads, %s keys, 100-byte values, %.0f s warm-up + %.0f s measured per run%n",
                threads, keys == Engine.Keys.SEQ ? "Long sequence" : "16-byte (100,000 distinct)", warmup, seconds);
        Map<String, List<WriteResult>> results = new LinkedHashMap<>();
        for (int r = 1; r <= rounds; r++) {
            for (String name : engines) {
                for (Engine.Sync mode : modes) {
                    Engine e = Engine.byName(name);
                    WriteResult res = write(e, mode, r);
                    results.computeIfAbsent(name + " " + mode.name().toLowerCase(), k -> new ArrayList<>()).add(res);
                    System.out.printf("  round %d %-8s %-8s %,10.0f ops/s  %6s ops/commit  files %7s MB  %s%n", r, name,
                            mode.name().toLowerCase(), res.opsPerSec,
                            res.opsPerCommit > 0 ? String.format("%.1f", res.opsPerCommit) : "-",
                            MvStoreEngine.mb(res.fileBytes), res.notes);
                }
            }
        }
        System.out.printf("%n  %-18s", "engine mode");
        for (int r = 1; r <= rounds; r++) {
            System.out.printf(" %14s", "round " + r + " ops/s");
        }
        System.out.println();
        results.forEach((k, v) -> {
            System.out.printf("  %-18s", k);
            v.forEach(x -> System.out.printf(" %,14.0f", x.opsPerSec));
            System.out.println();
        });
        if (modes.contains(Engine.Sync.DURABLE) && modes.contains(Engine.Sync.NOSYNC)) {
            for (String name : engines) {
                List<WriteResult> d = results.get(name + " durable");
                List<WriteResult> n = results.get(name + " nosync");
                System.out.printf("  %-18s", name + " durable/nosync");
                for (int r = 0; r < d.size(); r++) {
                    System.out.printf(" %14.3f", d.get(r).opsPerSec / n.get(r).opsPerSec);
                }
                System.out.println();
            }
        }
    }

    private WriteResult write(Engine e, Engine.Sync mode, int round) throws Exception {
        Path d = dir.resolve("write-" + e.name() + "-" + mode.name().toLowerCase() + "-" + round);
        AtomicLong seq = new AtomicLong();
        LongAdder ops = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] window = new long[2];
        String notes;
        long commitsBefore;
        long commitsAfter;
        try (Engine.Writer w = e.openWriter(d, mode, keys)) {
            VolatileFlags f = new VolatileFlags();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    SplittableRandom rnd = new SplittableRandom(id * 7919L + round);
                    try {
                        while (!f.stop) {
                            if (keys == Engine.Keys.SEQ) {
                                long k = seq.getAndIncrement();
                                w.put(k, Data.value(k));
                            } else {
                                long k = rnd.nextInt(Data.KV_KEYS);
                                w.put(Data.key(k), Data.value(k ^ rnd.nextLong()));
                            }
                            if (f.measuring) {
                                ops.increment();
                            }
                        }
                    } catch (Throwable x) {
                        failure.compareAndSet(null, x);
                    }
                }, "writer-" + t);
                ts.add(th);
                th.start();
            }
            sleep(warmup);
            commitsBefore = w.commits();
            long t0 = System.nanoTime();
            f.measuring = true;
            sleep(seconds);
            f.measuring = false;
            long t1 = System.nanoTime();
            commitsAfter = w.commits();
            window[0] = t0;
            window[1] = t1;
            f.stop = true;
            for (Thread th : ts) {
                th.join();
            }
            notes = w.notes();
        }
        if (failure.get() != null) {
            throw new IllegalStateException(e.name() + " writer failed", failure.get());
        }
        long bytes = Engine.sizeOf(d);
        delete(d, true);
        double secs = (window[1] - window[0]) / 1e9;
        long n = ops.sum();
        double perCommit = commitsBefore < 0 ? -1 : n / (double) Math.max(1, commitsAfter - commitsBefore);
        return new WriteResult(n / secs, perCommit, bytes, notes);
    }

    private static final class VolatileFlags {
        volatile boolean measuring;
        volatile boolean stop;
    }

    // ------------------------------------------------------------------ recover

    private void recoverCase() throws Exception {
        System.out.printf("%n== recover: %,d entries (16-byte key, 100-byte value) written and closed; a fresh JVM "
                + "opens the store and reads every entry into a HashMap%n", entries);
        Map<String, double[]> load = new LinkedHashMap<>();
        for (String name : engines) {
            Engine e = Engine.byName(name);
            Path d = dir.resolve("recover-" + name);
            long t0 = System.nanoTime();
            e.load(d, entries);
            double s = (System.nanoTime() - t0) / 1e9;
            load.put(name, new double[] {s, Engine.sizeOf(d)});
            System.out.printf("  %-8s loaded in %.1f s, files %s MB%n", name, s, MvStoreEngine.mb(Engine.sizeOf(d)));
        }
        Map<String, List<double[]>> res = new LinkedHashMap<>();
        for (int r = 1; r <= rounds; r++) {
            for (String name : engines) {
                Path d = dir.resolve("recover-" + name);
                long t0 = System.nanoTime();
                List<String> out = runChild("recover", name, d.toString(), Integer.toString(entries));
                double wall = (System.nanoTime() - t0) / 1e9;
                String line = out.stream().filter(l -> l.startsWith("RECOVER ")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("child said: " + out));
                String[] p = line.split(" ");
                long n = Long.parseLong(p[1]);
                double inJvm = Double.parseDouble(p[2]);
                if (n != entries) {
                    throw new IllegalStateException(name + " recovered " + n + " entries, expected " + entries);
                }
                res.computeIfAbsent(name, k -> new ArrayList<>()).add(new double[] {inJvm, wall});
                System.out.printf("  round %d %-8s open+read %.2f s (JVM start to end %.2f s), %,d entries, heap used %s MB%n",
                        r, name, inJvm, wall, n, p[3]);
            }
        }
        System.out.printf("%n  %-8s %9s %10s", "engine", "files MB", "load s");
        for (int r = 1; r <= rounds; r++) {
            System.out.printf(" %16s", "r" + r + " open+read s");
        }
        for (int r = 1; r <= rounds; r++) {
            System.out.printf(" %14s", "r" + r + " with JVM s");
        }
        System.out.println();
        res.forEach((name, v) -> {
            System.out.printf("  %-8s %9s %10.1f", name, MvStoreEngine.mb((long) load.get(name)[1]), load.get(name)[0]);
            v.forEach(x -> System.out.printf(" %16.2f", x[0]));
            v.forEach(x -> System.out.printf(" %14.2f", x[1]));
            System.out.println();
        });
        for (String name : engines) {
            delete(dir.resolve("recover-" + name), true);
        }
    }

    // ------------------------------------------------------------------ crash

    private void crashCase() throws Exception {
        System.out.printf("%n== crash: a child JVM writes durably with %d threads (group commit), SIGKILL after ~1.5 s; "
                + "reopen and check every acknowledged write%n", threads);
        for (String name : engines) {
            crashCycles(name, 1, false);
        }
    }

    private void soakCase() throws Exception {
        System.out.printf("%n== soak: %d child JVMs in turn on one store per engine, %d threads writing durably "
                + "(unique keys + updates of 10,000 other keys), alternately SIGKILLed and closed%n", soakCycles, threads);
        for (String name : engines) {
            crashCycles(name, soakCycles, true);
        }
    }

    /** Runs child writers on one store; returns normally also when a reopen failed (it is reported). */
    private void crashCycles(String name, int cycles, boolean soak) throws Exception {
        Path d = dir.resolve("crash-" + name);
        List<long[]> ackedPerCycle = new ArrayList<>();
        long ackedTotal = 0;
        long missing = 0;
        long bad = 0;
        long present = 0;
        double maxReopen = 0;
        String failure = null;
        int exit = 0;
        for (int c = 0; c < cycles && failure == null; c++) {
            boolean kill = !soak || c % 2 == 0;
            List<String> cmd = childCommand("crash", name, d.toString(), Integer.toString(threads), Integer.toString(c),
                    kill ? "kill" : "close", soak ? "churn" : "nochurn");
            Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            AtomicReference<String> last = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader br = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                    String l;
                    while ((l = br.readLine()) != null) {
                        if (l.startsWith("ACK ") && l.endsWith(" END")) {
                            last.set(l);
                        }
                    }
                } catch (Exception ignore) {
                    // the child was killed
                }
            });
            reader.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (last.get() == null && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(10);
            }
            if (kill) {
                Thread.sleep(1500);
                p.destroyForcibly(); // SIGKILL on Linux
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor();
            }
            reader.join();
            exit = p.exitValue();
            String line = last.get();
            if (line == null) {
                failure = "cycle " + c + ": the child printed no acknowledgement (exit " + exit + ")";
                break;
            }
            if (!kill && exit != 0) {
                failure = "cycle " + c + ": the child failed to close cleanly (exit " + exit + ")";
            }
            String[] parts = line.split(" ");
            long[] acked = new long[threads];
            for (int t = 0; t < threads; t++) {
                acked[t] = Long.parseLong(parts[1 + t]);
            }
            ackedPerCycle.add(acked);
            HashMap<Long, byte[]> got;
            long t0 = System.nanoTime();
            try {
                got = Engine.byName(name).readLog(d);
            } catch (Exception x) {
                failure = "cycle " + c + ": reopen failed: " + x;
                break;
            }
            maxReopen = Math.max(maxReopen, (System.nanoTime() - t0) / 1e9);
            ackedTotal = 0;
            missing = 0;
            bad = 0;
            for (int cc = 0; cc <= c; cc++) {
                long[] a = ackedPerCycle.get(cc);
                for (int t = 0; t < threads; t++) {
                    for (long i = 0; i <= a[t]; i++) {
                        long k = crashKey(cc, t, i);
                        ackedTotal++;
                        byte[] v = got.get(k);
                        if (v == null) {
                            missing++;
                        } else if (!Arrays.equals(v, Data.value(k))) {
                            bad++;
                        }
                    }
                }
            }
            present = got.size();
            if (missing > 0 || bad > 0) {
                failure = "cycle " + c + ": " + missing + " acknowledged writes missing, " + bad + " wrong";
            }
        }
        long files = Engine.sizeOf(d);
        if (soak) {
            System.out.printf("  %-8s %d cycles: acknowledged %,d, present %,d, missing %d, wrong value %d, "
                            + "slowest reopen+read %.2f s, files %s MB -> %s%n",
                    name, ackedPerCycle.size(), ackedTotal, present, missing, bad, maxReopen, MvStoreEngine.mb(files),
                    failure == null ? "OK" : "FAILED: " + failure);
        } else {
            System.out.printf("  %-8s exit %d; acknowledged %,d, present after reopen %,d (%,d unacknowledged extra), "
                            + "missing %d, wrong value %d, reopen+read %.2f s -> %s%n",
                    name, exit, ackedTotal, present, present - (ackedTotal - missing), missing, bad, maxReopen,
                    failure == null ? "OK" : "FAILED: " + failure);
        }
        delete(d, true);
    }

    static long crashKey(int cycle, int thread, long i) {
        return cycle * 100_000_000_000_000L + thread * 1_000_000_000_000L + i;
    }

    // ------------------------------------------------------------------ growth (MVStore only)

    private void growthCase() throws Exception {
        System.out.printf("%n== growth: MVStore file size under %d s of durable %s writes, %d threads%n",
                growthSeconds, keys == Engine.Keys.SEQ ? "Long-sequence (append)" : "16-byte-key (update)", threads);
        Object[][] configs = {
            // name, retention, background writer, compact every ms
            {"no bg thread, retention 45 s (default)", -1, false, 0},
            {"no bg thread, retention 0", 0, false, 0},
            {"no bg thread, retention 0, compact(50,16MB)/10s", 0, false, 10_000},
            {"bg thread (auto-commit 1 s), retention 0", 0, true, 0},
        };
        int savedRetention = MvStoreEngine.retentionMs;
        boolean savedBg = MvStoreEngine.backgroundWriter;
        int savedCompact = MvStoreEngine.compactEveryMs;
        try {
            for (Object[] c : configs) {
                MvStoreEngine.retentionMs = (Integer) c[1];
                MvStoreEngine.backgroundWriter = (Boolean) c[2];
                MvStoreEngine.compactEveryMs = (Integer) c[3];
                growth((String) c[0]);
            }
        } finally {
            MvStoreEngine.retentionMs = savedRetention;
            MvStoreEngine.backgroundWriter = savedBg;
            MvStoreEngine.compactEveryMs = savedCompact;
        }
    }

    private void growth(String label) throws Exception {
        Path d = dir.resolve("growth");
        Path file = d.resolve(MvStoreEngine.FILE);
        AtomicLong seq = new AtomicLong();
        LongAdder ops = new LongAdder();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        StringBuilder sizes = new StringBuilder();
        String notes;
        long t0;
        long t1;
        try (Engine.Writer w = new MvStoreEngine().openWriter(d, Engine.Sync.DURABLE, keys)) {
            VolatileFlags f = new VolatileFlags();
            List<Thread> ts = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread th = new Thread(() -> {
                    SplittableRandom rnd = new SplittableRandom(id * 31L);
                    try {
                        while (!f.stop) {
                            if (keys == Engine.Keys.SEQ) {
                                long k = seq.getAndIncrement();
                                w.put(k, Data.value(k));
                            } else {
                                long k = rnd.nextInt(Data.KV_KEYS);
                                w.put(Data.key(k), Data.value(k ^ rnd.nextLong()));
                            }
                            ops.increment();
                        }
                    } catch (Throwable x) {
                        failure.compareAndSet(null, x);
                    }
                }, "writer-" + t);
                ts.add(th);
                th.start();
            }
            t0 = System.nanoTime();
            int step = Math.max(1, growthSeconds / 5);
            for (int s = step; s <= growthSeconds; s += step) {
                sleep(step);
                sizes.append(String.format(" %ds:%sMB", s, MvStoreEngine.mb(file.toFile().length())));
            }
            f.stop = true;
            t1 = System.nanoTime();
            for (Thread th : ts) {
                th.join();
            }
            notes = w.notes();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("mvstore writer failed", failure.get());
        }
        double rate = ops.sum() / ((t1 - t0) / 1e9);
        System.out.printf("  %-46s %,8.0f ops/s  size%s; after close %s MB  (%s)%n", label, rate, sizes,
                MvStoreEngine.mb(file.toFile().length()), notes);
        delete(d, true);
    }

    // ------------------------------------------------------------------ jars

    private void jarTable() throws Exception {
        System.out.printf("%n== jars%n");
        for (String name : engines) {
            Engine e = Engine.byName(name);
            File jar = new File(e.engineClass().getProtectionDomain().getCodeSource().getLocation().toURI());
            System.out.printf("  %-8s %-40s %8.2f MB  native: %s%n", name, jar.getName(), jar.length() / 1e6, e.nativeCode());
        }
    }

    // ------------------------------------------------------------------ child JVMs

    private static List<String> childCommand(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx2g");
        cmd.add("-Dmv.retention=" + MvStoreEngine.retentionMs);
        cmd.add("-Dmv.background=" + MvStoreEngine.backgroundWriter);
        cmd.add("-Dmv.compact=" + MvStoreEngine.compactEveryMs);
        cmd.add("-Dmv.compactFill=" + MvStoreEngine.compactFillRate);
        cmd.add("-Dmv.compactBytes=" + MvStoreEngine.compactBytes);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(StorageBench.class.getName());
        cmd.add("--child");
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static List<String> runChild(String... args) throws Exception {
        Process p = new ProcessBuilder(childCommand(args)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<String> out = new ArrayList<>();
        try (BufferedReader br = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = br.readLine()) != null) {
                out.add(l);
            }
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("child " + Arrays.toString(args) + " exited " + p.exitValue() + ": " + out);
        }
        return out;
    }

    private static void child(String[] a) throws Exception {
        MvStoreEngine.retentionMs = Integer.getInteger("mv.retention", 0);
        MvStoreEngine.compactFillRate = Integer.getInteger("mv.compactFill", 50);
        MvStoreEngine.compactBytes = Integer.getInteger("mv.compactBytes", 16 << 20);
        MvStoreEngine.backgroundWriter = Boolean.getBoolean("mv.background");
        MvStoreEngine.compactEveryMs = Integer.getInteger("mv.compact", 0);
        String what = a[1];
        Engine e = Engine.byName(a[2]);
        Path d = Paths.get(a[3]);
        if (what.equals("recover")) {
            long t0 = System.nanoTime();
            HashMap<String, byte[]> m = e.recover(d);
            double s = (System.nanoTime() - t0) / 1e9;
            Runtime rt = Runtime.getRuntime();
            System.out.printf("RECOVER %d %.3f %d%n", m.size(), s, (rt.totalMemory() - rt.freeMemory()) / 1_000_000);
        } else if (what.equals("crash")) {
            crashChild(e, d, Integer.parseInt(a[4]), Integer.parseInt(a[5]), a[6].equals("kill"), a[7].equals("churn"));
        } else {
            throw new IllegalArgumentException(what);
        }
    }

    /**
     * Writes durably, printing the per-thread highest acknowledged index every 5 ms. With kill, runs until
     * killed (at most 30 s); otherwise stops after 1.5 s, closes the store cleanly and prints the final line.
     * With churn, every verified write is followed by an update of one of 10,000 other keys.
     */
    private static void crashChild(Engine e, Path d, int threads, int cycle, boolean kill, boolean churn)
            throws Exception {
        AtomicLongArray acked = new AtomicLongArray(threads);
        for (int t = 0; t < threads; t++) {
            acked.set(t, -1);
        }
        VolatileFlags f = new VolatileFlags();
        Engine.Writer w = e.openWriter(d, Engine.Sync.DURABLE, Engine.Keys.SEQ);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> {
                SplittableRandom rnd = new SplittableRandom(cycle * 1000L + id);
                try {
                    for (long i = 0; !f.stop; i++) {
                        long k = crashKey(cycle, id, i);
                        w.put(k, Data.value(k));
                        acked.set(id, i);
                        if (churn) {
                            w.put(Data.key(rnd.nextInt(10_000)), Data.value(rnd.nextLong()));
                        }
                    }
                } catch (Throwable x) {
                    x.printStackTrace();
                }
            }, "writer-" + t);
            th.setDaemon(true);
            ts.add(th);
            th.start();
        }
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(kill ? 30 : 1) + TimeUnit.MILLISECONDS.toNanos(kill ? 0 : 500);
        while (System.nanoTime() < end) {
            printAcks(acked, threads);
            Thread.sleep(5);
        }
        if (kill) {
            Runtime.getRuntime().halt(3);
        }
        f.stop = true;
        for (Thread th : ts) {
            th.join();
        }
        w.close();
        printAcks(acked, threads);
        System.out.println("CLOSED");
        System.out.flush();
    }

    private static void printAcks(AtomicLongArray acked, int threads) {
        StringBuilder b = new StringBuilder("ACK");
        for (int t = 0; t < threads; t++) {
            b.append(' ').append(acked.get(t));
        }
        b.append(" END");
        System.out.println(b);
        System.out.flush();
    }

    // ------------------------------------------------------------------ helpers

    private static void sleep(double s) throws InterruptedException {
        Thread.sleep((long) (s * 1000));
    }

    private static void delete(Path p, boolean includingRoot) throws Exception {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                if (includingRoot || !x.equals(p)) {
                    Files.delete(x);
                }
            }
        }
    }
}
