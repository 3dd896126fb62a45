package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link ReadWatchdog}: blocking reads on real loopback sockets end at their deadline (never before), a read
 * answered in time is left alone, and a short deadline is kept while the watchdog sleeps for a long one.
 */
class ReadWatchdogTest {
    /** The timing multiplier (as in the other modules' tests): bounds how long a failing test waits. */
    private static final double FACTOR = Double.parseDouble(System.getProperty("jmanager.test.timeFactor",
            System.getenv().getOrDefault("JMANAGER_TEST_TIME_FACTOR", "1")));
    private static final long SLACK_NANOS = (long) (5_000_000_000L * FACTOR);

    private final ReadWatchdog watchdog = ReadWatchdog.shared();
    private final List<Socket> sockets = new ArrayList<>();
    private ServerSocket server;

    @BeforeEach
    void listen() throws IOException {
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
    }

    @AfterEach
    void closeAll() throws IOException {
        for (Socket s : sockets) {
            s.close();
        }
        server.close();
    }

    /** A connected pair: [0] the reader's side, [1] the peer. */
    private Socket[] pair() throws IOException {
        Socket reader = new Socket(server.getInetAddress(), server.getLocalPort());
        Socket peer = server.accept();
        sockets.add(reader);
        sockets.add(peer);
        return new Socket[] {reader, peer};
    }

    /** Reads one byte under {@code watch} with {@code deadline}: the byte, or {@link SocketTimeoutException}. */
    private static int watchedRead(ReadWatchdog.Watch watch, InputStream in, long deadline) throws IOException {
        return watch.read(in, deadline);
    }

    @Test
    void aReadPastItsDeadlineIsEndedByClosingItsSocketNeverBefore() throws Exception {
        Socket[] p = pair();
        ReadWatchdog.Watch watch = watchdog.watch(p[0]);
        long start = System.nanoTime();
        long deadline = start + TimeUnit.MILLISECONDS.toNanos(200);
        IOException e = assertThrows(SocketTimeoutException.class,
                () -> watchedRead(watch, p[0].getInputStream(), deadline));
        long ended = System.nanoTime();
        assertTrue(watch.expired(), "the watchdog says it ended the read: " + e);
        // Socket sets its isInputShutdown() flag after the shutdown itself returns, on the watchdog's thread, and
        // the shutdown is what ended the read here: the flag may follow a moment later
        long flagBy = System.nanoTime() + SLACK_NANOS;
        while (!p[0].isInputShutdown() && System.nanoTime() - flagBy < 0) {
            Thread.onSpinWait();
        }
        assertTrue(p[0].isInputShutdown(), "the timed-out read's socket has its input shut down");
        p[0].getOutputStream().write(9); // its output still works: a registry can still answer
        assertEquals(9, p[1].getInputStream().read());
        assertTrue(ended - deadline >= 0, "ended " + (deadline - ended) / 1_000_000 + " ms before its deadline");
        assertTrue(ended - deadline < SLACK_NANOS, "ended " + (ended - deadline) / 1_000_000 + " ms after it");
    }

    @Test
    void aReadAnsweredInTimeIsLeftAloneAfterItsDeadlinePasses() throws Exception {
        Socket[] answered = pair();
        ReadWatchdog.Watch watch = watchdog.watch(answered[0]);
        answered[1].getOutputStream().write(42);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        assertEquals(42, watchedRead(watch, answered[0].getInputStream(), deadline));
        // a later deadline that the watchdog ends proves it has looked past the first one (it ends reads in
        // deadline order): the answered read's socket must still be open and usable
        Socket[] probe = pair();
        ReadWatchdog.Watch probeWatch = watchdog.watch(probe[0]);
        assertThrows(IOException.class, () -> watchedRead(probeWatch, probe[0].getInputStream(),
                deadline + TimeUnit.MILLISECONDS.toNanos(100)));
        assertTrue(probeWatch.expired());
        assertFalse(watch.expired(), "a read that was answered in time was ended");
        assertFalse(answered[0].isClosed());
        answered[1].getOutputStream().write(new byte[] {1, 2});
        byte[] two = answered[0].getInputStream().readNBytes(2);
        assertArrayEquals(new byte[] {1, 2}, two, "the connection still carries data");
        watch.close();
    }

