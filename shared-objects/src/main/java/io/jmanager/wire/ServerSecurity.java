package io.jmanager.wire;

import io.jmanager.AuthKey;
import java.net.InetAddress;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How a registry's server sockets authenticate connections: the key, the handshake's deadline, how many
 * connections may be in their handshake at once, and optionally TLS.
 *
 * @param key                    the registry's key
 * @param handshakeTimeoutMillis how long a new connection has to complete TLS and the authentication handshake;
 *                               a peer that is slower (silent, or one byte a second) is disconnected
 * @param maxPendingHandshakes   how many accepted connections may be in their handshake at once; when another
 *                               arrives, the oldest is disconnected, so that a flood of silent connections holds at
 *                               most this many threads while fresh (fast) handshakes still get through
 * @param tls                    the TLS context (the registry's certificate), or null for plain TCP
 * @param needClientAuth         with TLS: refuse clients without a certificate the context trusts (mutual TLS)
 * @param monitor                told of every connection refused during the handshake
 * @param connections            what an authenticated connection may cost
 */
public record ServerSecurity(AuthKey key, int handshakeTimeoutMillis, int maxPendingHandshakes, SSLContext tls,
                            boolean needClientAuth, Monitor monitor, Connections connections) {
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 1024;

    public ServerSecurity {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(monitor, "monitor");
        Objects.requireNonNull(connections, "connections");
        if (handshakeTimeoutMillis <= 0) {
            throw new IllegalArgumentException("handshake timeout must be positive, got " + handshakeTimeoutMillis);
        }
        if (maxPendingHandshakes <= 0) {
            throw new IllegalArgumentException("max pending handshakes must be positive, got " + maxPendingHandshakes);
        }
        if (needClientAuth && tls == null) {
            throw new IllegalArgumentException("mutual TLS needs TLS");
        }
    }

    /** With the default {@link Connections} limits and no memory budget. */
    public ServerSecurity(AuthKey key, int handshakeTimeoutMillis, int maxPendingHandshakes, SSLContext tls,
                          boolean needClientAuth, Monitor monitor) {
        this(key, handshakeTimeoutMillis, maxPendingHandshakes, tls, needClientAuth, monitor,
                Connections.defaults(MemoryBudget.unlimited()));
    }

    /** Plain TCP with the default timeout and limit, telling nobody about refused connections. */
    public static ServerSecurity of(AuthKey key) {
        return new ServerSecurity(key, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS, DEFAULT_MAX_PENDING_HANDSHAKES, null, false,
                Monitor.NONE);
    }

    /**
     * What an authenticated connection may cost the registry.
     *
     * @param maxCallBytes      the most bytes one call may carry, counted at the socket ({@code --max-call-bytes}),
     *                          and the most its arrays may declare; a call above it is refused and its connection
     *                          closed
     * @param idleTimeoutMillis how long an RMI connection may stay silent while the registry waits for its next
     *                          call, or for the rest of a call, before it is closed ({@code --idle-timeout}); a
     *                          call being executed (a blocking wait) is not idle, and a worker's liveness
     *                          connection is never cut
     * @param maxPerPeer        the most authenticated connections (RMI and liveness) from one address at once
     *                          ({@code --max-connections-per-peer}); another is closed after its handshake
     * @param memory            the registry's memory budget, charged by calls while they are read
     */
    public record Connections(long maxCallBytes, int idleTimeoutMillis, int maxPerPeer, MemoryBudget memory) {
        public static final long DEFAULT_MAX_CALL_BYTES = 64L << 20;
        public static final int DEFAULT_IDLE_TIMEOUT_MILLIS = 300_000;
        public static final int DEFAULT_MAX_PER_PEER = 1024;

        public Connections {
            Objects.requireNonNull(memory, "memory");
            if (maxCallBytes < 1024 || idleTimeoutMillis <= 0 || maxPerPeer <= 0) {
                throw new IllegalArgumentException("connection limits must be positive (calls at least 1 KiB): "
                        + maxCallBytes + ", " + idleTimeoutMillis + ", " + maxPerPeer);
            }
        }

        /** The defaults, charging calls to {@code memory}. */
        public static Connections defaults(MemoryBudget memory) {
            return new Connections(DEFAULT_MAX_CALL_BYTES, DEFAULT_IDLE_TIMEOUT_MILLIS, DEFAULT_MAX_PER_PEER, memory);
        }
    }

    /** Told of connections refused before they reached RMI. Called on connection threads; must be quick. */
    @FunctionalInterface
    public interface Monitor {
        Monitor NONE = (address, reason) -> { };

        /** A connection from {@code address} was closed during its handshake because of {@code reason}. */
        void refused(InetAddress address, String reason);
    }
}
