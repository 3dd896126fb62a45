package io.jmanager.wire;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
        String peer = "rmi://" + host + ":" + port;
        int connectTimeout = ClientTransport.connectTimeoutMillis();
        long start = System.nanoTime();
        long deadline = start + connectTimeout * 1_000_000L;
        long[] call = ClientTransport.callDeadline();
        boolean callBound = false;
        if (call != null && call[0] - deadline < 0) {
            // the call's own deadline comes first: what is left of the read timeout bounds this connection too
            deadline = call[0];
            callBound = true;
            if (deadline - start <= 0) {
                throw noAnswer(peer, call);
            }
        }
        InetSocketAddress target = ClientTransport.resolve(host, port, deadline);
        Socket socket = new TimeoutCappedSocket(peer);
        Socket result = socket;
        try {
            socket.setTcpNoDelay(true);
            socket.setKeepAlive(true);
            socket.connect(target, remainingMillis(deadline));
            byte[] binding = new byte[0];
            try {
                if (tls) {
                    SSLSocket ssl = (SSLSocket) ClientTransport.tlsContext().getSocketFactory()
                            .createSocket(socket, host, port, true);
                    result = ssl;
                    ssl.setUseClientMode(true);
                    ssl.setSoTimeout(remainingMillis(deadline));
                    ssl.startHandshake();
                    binding = serverCertificateHash(ssl.getSession().getPeerCertificates());
                }
                Socket s = result;
                Handshake.client(result.getInputStream(), result.getOutputStream(), s::setSoTimeout, deadline,
                        ClientTransport.KEY_CHOOSER, binding, peer);
            } catch (SSLException e) {
                throw tlsFailure(peer, e);
            } catch (SocketTimeoutException e) {
                // connected, then silence: in the TLS handshake or before the registry's greeting
                throw callBound ? noAnswer(peer, call) : silent(peer, connectTimeout, tls, e);
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

    private static int remainingMillis(long deadlineNanos) throws SocketTimeoutException {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("connect timeout reached");
        }
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    }

    /** The call's deadline passed: the registry did not answer within the read timeout. */
    static SocketTimeoutException noAnswer(String peer, long[] call) {
        long waited = (System.nanoTime() - call[1]) / 1_000_000;
        return new SocketTimeoutException("the registry at " + peer + " did not answer in time: nothing arrived"
                + " within the read timeout (" + ClientTransport.readTimeoutMillis() + " ms; the call began " + waited
                + " ms ago). It is stopped (SIGSTOP, a debugger), hung or overloaded, or the network to it is cut");
    }

    /** The registry accepted the connection and said nothing: hung, most likely; or a peer that waits for us. */
    private static SocketTimeoutException silent(String peer, int connectTimeout, boolean tls,
                                                 SocketTimeoutException cause) {
        SocketTimeoutException t = new SocketTimeoutException("the registry at " + peer + " did not answer in"
                + " time: it accepted the connection but sent no greeting within the connect timeout ("
                + connectTimeout + " ms). It is stopped (SIGSTOP, a debugger), hung or overloaded"
                + (tls ? "" : "; if it answers other workers, it may be a registry started with --tls (connect with"
                + " ManagerOptions.withTls()), or a server that is not a jmanager registry"));
        t.initCause(cause);
        return t;
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
     * (60 s) while it opens a connection, which would let a silent peer hold a worker for a minute. Inside a call
     * ({@link ClientTransport#beginCall}) each read also waits no longer than what is left of the call's deadline,
     * so that the steps of one call (RMI's ping of a pooled connection, a new connection, the answer) share one
     * read timeout instead of taking one each. {@link ClientTransport#HELD_OPEN} as the timeout lets reads outside
     * a call wait without one (a liveness connection, which only waits for its end).
     *
     * <p>The {@link ReadWatchdog} enforces the timeout ({@link WatchedSocket}): a read that outlives it ends the
     * connection's input and throws {@link SocketTimeoutException}.
     */
    private static final class TimeoutCappedSocket extends WatchedSocket {
        private final String peer;
        /** {@link #readDeadline} of a read that waits without a deadline. */
        private static final long UNBOUNDED = Long.MIN_VALUE;
        private InputStream in;

        TimeoutCappedSocket(String peer) {
            this.peer = peer;
        }

        /** The client's read timeout caps the requested one, and stands for 0 (none); {@code HELD_OPEN} keeps none. */
        @Override
        int keptTimeout(int timeout) {
            int cap = ClientTransport.readTimeoutMillis();
            return timeout == ClientTransport.HELD_OPEN ? 0 : timeout == 0 || timeout > cap ? cap : timeout;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (in == null) {
                in = new DeadlineInputStream(super.getInputStream());
            }
            return in;
        }

        /**
         * The deadline ({@link System#nanoTime()}) of a read that begins now: the configured timeout from now, or
         * the call's deadline if it comes first; {@link #UNBOUNDED} for a held-open socket outside a call.
         */
        private long readDeadline(long[] call) throws IOException {
            int base = readTimeoutMillis();
            long now = System.nanoTime();
            if (call == null) {
                return base > 0 ? now + base * 1_000_000L : UNBOUNDED;
            }
            long left = call[0] - now;
            if (left <= 0) {
                throw noAnswer(peer, call);
            }
            return base > 0 ? now + Math.min(left, base * 1_000_000L) : call[0];
        }

        private final class DeadlineInputStream extends FilterInputStream {
            DeadlineInputStream(InputStream in) {
                super(in);
            }

            @Override
            public int read() throws IOException {
                long[] call = ClientTransport.callDeadline();
                long deadline = readDeadline(call);
                int b;
                try {
                    b = deadline == UNBOUNDED ? in.read() : watch().read(in, deadline);
                } catch (SocketTimeoutException e) {
                    throw timedOut(call, e);
                }
                if (call != null && b >= 0) {
                    ClientTransport.progress(call);
                }
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                long[] call = ClientTransport.callDeadline();
                long deadline = readDeadline(call);
                int n;
                try {
                    n = deadline == UNBOUNDED ? in.read(b, off, len) : watch().read(in, b, off, len, deadline);
                } catch (SocketTimeoutException e) {
                    throw timedOut(call, e);
                }
                if (call != null && n > 0) {
                    ClientTransport.progress(call);
                }
                return n;
            }

            /** A read timed out: if the call's deadline passed, the call's "no answer" instead. */
            private SocketTimeoutException timedOut(long[] call, SocketTimeoutException e) {
                if (call == null || call[0] - System.nanoTime() > 0) {
                    return e;
                }
                SocketTimeoutException t = noAnswer(peer, call);
                t.initCause(e);
                return t;
            }
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
