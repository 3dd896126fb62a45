package io.jmanager.wire;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * An accepted connection that decides on its first read what it is: a {@link Liveness} connection is served here
 * (registered, then held open until it ends, after which the reader sees end of stream), anything else passes
 * through to RMI with its first bytes pushed back.
 */
final class RoutedSocket extends Socket {
    /** How long a new connection may take to send its first four bytes. */
    private static final int FIRST_BYTES_TIMEOUT_MILLIS = 10_000;

    private final Liveness.Listener liveness;
    private InputStream routed;

    RoutedSocket(Liveness.Listener liveness) {
        this.liveness = liveness;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (routed == null) {
            routed = new RoutingStream(super.getInputStream());
        }
        return routed;
    }

    /** Reads the first four bytes once, on the connection's own thread, and routes. */
    private final class RoutingStream extends InputStream {
        private final PushbackInputStream in;
        private boolean routedYet;
        private boolean ended;

        RoutingStream(InputStream raw) {
            this.in = new PushbackInputStream(raw, Liveness.MAGIC.length);
        }

        private void route() throws IOException {
            if (routedYet) {
                return;
            }
            routedYet = true;
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
                close();
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

        private void serveLiveness() {
            long session = 0;
            boolean attached = false;
            try {
                session = new DataInputStream(in).readLong();
                attached = liveness.attached(session, RoutedSocket.this);
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
                    liveness.lost(session);
                }
                try {
                    close();
                } catch (IOException e) {
                    // already closed
                }
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
            in.close();
        }
    }
}
