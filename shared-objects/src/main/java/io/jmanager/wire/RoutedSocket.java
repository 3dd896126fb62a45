package io.jmanager.wire;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLSocket;

/**
 * An accepted connection that, on its first read (on the connection's own thread), authenticates and then decides
 * what it is. In order: TLS (if the registry uses it), the {@link Handshake} (a peer that fails it is closed
 * without anything it sent being read beyond the handshake's fixed size), then the first four bytes: a
 * {@link Liveness} connection is served here (registered, then held open until it ends, after which the reader sees
 * end of stream); anything else passes through to RMI with its first bytes pushed back. RMI reads and writes
 * through this socket's streams, which under TLS are the TLS streams.
 */
final class RoutedSocket extends Socket {
    /** How long an authenticated connection may take to send its first four bytes. */
    private static final int FIRST_BYTES_TIMEOUT_MILLIS = 10_000;
    private static final byte[] NO_BINDING = new byte[0];

    /** The server socket's side of a routed connection. */
    interface Gate {
        ServerSecurity security();

        Liveness.Listener liveness();

        /** The connection's handshake ended (passed, failed or cut off). */
        void handshakeEnded(RoutedSocket socket);
    }

    /** Closes connections whose handshake outlives its deadline, whatever they are blocked in (TLS included). */
    private static final java.util.concurrent.ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private static java.util.concurrent.ScheduledThreadPoolExecutor watchdog() {
        java.util.concurrent.ScheduledThreadPoolExecutor e = new java.util.concurrent.ScheduledThreadPoolExecutor(1,
                r -> {
                    Thread t = new Thread(r, "jmanager-handshake-watchdog");
                    t.setDaemon(true);
                    return t;
                });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    private final Gate gate;
    private InputStream routed;
    private OutputStream transportOut;
    private volatile SSLSocket tls;
    private volatile boolean authenticated;
    /** True only while a TLS socket is being layered over this one: it must see the raw streams. */
    private boolean rawStreams;

    RoutedSocket(Gate gate) {
        this.gate = gate;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (rawStreams) {
            return super.getInputStream();
        }
        if (routed == null) {
            routed = new RoutingStream();
        }
        return routed;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
        if (rawStreams) {
            return super.getOutputStream();
        }
        if (transportOut == null) {
            transportOut = new TransportOutputStream();
        }
        return transportOut;
    }

    private OutputStream rawOutput() throws IOException {
        return super.getOutputStream();
    }

    private InputStream rawInput() throws IOException {
        return super.getInputStream();
    }

    /** Why this side cut the handshake off (null while it did not). */
    private volatile String cutOff;

    /** Disconnects a connection still in its handshake, to make room for newer ones. */
    void evict() {
        cutOff = "dropped to make room for newer connections (--max-pending-handshakes "
                + gate.security().maxPendingHandshakes() + ")";
        closeQuietly();
    }

    /** Disconnects a connection whose handshake outlived its deadline. */
    private void timedOut() {
        cutOff = "no complete handshake within " + gate.security().handshakeTimeoutMillis() + " ms";
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            // already closed
        }
    }

