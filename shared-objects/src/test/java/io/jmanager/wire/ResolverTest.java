package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Host lookups end at the connect deadline even when the resolver hangs, and a hung lookup is not multiplied. */
class ResolverTest {
    @AfterEach
    void restore() {
        Resolver.lookup = InetAddress::getByName;
    }

    @Test
    void aHungResolverFailsTheLookupAtTheDeadlineAndIsSharedByConcurrentLookups() throws Exception {
        CountDownLatch dnsAnswers = new CountDownLatch(1);
        AtomicInteger lookups = new AtomicInteger();
        Resolver.lookup = host -> {
            lookups.incrementAndGet();
            try {
                dnsAnswers.await(60, TimeUnit.SECONDS); // a DNS server that does not answer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1});
        };
        long start = System.nanoTime();
        SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                () -> Resolver.resolve("registry.example", System.nanoTime() + 300_000_000L));
        long waitedMillis = (System.nanoTime() - start) / 1_000_000;
        assertTrue(waitedMillis >= 250 && waitedMillis < 10_000, "waited " + waitedMillis + " ms");
        assertTrue(e.getMessage().contains("registry.example") && e.getMessage().contains("connect timeout"),
                e.getMessage());
        // a second attempt while the first lookup still hangs waits for the same lookup, it starts no other
        assertThrows(SocketTimeoutException.class,
                () -> Resolver.resolve("registry.example", System.nanoTime() + 50_000_000L));
        assertEquals(1, lookups.get());
        dnsAnswers.countDown();
        // the late answer is there for the next connection
        InetAddress resolved = Resolver.resolve("registry.example", System.nanoTime() + 10_000_000_000L);
        assertEquals("127.0.0.1", resolved.getHostAddress());
    }

    @Test
    void unknownHostsAndLiteralsAnswerAsBefore() throws Exception {
        Resolver.lookup = host -> {
            throw new UnknownHostException(host + ": no such host");
        };
        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> Resolver.resolve("nowhere.invalid", System.nanoTime() + 5_000_000_000L));
        assertTrue(e.getMessage().contains("nowhere.invalid"), e.getMessage());
        // literals are parsed, never looked up
        assertEquals("10.1.2.3", Resolver.resolve("10.1.2.3", System.nanoTime()).getHostAddress());
        assertEquals("0:0:0:0:0:0:0:1", Resolver.resolve("::1", System.nanoTime()).getHostAddress());
    }
}
