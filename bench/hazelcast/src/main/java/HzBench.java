import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Hazelcast 5.7.0 as a peer of bench/compare.sh: one member, and one client JVM whose threads call
 * {@code IMap<String, byte[]>.put} (which returns the previous value, as jmanager's and the RMI floor's put do) or {@code get} (16-byte values, keys {@code "key:N"} of a 10,000-key space filled
 * first), driven by the same window protocol as {@code worker.jar bench --control}:
 *
 * <pre>
 *   java -cp 'target/classes:target/lib/*' HzBench member --port 5801
 *   java -cp 'target/classes:target/lib/*' HzBench client --port 5801 --threads 4 [--value-size 16] [--keys 10000]
 * </pre>
 *
 * The member listens on 127.0.0.1 only, alone (no multicast, no TCP join), in cluster {@code jmanager-bench}, and
 * prints {@code hazelcast ready at 127.0.0.1:PORT} when it accepts clients. The client connects, fills the map,
 * prints {@code {"ready":true,...}} and answers one JSON line per command read from standard input:
 * {@code window put|get SECONDS} (every thread from one start instant; the calls completed inside the window, their
 * latency percentiles, and this JVM's CPU time per call) or {@code quit}. Its threads stay idle between windows.
 */
public final class HzBench {
    private static final String CLUSTER = "jmanager-bench";
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private HzBench() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> o = options(args);
        int port = Integer.parseInt(o.getOrDefault("port", "5801"));
        System.setProperty("hazelcast.phone.home.enabled", "false");
        System.setProperty("hazelcast.logging.type", "jdk");
        java.util.logging.Logger.getLogger("com.hazelcast").setLevel(java.util.logging.Level.WARNING);
        String mode = args.length > 0 ? args[0] : "";
        if (mode.equals("member")) {
            member(port);
        } else if (mode.equals("client")) {
            client(port, Integer.parseInt(o.getOrDefault("threads", "1")),
                    Integer.parseInt(o.getOrDefault("value-size", "16")),
                    Integer.parseInt(o.getOrDefault("keys", "10000")));
        } else {
            System.err.println("usage: HzBench member --port P | client --port P [--threads T] [--value-size B]"
                    + " [--keys K]   (then 'window put|get SECONDS' or 'quit' on stdin; one JSON line each)");
            System.exit(2);
        }
    }

    private static void member(int port) throws InterruptedException {
        Config c = new Config();
        c.setClusterName(CLUSTER);
        c.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        c.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = c.getNetworkConfig().getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        c.setProperty("hazelcast.local.localAddress", "127.0.0.1");
        Hazelcast.newHazelcastInstance(c);
        System.out.println("hazelcast ready at 127.0.0.1:" + port + " (hazelcast "
                + com.hazelcast.instance.BuildInfoProvider.getBuildInfo().getVersion() + ", java "
                + System.getProperty("java.version") + ")");
        System.out.flush();
        Thread.currentThread().join();
    }

    private static void client(int port, int threads, int valueSize, int keys) throws Exception {
        if (threads < 1 || keys < 1 || valueSize < 0) {
            throw new IllegalArgumentException("--threads and --keys must be at least 1");
        }
        ClientConfig cc = new ClientConfig();
        cc.setClusterName(CLUSTER);
        cc.getNetworkConfig().addAddress("127.0.0.1:" + port);
        HazelcastInstance hz = HazelcastClient.newHazelcastClient(cc);
        try {
            IMap<String, byte[]> map = hz.getMap("bench");
            byte[] value = new byte[valueSize];
            Arrays.fill(value, (byte) 'x');
            Map<String, byte[]> fill = new HashMap<>();
            for (int k = 0; k < keys; k++) {
                fill.put(key(k), value);
                if (fill.size() == 1000 || k == keys - 1) {
                    map.putAll(fill);
                    fill.clear();
                }
            }
            Workers w = new Workers(map, threads, value, keys);
            System.out.printf(Locale.ROOT, "{\"ready\":true,\"processes\":1,\"threads\":%d,\"inFlight\":0}%n",
                    threads);
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            for (String l; (l = in.readLine()) != null; ) {
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
                    if (!f[1].equals("put") && !f[1].equals("get")) {
                        throw new IllegalArgumentException("unknown op '" + f[1] + "': use put or get");
                    }
                    double seconds = Double.parseDouble(f[2]);
                    if (!(seconds > 0 && seconds <= 3600)) {
                        throw new IllegalArgumentException("SECONDS must be above 0 and at most 3600: " + f[2]);
                    }
                    System.out.println(w.window(f[1], seconds, threads));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    System.out.println("{\"error\":\"" + String.valueOf(e.getMessage()).replace("\\", "\\\\")
                            .replace("\"", "\\\"") + "\"}");
                }
                System.out.flush();
            }
            w.close();
        } finally {
            hz.shutdown();
        }
        System.out.println("{\"quit\":true}");
        System.out.flush();
    }

    static String key(int k) {
        return "key:" + k;
    }

    /** Long-lived threads sharing one client, idle between windows. */
    static final class Workers {
        private final List<BlockingQueue<Runnable>> queues = new ArrayList<>();
        private final List<Thread> threads = new ArrayList<>();
        private final IMap<String, byte[]> map;
        private final byte[] value;
        private final int keys;

        Workers(IMap<String, byte[]> map, int n, byte[] value, int keys) {
            this.map = map;
            this.value = value;
            this.keys = keys;
            for (int t = 0; t < n; t++) {
                BlockingQueue<Runnable> q = new LinkedBlockingQueue<>();
                Thread thread = new Thread(() -> {
                    try {
                        while (true) {
                            q.take().run();
                        }
                    } catch (InterruptedException e) {
                        // closed
                    }
                }, "hz-bench-" + t);
                thread.setDaemon(true);
                thread.start();
                queues.add(q);
                threads.add(thread);
            }
        }

        String window(String op, double seconds, int nThreads) throws InterruptedException {
            long start = System.nanoTime() + 1_000_000L;
            long end = start + (long) (seconds * 1e9);
            CountDownLatch done = new CountDownLatch(queues.size());
            AtomicLong calls = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Histogram> hs = new ArrayList<>();
            boolean put = op.equals("put");
            for (BlockingQueue<Runnable> q : queues) {
                Histogram h = new Histogram(3);
                hs.add(h);
                q.add(() -> {
                    try {
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        TimeUnit.NANOSECONDS.sleep(Math.max(0, start - System.nanoTime()));
                        long n = 0;
                        while (true) {
                            long before = System.nanoTime();
                            if (before >= end) {
                                break;
                            }
                            String k = key(random.nextInt(keys));
                            if (put) {
                                map.put(k, value);
                            } else if (map.get(k) == null) {
                                throw new IllegalStateException("missing key " + k);
                            }
                            long after = System.nanoTime();
                            if (after <= end) {
                                h.recordValue(after - before);
                                n++;
                            }
                        }
                        calls.addAndGet(n);
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                });
            }
            TimeUnit.NANOSECONDS.sleep(Math.max(0, start - System.nanoTime()));
            long cpu0 = OS.getProcessCpuTime();
            done.await();
            long cpu = OS.getProcessCpuTime() - cpu0;
            if (failure.get() != null) {
                throw new IllegalStateException(op + " failed: " + failure.get());
            }
            Histogram all = new Histogram(3);
            hs.forEach(all::add);
            long n = calls.get();
            return String.format(Locale.ROOT, "{\"op\":\"%s\",\"processes\":1,\"threads\":%d,\"inFlight\":0,"
                            + "\"operations\":%d,\"seconds\":%.3f,\"opsPerSec\":%.1f,\"p50Us\":%.2f,\"p90Us\":%.2f,"
                            + "\"p99Us\":%.2f,\"p999Us\":%.2f,\"maxUs\":%.2f,\"clientCpuUs\":%.1f,"
                            + "\"clientCpuUsPerOp\":%.3f}", op, nThreads, n, (end - start) / 1e9,
                    n * 1e9 / (end - start), all.getValueAtPercentile(50) / 1e3, all.getValueAtPercentile(90) / 1e3,
                    all.getValueAtPercentile(99) / 1e3, all.getValueAtPercentile(99.9) / 1e3,
                    all.getMaxValue() / 1e3, cpu / 1e3, n == 0 ? -1.0 : cpu / 1e3 / n);
        }

        void close() {
            threads.forEach(Thread::interrupt);
        }
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length) {
                throw new IllegalArgumentException("unexpected argument " + args[i] + " (options are --name value)");
            }
            o.put(args[i].substring(2), args[++i]);
        }
        return o;
    }
}
