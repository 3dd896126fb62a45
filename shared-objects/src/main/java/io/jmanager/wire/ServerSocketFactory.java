package io.jmanager.wire;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.rmi.server.RMIServerSocketFactory;
import java.util.Objects;

/**
 * The registry's server socket factory: listens on one bind address (all interfaces when null). Instances with
 * the same bind address are equal, so the RMI registry and every exported object share one port.
 */
public final class ServerSocketFactory implements RMIServerSocketFactory {
    private final InetAddress bindAddress;

    public ServerSocketFactory(InetAddress bindAddress) {
        this.bindAddress = bindAddress;
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(bindAddress, port), 256);
        return socket;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServerSocketFactory other && Objects.equals(bindAddress, other.bindAddress);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(bindAddress);
    }
}