    /**
     * Closes the TCP connection. Under TLS no close_notify is sent: waiting for a peer's answer could block, and RMI
     * frames its own messages.
     */
    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            gate.handshakeEnded(this);
        }
    }

    /** Writes go to the TLS stream when there is one; nothing may be written before the peer authenticated. */
    private final class TransportOutputStream extends OutputStream {
        private OutputStream target() throws IOException {
            if (!authenticated) {
                throw new IOException("the connection has not authenticated");
            }
            SSLSocket t = tls;
            return t != null ? t.getOutputStream() : rawOutput();
        }

        @Override
        public void write(int b) throws IOException {
            target().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            target().write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            if (authenticated) {
                target().flush();
            }
        }

        @Override
        public void close() throws IOException {
            RoutedSocket.this.close();
        }
    }

    /** Authenticates and routes once, on the first read. */
    private final class RoutingStream extends InputStream {
        private PushbackInputStream in;
        private boolean routedYet;
        private boolean ended;

        private void route() throws IOException {
            if (routedYet) {
                return;
            }
            routedYet = true;
            InputStream source;
            java.util.concurrent.ScheduledFuture<?> watchdog = WATCHDOG.schedule(RoutedSocket.this::timedOut,
                    gate.security().handshakeTimeoutMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            try {
                source = authenticate();
            } catch (IOException | RuntimeException e) {
                ended = true;
                gate.security().monitor().refused(getInetAddress(), reason(e));
                closeQuietly();
                return;
            } finally {
                watchdog.cancel(false);
                gate.handshakeEnded(RoutedSocket.this);
            }
            in = new PushbackInputStream(source, Liveness.MAGIC.length);
            int timeout = getSoTimeout();
            setSoTimeout(FIRST_BYTES_TIMEOUT_MILLIS);
            byte[] head = new byte[Liveness.MAGIC.length];
            int n = 0;
            try {
                while (n < head.length) {
                    int r = in.read(head, n, head.length - n);
                    if (r < 0) {
                        break;
                    }
                    n += r;
                }
            } catch (SocketTimeoutException e) {
                ended = true;
                closeQuietly();
                return;
            } finally {
                if (!isClosed()) {
                    setSoTimeout(timeout);
                }
            }
            if (n == head.length && java.util.Arrays.equals(head, Liveness.MAGIC)) {
                serveLiveness();
                ended = true;
                return;
            }
            in.unread(head, 0, n);
        }

        /** TLS (if configured) and the handshake, within one deadline; returns the stream RMI reads. */
        private InputStream authenticate() throws IOException {
            ServerSecurity security = gate.security();
            long deadline = System.nanoTime() + security.handshakeTimeoutMillis() * 1_000_000L;
            int saved = getSoTimeout();
            InputStream input;
            OutputStream output;
            byte[] binding = NO_BINDING;
            Handshake.ReadTimeout timeout;
            if (security.tls() != null) {
                SSLSocket ssl;
                synchronized (RoutedSocket.this) {
                    rawStreams = true;
                    try {
                        ssl = (SSLSocket) security.tls().getSocketFactory().createSocket(RoutedSocket.this,
                                getInetAddress().getHostAddress(), getPort(), true);
                    } finally {
                        rawStreams = false;
                    }
                }
                ssl.setUseClientMode(false);
                ssl.setNeedClientAuth(security.needClientAuth());
                setSoTimeout(security.handshakeTimeoutMillis());
                ssl.startHandshake();
                if (System.nanoTime() - deadline > 0) {
                    throw new SocketTimeoutException("TLS handshake not completed in time");
                }
                binding = ClientSocketFactory.serverCertificateHash(ssl.getSession().getLocalCertificates());
                tls = ssl;
                input = ssl.getInputStream();
                output = ssl.getOutputStream();
                timeout = ssl::setSoTimeout;
            } else {
                input = rawInput();
                output = rawOutput();
                timeout = RoutedSocket.this::setSoTimeout;
            }
            Handshake.server(input, output, timeout, deadline, security.key(), binding);
            authenticated = true;
            setSoTimeout(saved);
            return input;
        }

        private String reason(Throwable e) {
            String cut = cutOff;
            if (cut != null) {
                return cut;
            }
            if (e instanceof SocketTimeoutException) {
                return "no complete handshake within " + gate.security().handshakeTimeoutMillis() + " ms";
            }
            if (e instanceof javax.net.ssl.SSLException) {
                return "TLS: " + e.getMessage();
            }
            return e.getMessage() == null ? e.toString() : e.getMessage();
        }

        private void serveLiveness() {
            long session = 0;
            boolean attached = false;
            try {
                session = new DataInputStream(in).readLong();
                attached = gate.liveness().attached(session, RoutedSocket.this);
                getOutputStream().write(attached ? Liveness.ACCEPTED : Liveness.REFUSED);
                getOutputStream().flush();
                if (attached) {
                    setSoTimeout(0);
                    while (in.read() >= 0) {
                        // nothing is expected; any bytes are ignored until the connection ends
                    }
                }
            } catch (IOException e) {
                // the connection broke: the same as a close
            } finally {
                if (attached) {
                    gate.liveness().lost(session);
                }
                closeQuietly();
            }
        }

        @Override
        public int read() throws IOException {
            route();
            return ended ? -1 : in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            route();
            return ended ? -1 : in.read(b, off, len);
        }

        @Override
        public int available() throws IOException {
            return ended || !routedYet ? 0 : in.available();
        }

        @Override
        public void close() throws IOException {
            RoutedSocket.this.close();
        }
    }
}
