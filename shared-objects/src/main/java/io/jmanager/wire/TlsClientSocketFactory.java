package io.jmanager.wire;

import java.io.IOException;
import java.io.Serializable;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;

/**
 * The client socket factory carried in every stub of a registry started with {@code --tls}: like
 * {@link ClientSocketFactory}, with TLS under the authentication handshake. The TLS context (trust store, and a
 * client certificate for mutual TLS) comes from the client's JVM ({@link ClientTransport#setTlsContext}, else the
 * JVM's default context); the stub carries none of it.
 */
public final class TlsClientSocketFactory implements RMIClientSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return ClientSocketFactory.open(host, port, true);
    }

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass();
    }

    @Override
    public int hashCode() {
        return TlsClientSocketFactory.class.hashCode();
    }
}
