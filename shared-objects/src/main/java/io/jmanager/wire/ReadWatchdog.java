package io.jmanager.wire;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Bounds blocking socket reads without {@code SO_TIMEOUT}. A JDK socket given a read timeout switches its file
 * descriptor to non-blocking mode for good, and from then on every read that finds no data yet costs a failed
 * read, a {@code poll} and a second read: four system calls per remote call instead of two (a write and a read;
 * counted with {@code perf stat}), which showed as jmanager's extra client CPU against plain RMI when client
 * processes share a CPU (BENCHMARKS.md, "Blocking reads"). So jmanager's sockets stay blocking; a
 * reader announces its deadline before it blocks ({@link Watch#begin}) and withdraws it after
 * ({@link Watch#end}), or reads through {@link Watch#read}; one daemon thread per JVM shuts down the input of a
 * socket whose read outlives its deadline, which ends the blocked read at once, and the reader reports a
 * {@link SocketTimeoutException} ({@link Watch#expired}).
 *
 * <p>The thread sleeps until the earliest deadline of the reads in progress (no periodic wake-ups), or without a
 * deadline while no read is in progress; a read whose deadline comes before the thread's next wake-up wakes it.
 * Unlike {@code SO_TIMEOUT}, a timed-out read ends the socket's input for good: it cannot be read from again
 * (RMI drops a connection whose read failed anyway), while what is written still goes out, so that the registry
 * can still answer a call cut off by its idle timeout (under TLS the TLS layer may take the cut input for a failed
 * connection, and then no answer goes out). Thread-safe.
 */
final class ReadWatchdog {
    private static final ReadWatchdog SHARED = new ReadWatchdog("jmanager-read-watchdog");

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    /** True while the thread sleeps without a deadline (no read was in progress when it last looked). */
    private volatile boolean idle = true;
    /** The thread's next wake-up ({@link System#nanoTime()}) while it sleeps with a deadline. */
    private volatile long wakeAt;

    private ReadWatchdog(String threadName) {
        thread = new Thread(this::run, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The JVM's watchdog. */
    static ReadWatchdog shared() {
        return SHARED;
    }

    /** Watches the reads of {@code socket} until {@link Watch#close()}. */
    Watch watch(Socket socket) {
        Watch w = new Watch(socket);
        watches.add(w);
        return w;
    }

    /** One socket's reads: at most one at a time is watched. */
    final class Watch {
        private final Socket socket;
        private volatile long deadline;
        private volatile boolean reading;
        private volatile boolean expired;

        private Watch(Socket socket) {
            this.socket = socket;
        }

        /**
         * Reads from {@code in} (a stream over the watched socket) until {@code deadlineNanos}
         * ({@link System#nanoTime()}).
         *
         * @throws SocketTimeoutException the deadline passed: the socket's input is shut down
         */
        int read(InputStream in, byte[] b, int off, int len, long deadlineNanos) throws IOException {
            begin(deadlineNanos);
            int n;
            try {
                n = in.read(b, off, len);
            } catch (IOException e) {
                throw expired ? timedOut(e) : e;
            } finally {
                end();
            }
            if (n < 0 && expired) {
                throw timedOut(null);
            }
            return n;
        }

        /** {@link #read(InputStream, byte[], int, int, long)} of one byte. */
        int read(InputStream in, long deadlineNanos) throws IOException {
            byte[] one = new byte[1];
            int n = read(in, one, 0, 1, deadlineNanos);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        private SocketTimeoutException timedOut(IOException cause) {
            SocketTimeoutException t = new SocketTimeoutException("Read timed out");
            if (cause != null) {
                t.initCause(cause);
            }
            return t;
        }

        /** A read begins that must end by {@code deadlineNanos} ({@link System#nanoTime()}). */
        void begin(long deadlineNanos) {
            deadline = deadlineNanos;
            reading = true;
            if (idle || deadlineNanos - wakeAt < 0) {
                LockSupport.unpark(thread); // it would sleep past this deadline
            }
        }

        /** The read ended (returned or threw). */
        void end() {
            reading = false;
        }

        /** True if a read outlived its deadline and the socket's input was shut down for it. */
        boolean expired() {
            return expired;
        }

        /** The socket is closed: no more reads to watch. */
        void close() {
            watches.remove(this);
        }

        private void expire() {
            expired = true;
            reading = false;
            watches.remove(this);
            try {
                socket.shutdownInput(); // the blocked read sees the end of the stream; writes still go out
            } catch (IOException | RuntimeException e) {
                try {
                    socket.close(); // not connected, or shut already: the read ends with an exception
                } catch (IOException | RuntimeException again) {
                    // closed already: the read has ended
                }
            }
        }
    }

    private void run() {
        while (true) {
            try {
                watchOnce();
            } catch (RuntimeException | Error e) {
                // (nothing in a round throws; if something did, the JVM's read timeouts must not stop with it)
                LockSupport.parkNanos(this, 10_000_000L);
            }
        }
    }

    /** One round: ends the reads past their deadline, then sleeps until the next deadline or a new read's. */
    private void watchOnce() {
        long earliest = scan(true);
        boolean any = earliest != Long.MIN_VALUE;
        if (any) {
            wakeAt = earliest;
            idle = false;
        } else {
            idle = true;
        }
        // a read that began during the scan either saw what was just published (and wakes this thread if its
        // deadline is earlier) or is seen by this second look
        long again = scan(false);
        if (again != Long.MIN_VALUE && (!any || again - earliest < 0)) {
            return; // look again at once
        }
        if (any) {
            LockSupport.parkNanos(this, earliest - System.nanoTime());
        } else {
            LockSupport.park(this);
        }
    }

    /**
     * The earliest deadline of the reads in progress, or {@link Long#MIN_VALUE} if there are none; with
     * {@code expire}, first ends the reads whose deadline has passed.
     */
    private long scan(boolean expire) {
        long now = System.nanoTime();
        long earliest = Long.MIN_VALUE;
        boolean any = false;
        for (Watch w : watches) {
            if (!w.reading) {
                continue;
            }
            long d = w.deadline;
            if (expire && d - now <= 0) {
                w.expire();
                continue;
            }
            if (!any || d - earliest < 0) {
                earliest = d;
                any = true;
            }
        }
        return any ? (earliest == Long.MIN_VALUE ? earliest + 1 : earliest) : Long.MIN_VALUE;
    }
}
