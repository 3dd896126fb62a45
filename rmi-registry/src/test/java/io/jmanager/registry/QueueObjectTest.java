package io.jmanager.registry;

import static io.jmanager.registry.Fixture.LONG_WAIT;
import static io.jmanager.registry.Fixture.MAX_VALUE;
import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.awaitWaiting;
import static io.jmanager.registry.Fixture.dec;
import static io.jmanager.registry.Fixture.enc;
import static io.jmanager.registry.Fixture.get;
import static io.jmanager.registry.Fixture.nanos;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.ValueTooLargeException;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QueueObjectTest {
    private final Fixture fx = new Fixture();
    private final long s1 = fx.session();

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    private QueueObject queue(int maxsize) {
        return fx.add(new QueueObject("q", ObjectSpec.sized(ObjectType.QUEUE, maxsize), fx.context));
    }

    private static List<Object> decoded(byte[][] values) {
        List<Object> out = new ArrayList<>();
        for (byte[] v : values) {
            out.add(dec(v));
        }
        return out;
    }

    @Test
    void firstInFirstOut() {
        QueueObject q = queue(0);
        for (int i = 0; i < 5; i++) {
            assertTrue(q.offer(s1, i, enc(i), 0));
        }
        assertEquals(5, q.size());
        assertEquals(0, dec(q.peek()));
        assertEquals(List.of(0, 1, 2, 3, 4), decoded(q.snapshot()));
        for (int i = 0; i < 5; i++) {
            assertEquals(i, dec(q.poll(s1, 10 + i, 0)));
        }
        assertNull(q.poll(s1, 20, 0));
        assertNull(q.poll(s1, 21, nanos(20)));
        assertNull(q.peek());
        assertEquals(Integer.MAX_VALUE, q.remainingCapacity());
    }

    @Test
    void boundedQueueRefusesWhenFull() {
        QueueObject q = queue(2);
        assertTrue(q.offer(s1, 1, enc("a"), 0));
        assertEquals(1, q.remainingCapacity());
        assertTrue(q.offer(s1, 2, enc("b"), 0));
        assertEquals(0, q.remainingCapacity());
        assertFalse(q.offer(s1, 3, enc("c"), 0));
        assertFalse(q.offer(s1, 4, enc("c"), nanos(20)));
        assertEquals(List.of("a", "b"), decoded(q.snapshot()));
        assertEquals(2, q.unfinishedTasks(), "a refused offer is no task");
    }

    @Test
    void blockedOfferAndPollAreGranted() throws Exception {
        QueueObject q = queue(1);
        q.offer(s1, 1, enc("a"), 0);
        Future<Boolean> offer = fx.async(() -> q.offer(s1, 2, enc("b"), LONG_WAIT));
        awaitWaiting(q, 1);
        assertEquals("a", dec(q.poll(s1, 3, 0)));
        assertTrue(get(offer));
        assertEquals("b", dec(q.poll(s1, 4, 0)));

        Future<byte[]> poll = fx.async(() -> q.poll(s1, 5, LONG_WAIT));
        awaitWaiting(q, 1);
        q.offer(s1, 6, enc("c"), 0);
        assertEquals("c", dec(get(poll)));
    }

    @Test
    void offerAllAppendsWhatFitsInOrder() {
        QueueObject q = queue(4);
        q.offer(s1, 1, enc(0), 0);
        assertEquals(3, q.offerAll(new byte[][] {enc(1), enc(2), enc(3), enc(4), enc(5)}));
        assertEquals(List.of(0, 1, 2, 3), decoded(q.snapshot()));
        assertEquals(0, q.offerAll(new byte[][] {enc(9)}));
        assertEquals(4, q.unfinishedTasks());
        assertEquals(0, queue(0).offerAll(new byte[0][]));
    }

    @Test
    void offerAllWakesBlockedPolls() throws Exception {
        QueueObject q = queue(0);
        Future<byte[]> poll = fx.async(() -> q.poll(s1, 1, LONG_WAIT));
        awaitWaiting(q, 1);
        q.offerAll(new byte[][] {enc("x"), enc("y")});
        assertEquals("x", dec(get(poll)));
    }

    @Test
    void tooLargeValuesAreRefusedWhole() {
        QueueObject q = queue(0);
        byte[] big = new byte[MAX_VALUE + 1];
        ValueTooLargeException e = assertThrows(ValueTooLargeException.class, () -> q.offer(s1, 1, big, 0));
        assertContains(e.getMessage(), "'q'", "nothing was stored");
        assertThrows(ValueTooLargeException.class, () -> q.offerAll(new byte[][] {enc(1), big}));
        byte[] fits = new byte[MAX_VALUE];
        byte[][] batch = new byte[(int) (Fixture.MAX_BATCH / MAX_VALUE) + 1][];
        java.util.Arrays.fill(batch, fits);
        assertThrows(ValueTooLargeException.class, () -> q.offerAll(batch));
        assertEquals(0, q.size());
        assertEquals(0, q.unfinishedTasks());
    }

    @Test
    void taskDoneAndJoinAccounting() throws Exception {
        QueueObject q = queue(0);
        assertTrue(q.join(s1, 1, 0), "nothing was put yet");
        q.offer(s1, 2, enc("a"), 0);
        q.offerAll(new byte[][] {enc("b"), enc("c")});
        assertEquals(3, q.unfinishedTasks());
        q.poll(s1, 3, 0);
        q.poll(s1, 4, 0);
        assertEquals(3, q.unfinishedTasks(), "getting an item does not finish its task");
        assertFalse(q.join(s1, 5, 0));
        q.taskDone(2);
        assertEquals(1, q.unfinishedTasks());

        Future<Boolean> join = fx.async(() -> q.join(s1, 6, LONG_WAIT));
        awaitWaiting(q, 1);
        q.taskDone(1);
        assertTrue(get(join));
        assertEquals(0, q.unfinishedTasks());
    }

    @Test
    void tooManyTaskDoneIsAnErrorThatChangesNothing() {
        QueueObject q = queue(0);
        IllegalStateException none = assertThrows(IllegalStateException.class, () -> q.taskDone(1));
        assertContains(none.getMessage(), "too many times", "'q'");
        q.offerAll(new byte[][] {enc(1), enc(2)});
        assertThrows(IllegalStateException.class, () -> q.taskDone(3));
        assertEquals(2, q.unfinishedTasks());
        assertThrows(IllegalArgumentException.class, () -> q.taskDone(0));
        assertThrows(IllegalArgumentException.class, () -> q.taskDone(-1));
        q.taskDone(2);
        assertThrows(IllegalStateException.class, () -> q.taskDone(1));
    }

    @Test
    void drainTakesFromTheHead() {
        QueueObject q = queue(0);
        for (int i = 0; i < 5; i++) {
            q.offer(s1, i, enc(i), 0);
        }
        assertEquals(List.of(0, 1), decoded(q.drain(2)));
        assertEquals(0, q.drain(0).length);
        assertEquals(0, q.drain(-3).length);
        assertEquals(List.of(2, 3, 4), decoded(q.drain(Integer.MAX_VALUE)));
        assertEquals(0, q.size());
        assertEquals(5, q.unfinishedTasks());
    }

    @Test
    void drainAndClearWakeBlockedOffers() throws Exception {
        QueueObject q = queue(1);
        q.offer(s1, 1, enc(1), 0);
        Future<Boolean> offer = fx.async(() -> q.offer(s1, 2, enc(2), LONG_WAIT));
        awaitWaiting(q, 1);
        q.drain(1);
        assertTrue(get(offer));
        Future<Boolean> another = fx.async(() -> q.offer(s1, 3, enc(3), LONG_WAIT));
        awaitWaiting(q, 1);
        q.clear();
        assertTrue(get(another));
        assertEquals(List.of(3), decoded(q.snapshot()));
    }

    @Test
    void removeByValue() {
        QueueObject q = queue(0);
        q.offerAll(new byte[][] {enc("a"), enc(1), enc("a"), enc(1L), enc("b")});
        assertTrue(q.removeFirst(enc("a")));
        assertEquals(List.of(1, "a", 1L, "b"), decoded(q.snapshot()));
        assertFalse(q.removeFirst(enc("zzz")));
        assertEquals(2, q.removeMatching(new byte[][] {enc("a"), enc(1)}, true), "retain 'a' and 1: drop 1L, b");
        assertEquals(List.of(1, "a"), decoded(q.snapshot()));
        assertEquals(1, q.removeMatching(new byte[][] {enc(1)}, false));
        assertEquals(List.of("a"), decoded(q.snapshot()));
    }

    @Test
    void cancelAndDestroy() throws Exception {
        QueueObject q = queue(0);
        Future<byte[]> poll = fx.async(() -> q.poll(s1, 1, LONG_WAIT));
        awaitWaiting(q, 1);
        q.cancelWait(s1, 1);
        assertNull(get(poll));

        q.cancelWait(s1, 2);
        q.offer(s1, 3, enc("x"), 0);
        assertNull(q.poll(s1, 2, 0), "a cancelled poll takes nothing");
        assertEquals(1, q.size());

        q.drain(1);
        Future<byte[]> doomed = fx.async(() -> q.poll(s1, 4, LONG_WAIT));
        awaitWaiting(q, 1);
        q.destroy();
        assertThrows(NoSuchSharedObjectException.class, () -> get(doomed));
        assertThrows(NoSuchSharedObjectException.class, q::size);
    }

    @Test
    void manyProducersAndConsumersDeliverEveryItemOnceInProducerOrder() throws Exception {
        QueueObject q = queue(8);
        int producers = 4;
        int perProducer = 400;
        int consumers = 4;
        AtomicInteger waitIds = new AtomicInteger();
        ConcurrentLinkedQueue<String> received = new ConcurrentLinkedQueue<>();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> all = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int producer = p;
            all.add(fx.async(() -> {
                start.await();
                for (int i = 0; i < perProducer; i++) {
                    assertTrue(q.offer(s1, waitIds.incrementAndGet(), enc(producer + ":" + i), LONG_WAIT));
                }
                return null;
            }));
        }
        int total = producers * perProducer;
        AtomicInteger taken = new AtomicInteger();
        List<List<String>> perConsumer = new ArrayList<>();
        for (int c = 0; c < consumers; c++) {
            List<String> mine = new ArrayList<>();
            perConsumer.add(mine);
            all.add(fx.async(() -> {
                start.await();
                while (taken.get() < total) {
                    byte[] item = q.poll(s1, waitIds.incrementAndGet(), Fixture.nanos(20));
                    if (item != null) {
                        taken.incrementAndGet();
                        String s = (String) dec(item);
                        mine.add(s);
                        received.add(s);
                        q.taskDone(1);
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : all) {
            get(f);
        }
        assertEquals(total, received.size());
        assertEquals(total, new java.util.HashSet<>(received).size(), "no item delivered twice");
        // each consumer sees each producer's items in the order they were put
        for (List<String> mine : perConsumer) {
            Map<String, Integer> last = new HashMap<>();
            for (String s : mine) {
                String[] parts = s.split(":");
                int i = Integer.parseInt(parts[1]);
                assertTrue(last.getOrDefault(parts[0], -1) < i, "out of order: " + s);
                last.put(parts[0], i);
            }
        }
        assertEquals(0, q.unfinishedTasks());
        assertTrue(q.join(s1, waitIds.incrementAndGet(), 0));
    }
}
