import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.RMIServerSocketFactory;
import java.rmi.server.UnicastRemoteObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The plain-RMI floor jmanager is compared with: a {@code ConcurrentHashMap<String, byte[]>} behind a
 * {@link UnicastRemoteObject}, called with {@code put(String, byte[])} and {@code get(String)} — what a dict call
 * costs in bare Java RMI, with no sessions, encoding, filters or checks. One file, no dependencies:
 *
 * <pre>
 *   java bench/RmiFloor.java server --port 23501
 *   java bench/RmiFloor.java client --port 23501 --op put,get --clients N [--threads T] --duration S --warmup S
 *        [--op-warmup S] [--json]
 *   java bench/RmiFloor.java client --port 23501 --control [--clients N] [--threads T]
 * </pre>
 *
 * The client runs {@code --threads} threads (default 1) sharing one stub in each of its {@code --clients}
 * processes: with one client, in this JVM; with more, each in its own child JVM (started like this one, so it
 * inherits the CPU affinity set with taskset). Every thread calls one operation after another; the operations
 * that complete inside a window count, and their latencies go into a log-bucket histogram (16 buckets per power
 * of two: values within 6.25 %). Each window also reports the CPU time the calling processes used during it
 * ({@code getProcessCpuTime}), summed over the processes, and per operation.
 *
 * <p>Without {@code --control}, the listed operations run one after another: a warm-up of {@code --warmup}
 * seconds for the first and {@code --op-warmup} for the others, then a window of {@code --duration} seconds each;
 * one line (or JSON object) per operation. With {@code --control} the client starts, prints
 * {@code {"ready":true,...}} and then answers one JSON line per command read from standard input:
 * {@code window OP SECONDS} runs one measured window of every thread of every process from one common start
 * instant; {@code quit} (or end of input) ends it; a wrong command answers {@code {"error":"..."}}. The script
 * that drives it (bench/compare.sh) decides what is a warm-up. Children speak the same protocol with the start
 * instant added ({@code window OP SECONDS START_AT_EPOCH_MILLIS}) and answer {@code RESULT ...} lines.
 */
public final class RmiFloor {
    /** The remote interface: a dict of byte arrays. */
    public interface Store extends Remote {
        byte[] put(String key, byte[] value) throws RemoteException;

        byte[] get(String key) throws RemoteException;
    }

    static final class StoreImpl implements Store {
        private final ConcurrentHashMap<String, byte[]> map = new ConcurrentHashMap<>();

        @Override
        public byte[] put(String key, byte[] value) {
            return map.put(key, value);
        }

        @Override
        public byte[] get(String key) {
            return map.get(key);
        }
    }

    /** Listens on 127.0.0.1 only; all instances are equal, so the registry and the object share one port. */
    static final class LoopbackSockets implements RMIServerSocketFactory {
        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
            return s;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof LoopbackSockets;
        }

