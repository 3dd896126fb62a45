package io.jmanager.wire;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Objects;

/**
 * The registry's server socket factory: listens on one bind address (all interfaces when null), and routes each
 * accepted connection: a {@link Liveness} connection is served by the {@link Liveness.Listener}, anything else is
 * handed to RMI unchanged. Routing happens on the connection's own thread, when RMI first reads from it, so a slow
 * or silent peer never holds up {@code accept()}. Instances with the same bind address and listener are equal, so
 * the RMI registry and every exported object share one port.
 */
public final class ServerSocketFactory implements RMIServerSocketFactory {
    private final InetAddress bindAddress;
    private final Liveness.Listener liveness;

    /** A factory that refuses liveness connections (for registries without sessions). */
    public ServerSocketFactory(InetAddress bindAddress) {
        this(bindAddress, REFUSE_ALL);
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

    public ServerSocketFactory(InetAddress bindAddress, Liveness.Listener liveness) {
        this.bindAddress = bindAddress;
        this.liveness = Objects.requireNonNull(liveness, "liveness");
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        ServerSocket socket = new RoutingServerSocket(liveness);
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(bindAddress, port), 256);
        return socket;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerSocketFactory other && Objects.equals(bindAddress, other.bindAddress)
                && liveness == other.liveness;
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(bindAddress) * 31 + System.identityHashCode(liveness);
    }

    /** Accepts {@link RoutedSocket}s. */
    private static final class RoutingServerSocket extends ServerSocket {
        private final Liveness.Listener liveness;

        RoutingServerSocket(Liveness.Listener liveness) throws IOException {
            this.liveness = liveness;
        }

        @Override
        public Socket accept() throws IOException {
            if (isClosed()) {
                throw new java.net.SocketException("Socket is closed");
            }
            Socket socket = new RoutedSocket(liveness);
            implAccept(socket);
            socket.setTcpNoDelay(true);
            return socket;
        }
    }
}
