package io.jmanager.wire;

import io.jmanager.AuthKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;

/**
 * JVM-wide client transport settings used by {@link ClientSocketFactory} and {@link TlsClientSocketFactory}:
 * timeouts, address overrides, the keys this JVM may authenticate with, and the TLS context. None of it travels in
 * stubs: a stub carries only which factory to use. Timeout defaults come from system properties
 * {@code jmanager.connectTimeoutMillis} (3000) and {@code jmanager.readTimeoutMillis} (30000). They are JVM-wide
 * because RMI shares its connections among all stubs of an endpoint (the last {@code Manager.connect} sets them);
 * a call made through a manager is also bounded as a whole by its own deadline ({@link #beginCall}). Thread-safe.
 *
 * <p><b>Keys.</b> A registry announces its key's fingerprint in the handshake; the client answers with the key of
 * that fingerprint among those {@linkplain #addAuthKey added} in this JVM (by {@code Manager.connect(url, key)}),
 * else the key from the environment ({@code JMANAGER_AUTHKEY}, {@code JMANAGER_AUTHKEY_FILE}, or the default key
 * file {@code ~/.jmanager/authkey}, re-read when the file changes). One JVM can thus talk to several registries with
 * different keys.
 */
public final class ClientTransport {
    private static volatile int connectTimeoutMillis = Integer.getInteger("jmanager.connectTimeoutMillis", 3000);
    private static volatile int readTimeoutMillis = Integer.getInteger("jmanager.readTimeoutMillis", 30000);
    private static final Map<String, InetSocketAddress> OVERRIDES = new ConcurrentHashMap<>();
    private static final Map<String, AuthKey> KEYS = new ConcurrentHashMap<>();
    private static volatile SSLContext tls;
    private static volatile Map<String, String> environment = System.getenv();
    private static volatile Path defaultKeyFile;
    private static final Object ENV_LOCK = new Object();
    private static EnvironmentKey cachedEnvironmentKey;

    private ClientTransport() {
    }

    public static int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    /**
     * Given to {@link java.net.Socket#setSoTimeout} of a socket from jmanager's client socket factories (plain or
     * TLS): from then on its reads outside a call wait without a read timeout, for a connection that is held open
     * and only waits for its end (the liveness connection). Reads inside a call are still bounded by the call.
     */
    public static final int HELD_OPEN = Integer.MAX_VALUE;

