package io.jmanager.wire;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry's server socket factory: listens on one bind address (all interfaces when null), and hands every
 * accepted connection to RMI as a {@link RoutedSocket}, which on its first read runs TLS (if configured) and the
 * authentication {@link Handshake}, and then routes it: a {@link Liveness} connection is served by the
 * {@link Liveness.Listener}, anything else passes to RMI. All of that happens on the connection's own thread, when
 * RMI first reads from it, so a slow or silent peer never holds up {@code accept()}; a connection that has not
 * authenticated within the handshake timeout is closed, and at most {@link ServerSecurity#maxPendingHandshakes()}
 * connections are in their handshake at once (a newer one pushes out the oldest). Instances with the same bind
 * address, listener and security are equal, so the RMI registry and every exported object share one port.
 */
public final class ServerSocketFactory implements RMIServerSocketFactory {
    private final InetAddress bindAddress;
    private final Liveness.Listener liveness;
    private final ServerSecurity security;

    /** A factory that refuses liveness connections (for registries without sessions). */
    public ServerSocketFactory(InetAddress bindAddress, ServerSecurity security) {
        this(bindAddress, REFUSE_ALL, security);
    }

    private static final Liveness.Listener REFUSE_ALL = new Liveness.Listener() {
        @Override
        public boolean attached(long session, AutoCloseable connection) {
            return false;
        }

        @Override
        public void lost(long session) {
        }
    };

    public ServerSocketFactory(InetAddress bindAddress, Liveness.Listener liveness, ServerSecurity security) {
        this.bindAddress = bindAddress;
        this.liveness = Objects.requireNonNull(liveness, "liveness");
        this.security = Objects.requireNonNull(security, "security");
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        ServerSocket socket = new RoutingServerSocket(liveness, security);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(bindAddress, port), 256);
        return socket;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerSocketFactory other && Objects.equals(bindAddress, other.bindAddress)
                && liveness == other.liveness && security == other.security;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(bindAddress) * 31 + System.identityHashCode(liveness) * 17
                + System.identityHashCode(security);
    }

    /** Accepts {@link RoutedSocket}s and keeps the count of those still in their handshake bounded. */
    static final class RoutingServerSocket extends ServerSocket implements RoutedSocket.Gate {
        private final Liveness.Listener liveness;
        private final ServerSecurity security;
        private final ConcurrentLinkedDeque<RoutedSocket> pending = new ConcurrentLinkedDeque<>();
        private final AtomicInteger pendingCount = new AtomicInteger();
        private final java.util.concurrent.ConcurrentHashMap<InetAddress, AtomicInteger> perPeer =
                new java.util.concurrent.ConcurrentHashMap<>();

        RoutingServerSocket(Liveness.Listener liveness, ServerSecurity security) throws IOException {
            this.liveness = liveness;
            this.security = security;
        }

        @Override
        public Socket accept() throws IOException {
            if (isClosed()) {
                throw new java.net.SocketException("Socket is closed");
            }
            RoutedSocket socket = new RoutedSocket(this);
            implAccept(socket);
            socket.setTcpNoDelay(true);
            pending.addLast(socket);
            int n = pendingCount.incrementAndGet();
            while (n > security.maxPendingHandshakes()) {
                RoutedSocket oldest = pending.pollFirst();
                if (oldest == null) {
                    break;
                }
                n = pendingCount.decrementAndGet();
                oldest.evict(); // closing only: its own thread notices, never this one
            }
            return socket;
        }

        @Override
        public ServerSecurity security() {
            return security;
        }

        @Override
        public Liveness.Listener liveness() {
            return liveness;
        }

        @Override
        public void handshakeEnded(RoutedSocket socket) {
            if (pending.remove(socket)) {
                pendingCount.decrementAndGet();
            }
        }

        @Override
        public boolean admit(InetAddress peer) {
            int max = security.connections().maxPerPeer();
            boolean[] admitted = new boolean[1];
            perPeer.compute(peer, (p, count) -> {
                AtomicInteger c = count == null ? new AtomicInteger() : count;
                if (c.get() < max) {
                    c.incrementAndGet();
                    admitted[0] = true;
                }
                return c.get() == 0 ? null : c;
            });
            return admitted[0];
        }

        @Override
        public void released(InetAddress peer) {
            perPeer.computeIfPresent(peer, (p, count) -> count.decrementAndGet() <= 0 ? null : count);
        }

        /** Authenticated connections open from {@code peer} (for tests). */
        int connectionsFrom(InetAddress peer) {
            AtomicInteger c = perPeer.get(peer);
            return c == null ? 0 : c.get();
        }

        /** Connections accepted and still in their handshake (for tests). */
        int pendingHandshakes() {
            return pendingCount.get();
        }
    }
}
