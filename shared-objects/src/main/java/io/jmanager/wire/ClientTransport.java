package io.jmanager.wire;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * JVM-wide client transport settings used by {@link ClientSocketFactory}: timeouts and address overrides.
 * Defaults come from system properties {@code jmanager.connectTimeoutMillis} (3000) and
 * {@code jmanager.readTimeoutMillis} (30000). Thread-safe.
 */
public final class ClientTransport {
    private static volatile int connectTimeoutMillis = Integer.getInteger("jmanager.connectTimeoutMillis", 3000);
    private static volatile int readTimeoutMillis = Integer.getInteger("jmanager.readTimeoutMillis", 30000);
    private static final Map<String, InetSocketAddress> OVERRIDES = new ConcurrentHashMap<>();

    private ClientTransport() {
    }

    public static int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    public static int readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** Sets the connect timeout for new connections; must be positive. */
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

    static InetSocketAddress resolve(String host, int port) {
        InetSocketAddress override = OVERRIDES.get(host + ":" + port);
        return override != null ? override : new InetSocketAddress(host, port);
    }
}
