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
 *   java bench/RmiFloor.java client --port 23501 --op put,get --clients N --duration S --warmup S
 *        [--op-warmup S] [--json]
 * </pre>
 *
 * The client runs each of its N clients in its own JVM (a child process started like this one, so it inherits
 * the CPU affinity set with taskset) with one thread each. All children keep one wall-clock schedule: the first
 * operation's warm-up, its measured window, then for each further operation its own warm-up and window (as
 * {@code worker.jar bench --op put,get --fork} does). A child counts the calls that complete inside each window and
 * reports {@code RESULT ops nanos} per operation; the aggregate is the sum of calls over the window.
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
            System.err.println("usage: RmiFloor server --port P | client --port P --op put|get --clients N"
                    + " --duration S --warmup S [--value-size B] [--keys K] [--json]");
            System.exit(2);
        }
    }

    private static void client(Map<String, String> o, int port) throws Exception {
        List<String> ops = List.of(o.getOrDefault("op", "put").split(","));
        double opWarmup = Double.parseDouble(o.getOrDefault("op-warmup", "1"));
        int clients = Integer.parseInt(o.getOrDefault("clients", "1"));
        double duration = Double.parseDouble(o.getOrDefault("duration", "5"));
        double warmup = Double.parseDouble(o.getOrDefault("warmup", "2"));
        int valueSize = Integer.parseInt(o.getOrDefault("value-size", "16"));
        int keys = Integer.parseInt(o.getOrDefault("keys", "10000"));
        for (String op : ops) {
            if (!op.equals("put") && !op.equals("get")) {
                throw new IllegalArgumentException("--op must be put, get or a list of them");
            }
        }
        Store s = (Store) LocateRegistry.getRegistry("127.0.0.1", port).lookup("store");
        byte[] value = new byte[valueSize];
        java.util.Arrays.fill(value, (byte) 'x');
        if (o.containsKey("child")) {
            long startAt = Long.parseLong(o.get("start-at"));
            long wait = startAt - System.currentTimeMillis();
            if (wait > 0) {
                Thread.sleep(wait);
            }
            long start = System.nanoTime() - Math.max(0, System.currentTimeMillis() - startAt) * 1_000_000L;
            for (int k = 0; k < ops.size(); k++) {
                long from = start + (long) ((k == 0 ? warmup : opWarmup) * 1e9);
                long end = from + (long) (duration * 1e9);
                long[] r = run(s, ops.get(k), value, keys, start, from, end);
                System.out.println("RESULT " + r[0] + " " + r[1]);
                start = end;
            }
            return;
        }
        for (int k = 0; k < keys; k++) { // the same key space as worker.jar bench: get always finds its key
            s.put(key(k), value);
        }
        long startAt = System.currentTimeMillis() + 1000 + 500L * clients; // JVM start-up of every child
        List<Process> children = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<String> cmd = new ArrayList<>(self());
            cmd.addAll(List.of("client", "--child", "--port", String.valueOf(port), "--op", String.join(",", ops),
                    "--duration", String.valueOf(duration), "--warmup", String.valueOf(warmup),
                    "--op-warmup", String.valueOf(opWarmup),
                    "--value-size", String.valueOf(valueSize), "--keys", String.valueOf(keys),
                    "--start-at", String.valueOf(startAt)));
            children.add(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start());
        }
        long[] calls = new long[ops.size()];
        long[] nanos = new long[ops.size()];
        for (Process p : children) {
            int k = 0;
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l; (l = in.readLine()) != null; ) {
                    if (l.startsWith("RESULT ") && k < ops.size()) {
                        String[] f = l.split(" ");
                        calls[k] += Long.parseLong(f[1]);
                        nanos[k] = Math.max(nanos[k], Long.parseLong(f[2]));
                        k++;
                    }
                }
            }
            if (p.waitFor() != 0 || k != ops.size()) {
                throw new IllegalStateException("a client process failed (exit " + p.exitValue() + ")");
            }
        }
        for (int k = 0; k < ops.size(); k++) {
            double opsPerSec = calls[k] * 1e9 / Math.max(nanos[k], 1);
            if (o.containsKey("json")) {
                System.out.printf(Locale.ROOT, "{\"op\":\"%s\",\"clients\":%d,\"operations\":%d,"
                        + "\"seconds\":%.3f,\"opsPerSec\":%.1f,\"meanUs\":%.2f}%n", ops.get(k), clients, calls[k],
                        nanos[k] / 1e9, opsPerSec, calls[k] == 0 ? 0 : clients * nanos[k] / 1e3 / calls[k]);
            } else {
                System.out.printf(Locale.ROOT, "rmi-floor %s: %d client processes: %,d calls in %.2f s: %,.0f"
                        + " calls/s%n", ops.get(k), clients, calls[k], nanos[k] / 1e9, opsPerSec);
            }
        }
    }

    /** One client, one operation: calls from {@code start}, counting those completed inside [from, end]. */
    private static long[] run(Store s, String op, byte[] value, int keys, long start, long from, long end)
            throws Exception {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        boolean put = op.equals("put");
        long ops = 0;
        boolean trace = System.getenv("RMIFLOOR_TRACE") != null; // calls per second on stderr
        long second = start + 1_000_000_000L;
        long calls = 0;
        while (true) {
            long before = System.nanoTime();
            if (before >= end) {
                break;
            }
            if (trace && before >= second) {
                System.err.printf("%d %d%n", (second - start) / 1_000_000_000L, calls);
                second += 1_000_000_000L;
                calls = 0;
            }
            calls++;
            String k = key(random.nextInt(keys));
            if (put) {
                s.put(k, value);
            } else if (s.get(k) == null) {
                throw new IllegalStateException("missing key " + k);
            }
            if (before >= from && System.nanoTime() <= end) {
                ops++;
            }
        }
        return new long[] {ops, end - from};
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
            if (name.equals("json") || name.equals("child")) {
                o.put(name, "true");
            } else {
                o.put(name, args[++i]);
            }
        }
        return o;
    }
}
