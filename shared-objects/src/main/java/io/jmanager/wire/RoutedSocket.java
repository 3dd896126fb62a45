package io.jmanager.wire;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLSocket;

/**
 * An accepted connection that, on its first read (on the connection's own thread), authenticates and then decides
 * what it is. In order: TLS (if the registry uses it), the {@link Handshake} (a peer that fails it is closed
 * without anything it sent being read beyond the handshake's fixed size), then the first four bytes: a
 * {@link Liveness} connection is served here (registered, then held open until it ends, after which the reader sees
 * end of stream); anything else passes through to RMI with its first bytes pushed back. RMI reads and writes
 * through this socket's streams, which under TLS are the TLS streams.
 *
 * <p>Once authenticated, a connection counts against its peer's {@code --max-connections-per-peer}. An RMI
 * connection then reads each call within a {@link CallBudget} ({@code --max-call-bytes}, the memory budget) and
 * is closed after {@code --idle-timeout} of silence while the registry waits to read from it.
 *
 * <p>To RMI, every connection comes from an unknown address ({@link #getInetAddress()} is the wildcard address):
 * the JDK's registry then refuses {@code bind}, {@code rebind} and {@code unbind} to every caller, on the
 * registry's host too ("disallowed; origin unknown"), before reading their arguments. The registry binds its
 * names in-process, which needs no access check.
 */
final class RoutedSocket extends WatchedSocket {
    /** How long an authenticated connection may take to send its first four bytes. */
    private static final int FIRST_BYTES_TIMEOUT_MILLIS = 10_000;
    /** How long the rest of a refused call is read and dropped at most. */
    private static final long DRAIN_MILLIS = 10_000;
    private static final byte[] NO_BINDING = new byte[0];

    /** The server socket's side of a routed connection. */
    interface Gate {
        ServerSecurity security();

        Liveness.Listener liveness();

        /** The connection's handshake ended (passed, failed or cut off). */
        void handshakeEnded(RoutedSocket socket);

        /** An authenticated connection from {@code peer} opens: false if its peer has too many already. */
        boolean admit(InetAddress peer);

        /** A connection admitted from {@code peer} closed. */
        void released(InetAddress peer);
    }

    private static final InetAddress UNKNOWN_ORIGIN = unknownOrigin();

    private static InetAddress unknownOrigin() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
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
    /** Set once the connection counts against its peer's limit; cleared when it is given back. */
    private final java.util.concurrent.atomic.AtomicBoolean admitted = new java.util.concurrent.atomic.AtomicBoolean();
    /** True once RMI serves the connection: its reads are then timed out after the idle timeout. */
    private volatile boolean servingRmi;
    private final CallBudget budget;

    RoutedSocket(Gate gate) {
        this.gate = gate;
        ServerSecurity.Connections limits = gate.security().connections();
        this.budget = new CallBudget(limits.maxCallBytes(), limits.memory());
    }

    /** The peer's real address (for this package: limits, refusals, TLS). */
    InetAddress peer() {
        return super.getInetAddress();
    }

    /**
     * The wildcard address: RMI takes the connection's origin from here, and the JDK's registry refuses
     * {@code bind}, {@code rebind} and {@code unbind} from an unknown origin, whoever calls.
     */
    @Override
    public InetAddress getInetAddress() {
        return isConnected() ? UNKNOWN_ORIGIN : null;
    }

    /**
     * While RMI serves the connection, its read timeout is at most the idle timeout (RMI asks for two hours):
     * a connection silent that long while the registry waits to read from it is closed.
     *
     * <p>The timeout is enforced by the {@link ReadWatchdog} ({@link WatchedSocket}) on the reads after the
     * handshake (the handshake has its own deadline).
     */
    @Override
    int keptTimeout(int timeout) {
        if (servingRmi) {
            int idle = gate.security().connections().idleTimeoutMillis();
            timeout = timeout <= 0 ? idle : Math.min(timeout, idle);
        }
        return Math.max(0, timeout);
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
            if (admitted.compareAndSet(true, false)) {
                gate.released(peer());
            }
            budget.close();
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

        /** The registry answers: the call read before is over, and its budget is given back. */
        @Override
        public void write(int b) throws IOException {
            budget.reset();
            target().write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            budget.reset();
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

    /** Reads from the authenticated stream within the read timeout ({@link #setSoTimeout}), if one is set. */
    private final class TimedInputStream extends InputStream {
        private final InputStream source;

        TimedInputStream(InputStream source) {
            this.source = source;
        }

        @Override
        public int read() throws IOException {
            int timeout = readTimeoutMillis();
            return timeout == 0 ? source.read() : watch().read(source, System.nanoTime() + timeout * 1_000_000L);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int timeout = readTimeoutMillis();
            return timeout == 0 ? source.read(b, off, len)
                    : watch().read(source, b, off, len, System.nanoTime() + timeout * 1_000_000L);
        }

        @Override
        public int available() throws IOException {
            return source.available();
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
                gate.security().monitor().refused(peer(), reason(e));
                closeQuietly();
                return;
            } finally {
                watchdog.cancel(false);
                gate.handshakeEnded(RoutedSocket.this);
            }
            if (!gate.admit(peer())) {
                ended = true;
                gate.security().monitor().refused(peer(), "more than "
                        + gate.security().connections().maxPerPeer() + " authenticated connections from "
                        + peer().getHostAddress() + " (--max-connections-per-peer)");
                closeQuietly();
                return;
            }
            admitted.set(true);
            if (isClosed() && admitted.compareAndSet(true, false)) { // closed meanwhile: close() did not count it
                gate.released(peer());
                ended = true;
                return;
            }
            in = new PushbackInputStream(new TimedInputStream(source), Liveness.MAGIC.length);
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
            servingRmi = true;
            setSoTimeout(timeout); // now at most the idle timeout
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
                                peer().getHostAddress(), getPort(), true);
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
                    gate.liveness().lost(session, RoutedSocket.this);
                }
                closeQuietly();
            }
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        /**
         * Reads for RMI within the call's budget. A call over its budget, or a connection silent for the idle
         * timeout, ends the stream: RMI answers the exception (if it was reading a call) and then reads the end.
         */
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            route();
            if (budget.takeAnsweredRefusal()) {
                drainRefusedCall();
            }
            if (ended) {
                return -1;
            }
            budget.enter();
            int n;
            try {
                n = in.read(b, off, len);
                if (n > 0) {
                    budget.read(n);
                }
            } catch (CallBudget.CallTooLargeException e) {
                throw e; // RMI answers it, then reads on: see drainRefusedCall
            } catch (IOException e) {
                ended = true;
                throw e;
            }
            return n;
        }

        /**
         * After RMI answered a call refused for its budget: reads and drops what the caller still sends of it (at
         * most another call's worth, for at most {@value #DRAIN_MILLIS} ms, until it is silent for a second), so
         * that a worker still sending its oversized call gets to read the answer instead of a reset connection.
         * Nothing is kept; then the stream ends and RMI closes the connection.
         */
        private void drainRefusedCall() {
            ended = true;
            long limit = gate.security().connections().maxCallBytes();
            long deadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000L;
            byte[] scratch = new byte[8192];
            try {
                setSoTimeout(1_000);
                for (long drained = 0; drained < limit && System.nanoTime() - deadline < 0; ) {
                    int n = in.read(scratch, 0, scratch.length);
                    if (n < 0) {
                        break;
                    }
                    drained += n;
                }
            } catch (IOException e) {
                // silent, closed or reset: done
            }
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
