package io.jmanager.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.SharedDict;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import io.jmanager.registry.RegistryConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Garbage, truncated and slow handshakes against a registry in this JVM with a short handshake timeout: each is
 * dropped within the timeout; a thousand at once hold a bounded number of threads while a real worker still
 * connects and works.
 */
class HandshakeFloodTest {
    static final int HANDSHAKE_MILLIS = (int) Timing.millis(1_500);
    static final int MAX_PENDING = 64;
    static TestRegistry registry;
    static int port;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start(RegistryConfig.defaults().withHandshakeTimeoutMillis(HANDSHAKE_MILLIS)
                .withMaxPendingHandshakes(MAX_PENDING));
        port = registry.server().port();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    /** Sends {@code bytes}, then (if {@code stepMillis} > 0) one more byte every step; returns when dropped. */
    private static long millisUntilDropped(byte[] bytes, long stepMillis) throws Exception {
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
            s.setSoTimeout((int) Timing.millis(10_000));
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            out.write(bytes);
            out.flush();
            AtomicBoolean closed = new AtomicBoolean();
            CompletableFuture<Void> dripping = stepMillis <= 0 ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.runAsync(() -> {
                        try {
                            while (!closed.get()) {
                                Thread.sleep(stepMillis);
                                out.write('J');
                                out.flush();
                            }
                        } catch (IOException | InterruptedException e) {
                            // dropped
                        }
                    });
            try {
                byte[] b = new byte[64];
                int total = 0;
                for (int n; (n = in.read(b)) >= 0; ) {
                    total += n;
                    assertTrue(total <= 45, "nothing beyond the registry's greeting: " + total);
                }
            } catch (java.net.SocketException reset) {
                // dropped with our bytes unread
            } finally {
                closed.set(true);
            }
            dripping.get(Timing.millis(5_000), TimeUnit.MILLISECONDS);
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    @Test
    void garbageIsDroppedAtOnce() throws Exception {
        byte[] garbage = new byte[200];
        new Random(1).nextBytes(garbage);
        assertTrue(millisUntilDropped(garbage, 0) < HANDSHAKE_MILLIS);
        assertTrue(millisUntilDropped("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(), 0) < HANDSHAKE_MILLIS);
    }

    @Test
    void aTruncatedHandshakeIsDroppedAtTheTimeout() throws Exception {
        byte[] truncated = {'J', 'M', 'A', 'H', 1, 0, 0, 0, 0, 0};
        long took = millisUntilDropped(truncated, 0);
        assertTrue(took >= HANDSHAKE_MILLIS - 100 && took < HANDSHAKE_MILLIS + Timing.millis(1_500), took + " ms");
    }

    @Test
    void aHandshakeSentOneByteASecondIsDroppedAtTheTimeout() throws Exception {
        // one byte a second would never trip a per-read timeout of 1.5 s: the deadline covers the whole handshake
        long took = millisUntilDropped(new byte[] {'J'}, 1_000);
        assertTrue(took < HANDSHAKE_MILLIS + Timing.millis(1_500), took + " ms");
    }

    /** The registry's connection threads (RMI names them so). */
    private static int connectionThreads() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] all = new Thread[root.activeCount() + 256];
        int n = root.enumerate(all, true);
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (all[i].getName().startsWith("RMI TCP Connection")) {
                count++;
            }
        }
        return count;
    }

    @Test
    void aThousandBadHandshakesAtOnceHoldBoundedThreadsWhileAWorkerConnects() throws Exception {
        int storm = 1_000;
        long refusedBefore = registry.server().refusedConnections();
        int baseline = connectionThreads();
        AtomicInteger peak = new AtomicInteger(baseline);
        AtomicBoolean sampling = new AtomicBoolean(true);
        Thread sampler = new Thread(() -> {
            while (sampling.get()) {
                peak.accumulateAndGet(connectionThreads(), Math::max);
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "thread-sampler");
        sampler.setDaemon(true);
        sampler.start();

        Random random = new Random(42);
        List<SocketChannel> slow = new ArrayList<>();
        long start = System.nanoTime();
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < storm; i++) {
                SocketChannel c = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                c.configureBlocking(false);
                switch (i % 3) {
                    case 0: { // garbage of the response's size
                        byte[] b = new byte[69];
                        random.nextBytes(b);
                        c.write(ByteBuffer.wrap(b));
                        break;
                    }
                    case 1: // truncated: a plausible start, then silence
                        c.write(ByteBuffer.wrap(new byte[] {'J', 'M', 'A', 'H', 1, 7, 7}));
                        break;
                    default: // slow: one byte a second
                        slow.add(c);
                }
                c.register(selector, SelectionKey.OP_READ);
            }

            // meanwhile, a real worker connects and works
            long workerStart = System.nanoTime();
            try (Manager m = Manager.connect(registry.url(), ManagerOptions.defaults()
                    .withConnectTimeout(Duration.ofMillis(Timing.millis(5_000))))) {
                SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("during-storm"));
                d.put("ok", 1);
                assertEquals(1, d.get("ok"));
            }
            long workerMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - workerStart);

            // every storm connection is dropped: read until each one ends, dripping into the slow ones
            int open = storm;
            long deadline = start + TimeUnit.MILLISECONDS.toNanos(HANDSHAKE_MILLIS + Timing.millis(10_000));
            long nextDrip = System.nanoTime();
            ByteBuffer buffer = ByteBuffer.allocate(256);
            while (open > 0 && System.nanoTime() < deadline) {
                if (System.nanoTime() >= nextDrip) {
                    for (SocketChannel c : slow) {
                        if (c.isOpen()) {
                            try {
                                c.write(ByteBuffer.wrap(new byte[] {'J'}));
                            } catch (IOException dropped) {
                                // the registry closed it: the selector sees the end
                            }
                        }
                    }
                    nextDrip = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel c = (SocketChannel) key.channel();
                    int n;
                    try {
                        buffer.clear();
                        n = c.read(buffer);
                    } catch (IOException reset) {
                        n = -1;
                    }
                    if (n < 0) {
                        key.cancel();
                        c.close();
                        open--;
                    }
                }
                selector.selectedKeys().clear();
            }
            long allDropped = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            sampling.set(false);
            sampler.join();
            for (SelectionKey key : selector.keys()) {
                key.channel().close();
            }
            assertEquals(0, open, open + " connections still open after " + allDropped + " ms");
            int extraThreads = peak.get() - baseline;
            System.out.println("storm of " + storm + ": worker connected in " + workerMillis + " ms, all dropped"
                    + " after " + allDropped + " ms, at most " + extraThreads + " more connection threads");
            assertTrue(extraThreads < storm / 4, "connection threads grew by " + extraThreads
                    + " with at most " + MAX_PENDING + " handshakes pending");
        }
        // A connection the handshake watchdog closed is counted by its own thread after the close the client saw:
        // wait (bounded) for the count to catch up with the closes instead of reading it once.
        long countDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(5000));
        while (registry.server().refusedConnections() - refusedBefore < storm && System.nanoTime() < countDeadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertTrue(registry.server().refusedConnections() - refusedBefore >= storm,
                "refused " + (registry.server().refusedConnections() - refusedBefore));
        try (Manager after = Manager.connect(registry.url())) {
            assertTrue(after.names().size() > 0);
        }
    }
}
