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
 */
public record ServerSecurity(AuthKey key, int handshakeTimeoutMillis, int maxPendingHandshakes, SSLContext tls,
                            boolean needClientAuth, Monitor monitor) {
    public static final int DEFAULT_HANDSHAKE_TIMEOUT_MILLIS = 10_000;
    public static final int DEFAULT_MAX_PENDING_HANDSHAKES = 1024;

    public ServerSecurity {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(monitor, "monitor");
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

    /** Plain TCP with the default timeout and limit, telling nobody about refused connections. */
    public static ServerSecurity of(AuthKey key) {
        return new ServerSecurity(key, DEFAULT_HANDSHAKE_TIMEOUT_MILLIS, DEFAULT_MAX_PENDING_HANDSHAKES, null, false,
                Monitor.NONE);
    }

    /** Told of connections refused before they reached RMI. Called on connection threads; must be quick. */
    @FunctionalInterface
    public interface Monitor {
        Monitor NONE = (address, reason) -> { };

        /** A connection from {@code address} was closed during its handshake because of {@code reason}. */
        void refused(InetAddress address, String reason);
    }
}
