package io.jmanager.wire;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;

/**
 * The client socket factory carried in every stub the registry hands out. RMI waits forever by default; this
 * factory gives every connection a connect timeout and a read timeout, and sets {@code TCP_NODELAY}.
 *
 * <p>The instance in a stub carries no configuration (so nothing secret or host-specific travels inside a stub):
 * the timeouts are read in the client's JVM from {@link ClientTransport}. All instances are equal, which lets RMI
 * share one port and one connection pool for all objects of a registry.
 */
public final class ClientSocketFactory implements RMIClientSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        InetSocketAddress target = ClientTransport.resolve(host, port);
        Socket socket = new TimeoutCappedSocket();
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(target, ClientTransport.connectTimeoutMillis());
            socket.setSoTimeout(ClientTransport.readTimeoutMillis());
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /**
     * A socket whose read timeout never exceeds the configured one: RMI raises it to its own handshake timeout
     * (60 s) while it opens a connection, which would let a silent peer hold a worker for a minute.
     */
    private static final class TimeoutCappedSocket extends Socket {
        @Override
        public synchronized void setSoTimeout(int timeout) throws java.net.SocketException {
            int cap = ClientTransport.readTimeoutMillis();
            super.setSoTimeout(timeout == 0 || timeout > cap ? cap : timeout);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return ClientSocketFactory.class.hashCode();
    }
}