        @Override
        public int hashCode() {
            return 1;
        }
    }

    private static Registry registry; // strong references: nothing may be collected or unexported
    private static StoreImpl store;

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        String mode = args.length > 0 ? args[0] : "";
        int port = Integer.parseInt(o.getOrDefault("port", "23501"));
        if (mode.equals("server")) {
            System.setProperty("java.rmi.server.hostname", "127.0.0.1");
            LoopbackSockets ssf = new LoopbackSockets();
            registry = LocateRegistry.createRegistry(port, null, ssf);
            store = new StoreImpl();
            registry.rebind("store", UnicastRemoteObject.exportObject(store, port, null, ssf));
            System.out.println("rmi-floor ready at 127.0.0.1:" + port + " (java " + System.getProperty("java.version")
                    + ")");
            Thread.currentThread().join();
        } else if (mode.equals("client")) {
            client(o, port);
        } else {
            System.err.println("usage: RmiFloor server --port P\n"
                    + "       RmiFloor client --port P --op put|get[,...] [--clients N] [--threads T] --duration S"
                    + " --warmup S [--op-warmup S] [--value-size B] [--keys K] [--json]\n"
                    + "       RmiFloor client --port P --control [--clients N] [--threads T] [--value-size B]"
                    + " [--keys K]   (then 'window put|get SECONDS' or 'quit' on stdin; one JSON line each)");
            System.exit(2);
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                    .getOperatingSystemMXBean();

    private static void client(Map<String, String> o, int port) throws Exception {
        int clients = Integer.parseInt(o.getOrDefault("clients", "1"));
        int threads = Integer.parseInt(o.getOrDefault("threads", "1"));
        int valueSize = Integer.parseInt(o.getOrDefault("value-size", "16"));
        int keys = Integer.parseInt(o.getOrDefault("keys", "10000"));
        if (clients < 1 || threads < 1 || keys < 1 || valueSize < 0) {
            throw new IllegalArgumentException("--clients, --threads and --keys must be at least 1");
        }
        Store s = (Store) LocateRegistry.getRegistry("127.0.0.1", port).lookup("store");
        byte[] value = new byte[valueSize];
        java.util.Arrays.fill(value, (byte) 'x');
        BufferedReader stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (o.containsKey("child")) {
            Local local = new Local(s, threads, value, keys);
            System.out.println("READY");
            System.out.flush();
            for (String l; (l = stdin.readLine()) != null && !l.trim().equals("quit"); ) {
                String[] f = l.trim().split("\\s+");
                try {
                    String op = checkOp(f[1]);
                    long startNanos = System.nanoTime()
                            + (Long.parseLong(f[3]) - System.currentTimeMillis()) * 1_000_000L;
                    Result r = local.window(op, startNanos, startNanos + (long) (Double.parseDouble(f[2]) * 1e9));
                    System.out.println(r.encode());
                } catch (RuntimeException e) {
                    System.out.println("ERROR " + e);
                }
                System.out.flush();
            }
            return;
        }
        for (int k = 0; k < keys; k++) { // the same key space as worker.jar bench: get always finds its key
            s.put(key(k), value);
        }
        Clients c = clients == 1 ? new Local(s, threads, value, keys)
                : new Forked(port, clients, threads, valueSize, keys);
        try {
            if (o.containsKey("control")) {
                control(c, stdin, clients, threads);
            } else {
                oneShot(c, o, clients, threads);
            }
        } finally {
            c.close();
        }
    }

    private static String checkOp(String op) {
        if (!op.equals("put") && !op.equals("get")) {
            throw new IllegalArgumentException("unknown op '" + op + "': use put or get");
        }
        return op;
    }

    /** {@code --control}: one window per command on standard input (see the class comment). */
    private static void control(Clients c, BufferedReader stdin, int clients, int threads) throws Exception {
        System.out.printf(Locale.ROOT, "{\"ready\":true,\"processes\":%d,\"threads\":%d,\"inFlight\":0}%n",
                clients, threads);
        System.out.flush();
        for (String l; (l = stdin.readLine()) != null; ) {
            String[] f = l.trim().split("\\s+");
            if (f[0].isEmpty()) {
                continue;
            }
            if (f[0].equals("quit")) {
                break;
            }
            try {
                if (!f[0].equals("window") || f.length != 3) {
                    throw new IllegalArgumentException("unknown command '" + l.trim()
                            + "': use window OP SECONDS (e.g. window put 3) or quit");
                }
                String op = checkOp(f[1]);
                double seconds = Double.parseDouble(f[2]);
                if (!(seconds > 0 && seconds <= 3600)) {
                    throw new IllegalArgumentException("SECONDS must be above 0 and at most 3600: " + f[2]);
                }
                System.out.println(c.window(op, seconds).json(op, clients, threads));
            } catch (IllegalArgumentException | IllegalStateException e) {
                String m = String.valueOf(e.getMessage()).replace("\\", "\\\\").replace("\"", "\\\"");
                System.out.println("{\"error\":\"" + m + "\"}");
            }
            System.out.flush();
        }
        System.out.println("{\"quit\":true}");
        System.out.flush();
    }

    /** Without {@code --control}: each listed operation's warm-up, then its window, one line each. */
    private static void oneShot(Clients c, Map<String, String> o, int clients, int threads) throws Exception {
        List<String> ops = List.of(o.getOrDefault("op", "put").split(","));
        ops.forEach(RmiFloor::checkOp);
        double duration = Double.parseDouble(o.getOrDefault("duration", "5"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup", "2"));
        double opWarmup = Double.parseDouble(o.getOrDefault("op-warmup", "1"));
        for (int k = 0; k < ops.size(); k++) {
            double warm = k == 0 ? warmup : opWarmup;
            if (warm > 0) {
                c.window(ops.get(k), warm);
            }
            Result r = c.window(ops.get(k), duration);
            if (o.containsKey("json")) {
                System.out.println(r.json(ops.get(k), clients, threads));
            } else {
                System.out.printf(Locale.ROOT, "rmi-floor %s: %d client processes x %d threads: %,d calls in %.2f s:"
                                + " %,.0f calls/s, p50 %.1f µs, p99 %.1f µs, p99.9 %.1f µs, client CPU %.1f µs per"
                                + " call%n", ops.get(k), clients, threads, r.ops, r.nanos / 1e9, r.opsPerSec(),
                        r.latency.percentile(50) / 1e3, r.latency.percentile(99) / 1e3,
                        r.latency.percentile(99.9) / 1e3, r.cpuNanos / 1e3 / Math.max(1, r.ops));
            }
        }
    }

    /** One window's outcome: calls completed inside it, its length, their latencies, the calling processes' CPU. */
    static final class Result {
        final long ops;
        final long nanos;
        final long cpuNanos;
        final Latency latency;

        Result(long ops, long nanos, long cpuNanos, Latency latency) {
            this.ops = ops;
            this.nanos = nanos;
            this.cpuNanos = cpuNanos;
            this.latency = latency;
        }

        double opsPerSec() {
            return ops * 1e9 / Math.max(nanos, 1);
        }

        Result merge(Result other) {
            Latency l = new Latency();
            l.add(latency);
            l.add(other.latency);
            return new Result(ops + other.ops, Math.max(nanos, other.nanos), cpuNanos + other.cpuNanos, l);
        }

        String encode() {
            return "RESULT " + ops + " " + nanos + " " + cpuNanos + " " + latency.encode();
        }

        static Result decode(String line) {
            String[] f = line.split(" ");
            if (f.length != 5 || !f[0].equals("RESULT")) {
                throw new IllegalStateException("malformed result from a client process: " + line);
            }
            return new Result(Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                    Latency.decode(f[4]));
        }

        String json(String op, int processes, int threads) {
            return String.format(Locale.ROOT, "{\"op\":\"%s\",\"clients\":%d,\"processes\":%d,\"threads\":%d,"
                            + "\"inFlight\":0,\"operations\":%d,\"seconds\":%.3f,\"opsPerSec\":%.1f,"
                            + "\"meanUs\":%.2f,\"p50Us\":%.2f,\"p90Us\":%.2f,\"p99Us\":%.2f,\"p999Us\":%.2f,"
                            + "\"maxUs\":%.2f,\"clientCpuUs\":%.1f,\"clientCpuUsPerOp\":%.3f}",
                    op, processes, processes, threads, ops, nanos / 1e9, opsPerSec(),
                    ops == 0 ? 0 : processes * threads * nanos / 1e3 / ops, latency.percentile(50) / 1e3,
                    latency.percentile(90) / 1e3, latency.percentile(99) / 1e3, latency.percentile(99.9) / 1e3,
                    latency.max / 1e3, cpuNanos / 1e3, ops == 0 ? -1.0 : cpuNanos / 1e3 / ops);
        }
    }

    /**
     * A latency histogram in nanoseconds with 16 buckets per power of two (a recorded value is reported within
     * 6.25 %): values below 16 exactly, then for {@code 2^e <= v < 2^(e+1)} the bucket of the four bits after the
     * leading one. One writer per instance; merged with {@link #add}.
     */
    static final class Latency {
        private final long[] counts = new long[64 * 16];
        private long total;
        long max;

        void record(long nanos) {
            long v = Math.max(0, nanos);
            counts[index(v)]++;
            total++;
            max = Math.max(max, v);
        }

        static int index(long v) {
            if (v < 16) {
                return (int) v;
            }
            int e = 63 - Long.numberOfLeadingZeros(v);
            return (e - 3) * 16 + (int) ((v >>> (e - 4)) & 15);
        }

        /** The middle of bucket {@code i}. */
        static long value(int i) {
            if (i < 16) {
                return i;
            }
            int e = i / 16 + 3;
            long low = (16L + i % 16) << (e - 4);
            return low + (1L << (e - 4)) / 2;
        }

        void add(Latency other) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += other.counts[i];
            }
            total += other.total;
            max = Math.max(max, other.max);
        }

        /** The value at or below which {@code p} % of the recorded values lie; 0 when none was recorded. */
        long percentile(double p) {
            if (total == 0) {
                return 0;
            }
            long rank = Math.max(1, (long) Math.ceil(p / 100 * total));
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank) {
                    return Math.min(value(i), max);
                }
            }
            return max;
        }

        /** {@code max;index:count,index:count...} of the buckets that are not empty. */
        String encode() {
            StringBuilder b = new StringBuilder().append(max).append(';');
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] != 0) {
                    b.append(i).append(':').append(counts[i]).append(',');
                }
            }
            return b.toString();
        }

        static Latency decode(String s) {
            Latency l = new Latency();
            String[] parts = s.split(";", -1);
            l.max = Long.parseLong(parts[0]);
            for (String bucket : parts[1].split(",")) {
                if (!bucket.isEmpty()) {
                    String[] f = bucket.split(":");
                    long n = Long.parseLong(f[1]);
                    l.counts[Integer.parseInt(f[0])] += n;
                    l.total += n;
                }
            }
            return l;
        }
    }

    /** Where the windows run: threads of this JVM, or child JVMs. */
    interface Clients {
        Result window(String op, double seconds) throws Exception;

        void close() throws Exception;
    }

    /**
     * {@code threads} long-lived threads sharing one stub, idle between windows: the same threads, connections and
     * compiled code from window to window.
     */
    static final class Local implements Clients {
        private final List<java.util.concurrent.BlockingQueue<Runnable>> queues = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final Store store;
        private final byte[] value;
        private final int keys;

        Local(Store store, int threads, byte[] value, int keys) {
            this.store = store;
            this.value = value;
            this.keys = keys;
            for (int t = 0; t < threads; t++) {
                java.util.concurrent.BlockingQueue<Runnable> q = new java.util.concurrent.LinkedBlockingQueue<>();
                Thread thread = new Thread(() -> {
                    try {
                        while (true) {
                            q.take().run();
                        }
                    } catch (InterruptedException e) {
                        // closed
                    }
                }, "rmi-floor-" + t);
                thread.setDaemon(true);
                thread.start();
                queues.add(q);
                this.threads.add(thread);
            }
        }

        @Override
        public Result window(String op, double seconds) throws Exception {
            long start = System.nanoTime() + 1_000_000L;
            return window(op, start, start + (long) (seconds * 1e9));
        }

        Result window(String op, long start, long end) throws InterruptedException {
            java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(queues.size());
            java.util.concurrent.atomic.AtomicLong calls = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure =
                    new java.util.concurrent.atomic.AtomicReference<>();
            List<Latency> latencies = new ArrayList<>();
            for (java.util.concurrent.BlockingQueue<Runnable> q : queues) {
                Latency l = new Latency();
                latencies.add(l);
                q.add(() -> {
                    try {
                        calls.addAndGet(run(store, op, value, keys, start, end, l));
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            long wait = start - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
            }
            long cpu0 = OS.getProcessCpuTime();
            done.await();
            long cpu = OS.getProcessCpuTime() - cpu0;
            if (failure.get() != null) {
                throw new IllegalStateException(op + " failed: " + failure.get());
            }
            Latency all = new Latency();
            latencies.forEach(all::add);
            return new Result(calls.get(), end - start, cpu, all);
        }

        @Override
        public void close() {
            threads.forEach(Thread::interrupt);
        }
    }

    /** {@code clients} child JVMs ({@code client --child}), each a {@link Local}; windows from one common instant. */
    static final class Forked implements Clients {
        private final List<Process> children = new ArrayList<>();
        private final List<java.io.PrintWriter> to = new ArrayList<>();
        private final List<BufferedReader> from = new ArrayList<>();

        Forked(int port, int clients, int threads, int valueSize, int keys) throws IOException, InterruptedException {
            for (int c = 0; c < clients; c++) {
                List<String> cmd = new ArrayList<>(self());
                cmd.addAll(List.of("client", "--child", "--port", String.valueOf(port), "--threads",
                        String.valueOf(threads), "--value-size", String.valueOf(valueSize), "--keys",
                        String.valueOf(keys)));
                Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                children.add(p);
                to.add(new java.io.PrintWriter(new java.io.OutputStreamWriter(p.getOutputStream(),
                        StandardCharsets.UTF_8), true));
                from.add(new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)));
            }
            for (int c = 0; c < clients; c++) {
                String l = from.get(c).readLine();
                if (!"READY".equals(l)) {
                    close();
                    throw new IllegalStateException("client process " + (c + 1) + " did not start (said " + l + ")");
                }
            }
        }

        @Override
        public Result window(String op, double seconds) throws IOException {
            long startAt = System.currentTimeMillis() + 50 + 5L * children.size();
            for (java.io.PrintWriter w : to) {
                w.println("window " + op + " " + seconds + " " + startAt);
            }
            Result merged = null;
            String error = null;
            for (BufferedReader r : from) {
                String l = r.readLine();
                if (l == null) {
                    throw new IllegalStateException("a client process ended (its error is above)");
                }
                if (l.startsWith("ERROR ")) {
                    error = error == null ? l.substring(6) : error;
                    continue;
                }
                Result one = Result.decode(l);
                merged = merged == null ? one : merged.merge(one);
            }
            if (error != null) {
                throw new IllegalStateException(error);
            }
            return merged;
        }

        @Override
        public void close() throws InterruptedException {
            for (java.io.PrintWriter w : to) {
                w.println("quit");
                w.close();
            }
            for (Process p : children) {
                if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        }
    }

    /** One thread, one window: calls from {@code start}, counting those completed by {@code end}. */
    private static long run(Store s, String op, byte[] value, int keys, long start, long end, Latency latency)
            throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean put = op.equals("put");
        long wait = start - System.nanoTime();
        if (wait > 0) {
            java.util.concurrent.TimeUnit.NANOSECONDS.sleep(wait);
        }
        long ops = 0;
        while (true) {
            long before = System.nanoTime();
            if (before >= end) {
                break;
            }
            String k = key(random.nextInt(keys));
            if (put) {
                s.put(k, value);
            } else if (s.get(k) == null) {
                throw new IllegalStateException("missing key " + k);
            }
            long after = System.nanoTime();
            if (after <= end) {
                latency.record(after - before);
                ops++;
            }
        }
        return ops;
    }

    static String key(int k) {
        return "key:" + k;
    }

    /** The command that starts this program again: compiled ({@code -cp}) or as a source file. */
    private static List<String> self() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("java.class.path", "");
        if (RmiFloor.class.getClassLoader().getClass().getName().contains("MemoryClassLoader")) {
            for (String a : ProcessHandle.current().info().arguments().orElse(new String[0])) {
                if (a.endsWith("RmiFloor.java")) {
                    return List.of(java, a);
                }
            }
            throw new IllegalStateException("cannot find RmiFloor.java in this JVM's arguments");
        }
        return List.of(java, "-cp", cp, RmiFloor.class.getName());
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("json") || name.equals("child") || name.equals("control")) {
                o.put(name, "true");
            } else {
                o.put(name, args[++i]);
            }
        }
        return o;
    }
}