    public static int readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** Sets the connect timeout for new connections (the TCP connect and the authentication handshake). */
    public static void setConnectTimeoutMillis(int millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("connect timeout must be positive, got " + millis);
        }
        connectTimeoutMillis = millis;
    }

    /** Sets the read timeout for new connections; must be longer than the registry's wait slice. */
    public static void setReadTimeoutMillis(int millis) {
        if (millis <= 0) {
            throw new IllegalArgumentException("read timeout must be positive, got " + millis);
        }
        readTimeoutMillis = millis;
    }

    /**
     * Makes connections to {@code host:port}, as advertised in stubs, go to {@code target} instead: for a registry
     * whose advertised address this client cannot reach (a container alias, a NAT'd address).
     */
    public static void overrideAddress(String host, int port, InetSocketAddress target) {
        OVERRIDES.put(host + ":" + port, target);
    }

    /**
     * The address to connect to for {@code host:port}: an override, else the host resolved within the deadline
     * ({@link System#nanoTime()} based). The JDK's resolver cannot be interrupted, so the lookup runs on a daemon
     * thread (one per host at a time, shared by concurrent connections) and this thread waits for it only until
     * the deadline; a resolver that answers later still fills the JDK's address cache for the next connection.
     *
     * @throws java.net.UnknownHostException if the host does not resolve
     * @throws java.net.SocketTimeoutException if it did not resolve before the deadline
     */
    static InetSocketAddress resolve(String host, int port, long deadlineNanos) throws IOException {
        InetSocketAddress override = OVERRIDES.get(host + ":" + port);
        if (override != null) {
            return override;
        }
        return new InetSocketAddress(Resolver.resolve(host, deadlineNanos), port);
    }

    /**
     * This host's name as the registry lists it in its sessions, looked up within the connect timeout (the first
     * answer is kept); {@code "unknown"} if the resolver does not answer in time.
     */
    public static String localHostName() {
        return Resolver.localHostName(System.nanoTime() + connectTimeoutMillis * 1_000_000L);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Call deadlines

    private static final ThreadLocal<long[]> CALL_DEADLINE = new ThreadLocal<>();

    /**
     * Bounds the silence the calling thread waits through from now until {@link #endCall}, across every step of
     * the call (connecting, RMI's check of a pooled connection, sending, waiting for the answer), by one read
     * timeout: when no byte has arrived for that long, the call fails, rather than after one read timeout per
     * step. Each byte that arrives starts the read timeout again, so a long transfer that keeps moving is not cut.
     * A call inside a call shares the outer call's deadline.
     *
     * @return true if this began the outermost call; pass it to {@link #endCall}
     */
    public static boolean beginCall() {
        if (CALL_DEADLINE.get() != null) {
            return false;
        }
        long now = System.nanoTime();
        CALL_DEADLINE.set(new long[] {now + readTimeoutMillis * 1_000_000L, now});
        return true;
    }

    /** Ends the call begun by {@link #beginCall}. */
    public static void endCall(boolean outermost) {
        if (outermost) {
            CALL_DEADLINE.remove();
        }
    }

    /** True while this thread is inside a call begun by {@link #beginCall}. */
    public static boolean inCall() {
        return CALL_DEADLINE.get() != null;
    }

    /** The current call's {deadline, start} ({@link System#nanoTime()}), or null outside a call. */
    static long[] callDeadline() {
        return CALL_DEADLINE.get();
    }

    /** Bytes arrived for the current call: its read timeout starts again. */
    static void progress(long[] call) {
        call[0] = System.nanoTime() + readTimeoutMillis * 1_000_000L;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Keys

    /** Lets this JVM authenticate with {@code key} to any registry that uses it. Keys are kept for the JVM's life. */
    public static void addAuthKey(AuthKey key) {
        KEYS.putIfAbsent(key.fingerprint(), Objects.requireNonNull(key, "key"));
    }

    /**
     * For tests: where this JVM looks for its environment key ({@code env} stands for {@link System#getenv()},
     * {@code keyFile} for {@code ~/.jmanager/authkey}); null restores the defaults.
     */
    public static void setEnvironmentForTests(Map<String, String> env, Path keyFile) {
        synchronized (ENV_LOCK) {
            environment = env == null ? System.getenv() : Map.copyOf(env);
            defaultKeyFile = keyFile;
            cachedEnvironmentKey = null;
        }
    }

    private static Path defaultKeyFile() {
        Path p = defaultKeyFile;
        return p != null ? p : AuthKeys.defaultFile();
    }

    /** The key found in the environment (or why none could be used), cached while the files it came from stay. */
    private record EnvironmentKey(AuthKey key, String problem, Object stamp) {
    }

    private static EnvironmentKey environmentKey() {
        synchronized (ENV_LOCK) {
            Map<String, String> env = environment;
            Path file = defaultKeyFile();
            Object stamp = stamp(env, file);
            EnvironmentKey cached = cachedEnvironmentKey;
            if (cached != null && Objects.equals(cached.stamp(), stamp)) {
                return cached;
            }
            EnvironmentKey fresh;
            try {
                AuthKey key = AuthKeys.forWorker(env, file);
                fresh = new EnvironmentKey(key, key == null ? AuthKeys.workerSources(file) : null, stamp);
            } catch (IOException e) {
                fresh = new EnvironmentKey(null, e.getMessage(), stamp);
            }
            cachedEnvironmentKey = fresh;
            return fresh;
        }
    }

    /** What the environment key depends on: the variables, and the key file's identity, size and time. */
    private static Object stamp(Map<String, String> env, Path defaultFile) {
        String text = env.get(AuthKeys.ENV_KEY);
        String named = env.get(AuthKeys.ENV_FILE);
        Path file = text != null && !text.isBlank() ? null
                : named != null && !named.isBlank() ? Path.of(named.trim()) : defaultFile;
        List<Object> stamp = new ArrayList<>();
        stamp.add(text == null ? null : Integer.valueOf(text.hashCode()));
        stamp.add(named);
        if (file != null) {
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                stamp.add(a.fileKey());
                stamp.add(a.size());
                stamp.add(a.lastModifiedTime());
                stamp.add(Files.getPosixFilePermissions(file).toString());
            } catch (IOException | UnsupportedOperationException e) {
                stamp.add("absent");
            }
        }
        return stamp;
    }

    /** Chooses among this JVM's keys by the registry's fingerprint; the handshake's {@link Handshake.KeyChooser}. */
    static final Handshake.KeyChooser KEY_CHOOSER = (fingerprint, peer) -> {
        AuthKey explicit = KEYS.get(fingerprint);
        if (explicit != null) {
            return explicit;
        }
        EnvironmentKey env = environmentKey();
        if (env.key() != null && env.key().fingerprint().equals(fingerprint)) {
            return env.key();
        }
        StringBuilder have = new StringBuilder();
        for (AuthKey k : KEYS.values()) {
            have.append(have.length() == 0 ? "" : "; ").append(k.source()).append(" (fingerprint ")
                    .append(k.fingerprint()).append(')');
        }
        if (env.key() != null) {
            have.append(have.length() == 0 ? "" : "; ").append(env.key().source()).append(" (fingerprint ")
                    .append(env.key().fingerprint()).append(')');
        }
        String why;
        if (env.problem() != null && have.length() == 0) {
            why = "this worker has no usable key: " + env.problem();
        } else if (env.problem() != null) {
            why = "this worker's keys differ: " + have + "; and " + env.problem();
        } else {
            why = "this worker's key differs: " + have;
        }
        throw new HandshakeException("authentication with the registry at " + peer + " failed: it uses the key"
                + " with fingerprint " + fingerprint + ", and " + why + ". Give this worker the registry's key (the"
                + " registry prints where its key file is): pass it to Manager.connect(url, key), or set "
                + AuthKeys.ENV_FILE + " or " + AuthKeys.ENV_KEY, true);
    };

    // ------------------------------------------------------------------------------------------------------------
    // TLS

    /**
     * The TLS context for connections to registries started with {@code --tls}; null restores the default
     * ({@link SSLContext#getDefault()}, configured by the standard {@code javax.net.ssl.*} system properties).
     */
    public static void setTlsContext(SSLContext context) {
        tls = context;
    }

    static SSLContext tlsContext() throws IOException {
        SSLContext context = tls;
        if (context != null) {
            return context;
        }
        try {
            return SSLContext.getDefault();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IOException("no default TLS context in this JVM: " + e.getMessage(), e);
        }
    }
}