    @Test
    void aShortDeadlineIsKeptWhileTheWatchdogSleepsForALongOne() throws Exception {
        Socket[] slow = pair();
        ReadWatchdog.Watch slowWatch = watchdog.watch(slow[0]);
        CountDownLatch slowReading = new CountDownLatch(1);
        CompletableFuture<Integer> slowRead = CompletableFuture.supplyAsync(() -> {
            try {
                slowWatch.begin(System.nanoTime() + TimeUnit.SECONDS.toNanos(600));
                slowReading.countDown();
                try {
                    return slow[0].getInputStream().read();
                } finally {
                    slowWatch.end();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(slowReading.await(SLACK_NANOS, TimeUnit.NANOSECONDS));
        Socket[] fast = pair();
        ReadWatchdog.Watch fastWatch = watchdog.watch(fast[0]);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(150);
        CompletableFuture<Integer> fastRead = CompletableFuture.supplyAsync(() -> {
            try {
                return watchedRead(fastWatch, fast[0].getInputStream(), deadline);
            } catch (IOException e) {
                return -2;
            }
        });
        // bounded: if the watchdog slept through the short deadline, the read would wait for 600 s
        assertEquals(-2, fastRead.get(SLACK_NANOS, TimeUnit.NANOSECONDS), "the short read ended with an error");
        long late = System.nanoTime() - deadline;
        assertTrue(fastWatch.expired());
        assertTrue(late >= 0 && late < SLACK_NANOS, "the short read ended " + late / 1_000_000 + " ms after its"
                + " deadline while the watchdog slept for a 600 s one");
        assertFalse(slowWatch.expired(), "the long read was ended early");
        slow[1].getOutputStream().write(7);
        assertEquals(7, slowRead.get(SLACK_NANOS, TimeUnit.NANOSECONDS));
        slowWatch.close();
    }

    @Test
    void manyConcurrentReadsEachEndAtTheirOwnDeadlineAndAnsweredOnesAreLeftAlone() throws Exception {
        int readers = 24;
        List<Socket[]> pairs = new ArrayList<>();
        for (int i = 0; i < readers; i++) {
            pairs.add(pair());
        }
        ExecutorService pool = Executors.newFixedThreadPool(readers);
        try {
            for (int round = 0; round < 3; round++) {
                List<Future<String>> results = new ArrayList<>();
                CountDownLatch start = new CountDownLatch(1);
                for (int i = 0; i < readers; i++) {
                    Socket[] p = pairs.get(i);
                    boolean answered = i % 2 == 0;
                    long millis = ThreadLocalRandom.current().nextLong(20, 400);
                    results.add(pool.submit(() -> {
                        start.await();
                        ReadWatchdog.Watch w = watchdog.watch(p[0]);
                        if (answered) {
                            p[1].getOutputStream().write(5);
                        }
                        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
                        try {
                            int b = watchedRead(w, p[0].getInputStream(), deadline);
                            w.close();
                            return answered && b == 5 && !w.expired() ? "ok" : "read " + b + " answered=" + answered;
                        } catch (IOException e) {
                            long late = System.nanoTime() - deadline;
                            if (answered) {
                                return "an answered read failed: " + e;
                            }
                            return w.expired() && late >= 0 && late < SLACK_NANOS ? "ok"
                                    : "ended " + late / 1_000_000 + " ms after its deadline, expired=" + w.expired();
                        }
                    }));
                }
                start.countDown();
                for (Future<String> f : results) {
                    assertEquals("ok", f.get(SLACK_NANOS * 2, TimeUnit.NANOSECONDS));
                }
                for (int i = 1; i < readers; i += 2) { // the unanswered ones were closed: new pairs for them
                    pairs.set(i, pair());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
