package io.jmanager.wire;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.rmi.server.RMIClientSocketFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * The client socket factory carried in every stub of a plain (non-TLS) registry. Every connection gets a connect
 * timeout, a read timeout and {@code TCP_NODELAY}, and runs the {@link Handshake} before the socket is handed to
 * RMI: a registry that cannot prove it holds this worker's key is never spoken to.
 *
 * <p>The instance in a stub carries no configuration (so nothing secret or host-specific travels inside a stub):
 * timeouts and keys are read in the client's JVM from {@link ClientTransport}. All instances are equal, which lets
 * RMI share one port and one connection pool for all objects of a registry.
 */
public final class ClientSocketFactory implements RMIClientSocketFactory, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return open(host, port, false);
    }

    /** Connects, optionally layers TLS, and authenticates. */
    static Socket open(String host, int port, boolean tls) throws IOException {
        InetSocketAddress target = ClientTransport.resolve(host, port);
        int connectTimeout = ClientTransport.connectTimeoutMillis();
        Socket socket = new TimeoutCappedSocket();
        Socket result = socket;
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            long deadline = System.nanoTime() + connectTimeout * 1_000_000L;
            socket.connect(target, connectTimeout);
            String peer = "rmi://" + host + ":" + port;
            byte[] binding = new byte[0];
            try {
                if (tls) {
                    SSLSocket ssl = (SSLSocket) ClientTransport.tlsContext().getSocketFactory()
                            .createSocket(socket, host, port, true);
                    result = ssl;
                    ssl.setUseClientMode(true);
                    ssl.setSoTimeout(connectTimeout);
                    ssl.startHandshake();
                    binding = serverCertificateHash(ssl.getSession().getPeerCertificates());
                }
                Socket s = result;
                Handshake.client(result.getInputStream(), result.getOutputStream(), s::setSoTimeout, deadline,
                        ClientTransport.KEY_CHOOSER, binding, peer);
            } catch (SSLException e) {
                throw tlsFailure(peer, e);
            }
            result.setSoTimeout(ClientTransport.readTimeoutMillis());
            return result;
        } catch (IOException | RuntimeException e) {
            try {
                result.close();
            } finally {
                socket.close();
            }
            throw e;
        }
    }

    /**
     * A TLS failure as a {@link HandshakeException}: a peer that does not speak TLS is a transport problem (a plain
     * registry); anything else (an untrusted certificate, a refused client certificate) is an authentication one.
     */
    private static HandshakeException tlsFailure(String peer, SSLException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Unsupported or unrecognized SSL message") || message.contains("plaintext")) {
            return new HandshakeException(peer + " does not speak TLS: it is a registry without --tls (connect without"
                    + " ManagerOptions.withTls), or not a registry", false, e);
        }
        return new HandshakeException("TLS with the registry at " + peer + " failed: " + message + " (check this"
                + " worker's trust store, and for mutual TLS its certificate)", true, e);
    }

    /** The SHA-256 of the registry's certificate (the first of its chain): the handshake's channel binding. */
    static byte[] serverCertificateHash(Certificate[] chain) throws IOException {
        if (chain == null || chain.length == 0) {
            throw new IOException("the TLS peer presented no certificate");
        }
        try {
            return MessageDigest.getInstance("SHA-256").digest(chain[0].getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IOException("cannot hash the TLS certificate: " + e.getMessage(), e);
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
