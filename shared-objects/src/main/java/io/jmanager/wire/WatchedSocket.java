package io.jmanager.wire;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;

/**
 * A socket whose read timeout is kept here and enforced by the {@link ReadWatchdog}, never given to the JDK
 * socket: a JDK socket with a read timeout switches to non-blocking reads for good, at two more system calls per
 * remote call. Subclasses say what a requested timeout becomes ({@link #keptTimeout}) and read through
 * {@link #watch()}; {@link #setSoTimeout} and {@link #getSoTimeout} keep the JDK's contract (milliseconds, 0 for
 * none, an exception once closed).
 */
abstract class WatchedSocket extends Socket {
    private final ReadWatchdog.Watch watch = ReadWatchdog.shared().watch(this);
    private volatile int readTimeoutMillis;

    /** The timeout, in milliseconds (0: none), that this socket keeps when {@code requested} is set. */
    abstract int keptTimeout(int requested);

    @Override
    public final void setSoTimeout(int timeout) throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        readTimeoutMillis = keptTimeout(timeout);
    }

    @Override
    public final int getSoTimeout() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        return readTimeoutMillis;
    }

    /** The kept read timeout in milliseconds (0: none), for the subclass's reads. */
    final int readTimeoutMillis() {
        return readTimeoutMillis;
    }

    /** This socket's reads, as the watchdog sees them. */
    final ReadWatchdog.Watch watch() {
        return watch;
    }

    @Override
    public void close() throws IOException {
        watch.close();
        super.close();
    }
}
