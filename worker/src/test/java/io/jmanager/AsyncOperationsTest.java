package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.registry.RegistryConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The asynchronous operations: same answers as the synchronous ones, batched, ordered per object, bounded. */
@Timeout(120)
public class AsyncOperationsTest {
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(Timing.millis(20_000), TimeUnit.MILLISECONDS);
    }

    /** The exception a future failed with. */
    private static Throwable failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> f.get(Timing.millis(20_000), TimeUnit.MILLISECONDS));
        return e.getCause();
    }

    @Test
    void everyOperationAnswersAsItsSynchronousForm() throws Exception {
        Manager m = registry.connect();
        SharedDict<String, Object> d = m.dict(TestRegistry.uniqueName("async-dict"));
        assertNull(get(d.putAsync("a", 1)));
        assertEquals(1, get(d.putAsync("a", 2)));
        assertEquals(2, get(d.getAsync("a")));
        assertNull(get(d.getAsync("missing")));
        assertEquals(2, get(d.putIfAbsentAsync("a", 3)));
        assertNull(get(d.putIfAbsentAsync("b", "bee")));
        assertTrue(get(d.containsKeyAsync("b")));
        assertFalse(get(d.containsKeyAsync("c")));
        assertEquals(12, get(d.incrementAsync("a", 10)));
        assertEquals("bee", get(d.removeAsync("b")));
        assertEquals(Map.of("a", 12), d.copy());

        SharedList<String> l = m.list(TestRegistry.uniqueName("async-list"));
        get(l.addAsync("x"));
        get(l.addAsync("y"));
        assertEquals("y", get(l.getAsync(1)));
        assertEquals(2, get(l.sizeAsync()));
        assertInstanceOf(IndexOutOfBoundsException.class, failure(l.getAsync(5)));

        SharedQueue<Integer> q = m.queue(TestRegistry.uniqueName("async-queue"), 1);
        assertTrue(get(q.offerAsync(7)));
        assertFalse(get(q.offerAsync(8)), "full");
        assertEquals(7, get(q.pollAsync()));
        assertNull(get(q.pollAsync()), "empty");

        SharedValue<Double> v = m.value(TestRegistry.uniqueName("async-value"), 'd', 1.5);
        assertEquals(1.5, get(v.getAsync()));
        get(v.setAsync(2.0));
        assertEquals(4.5, get(v.addAndGetAsync(2.5)));
        assertTrue(get(v.compareAndSetAsync(4.5, 5.0)));
        assertFalse(get(v.compareAndSetAsync(4.5, 6.0)));
        assertEquals(5.0, get(v.getAndSetAsync(7.0)));
        assertEquals(7.0, v.get());

        SharedArray<Integer> a = m.array(TestRegistry.uniqueName("async-array"), 'i', List.of(1, 2, 3));
        assertEquals(2, get(a.getAsync(1)));
        get(a.setAsync(2, 30));
        assertEquals(31, get(a.addAndGetAsync(2, 1)));
        assertTrue(get(a.compareAndSetAsync(0, 1, 10)));
        assertEquals(10, get(a.getAndSetAsync(0, 11)));
        assertEquals(List.of(11, 2, 31), a.toList());
        assertInstanceOf(IllegalArgumentException.class, failure(a.addAndGetAsync(0, Integer.MAX_VALUE)),
                "an overflow fails like the synchronous addAndGet");
    }

    /**
     * Many operations issued at once go in few calls, and one that fails (a dict value that is not a number for
     * {@code increment}) fails alone: the others of its batch are applied and answered.
     */
    @Test
    void concurrentOperationsAreBatchedAndOneFailureFailsAlone() throws Exception {
        Manager m = registry.connect();
        SharedDict<String, Object> d = m.dict(TestRegistry.uniqueName("async-batch"));
        d.put("text", "not a number");
        long batchesBefore = m.batcher().batches();
        long operationsBefore = m.batcher().operations();
        List<CompletableFuture<Object>> puts = new ArrayList<>();
        CompletableFuture<Object> bad = null;
        for (int i = 0; i < 5_000; i++) {
            puts.add(d.putAsync("k" + i, i));
            if (i == 2_500) {
                bad = d.incrementAsync("text", 1);
            }
        }
        for (CompletableFuture<Object> f : puts) {
            assertNull(get(f));
        }
        assertInstanceOf(IllegalArgumentException.class, failure(bad));
        assertEquals(5_001, d.size());
        long batches = m.batcher().batches() - batchesBefore;
        long operations = m.batcher().operations() - operationsBefore;
        assertEquals(5_001, operations);
        assertTrue(batches < operations / 4, "5,001 operations issued at once went in " + batches + " calls");
    }

    @Test
    void aValueTooLargeIsRefusedWhenIssuedAndNothingIsSent() {
        try (TestRegistry small = TestRegistry.start(RegistryConfig.defaults().withMaxValueBytes(1024))) {
            Manager m = small.connect();
            SharedDict<String, String> d = m.dict("big");
            assertThrows(ValueTooLargeException.class, () -> d.putAsync("k", "x".repeat(2_000)));
            assertEquals(0, d.size());
        }
    }

    /**
     * Operations on one object are applied in the order issued, from every thread: each of 8 threads appends its
     * numbers 0..n-1 to one list asynchronously, and the list holds each thread's numbers in increasing order.
     */
    @Test
    void operationsOnOneObjectAreAppliedInTheOrderIssuedFromManyThreads() throws Exception {
        Manager m = registry.connect();
        String name = TestRegistry.uniqueName("async-order");
        SharedList<String> list = m.list(name);
        int threads = 8;
        int n = 2_000;
        List<Thread> started = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch go = new CountDownLatch(1);
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread thread = new Thread(() -> {
                try {
                    go.await();
                    List<CompletableFuture<Void>> mine = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        mine.add(list.addAsync(id + ":" + i));
                    }
                    CompletableFuture.allOf(mine.toArray(new CompletableFuture<?>[0])).get(Timing.millis(60_000),
                            TimeUnit.MILLISECONDS);
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            thread.start();
            started.add(thread);
        }
        go.countDown();
        for (Thread t : started) {
            t.join(Timing.millis(90_000));
        }
        assertEquals(List.of(), errors);
        assertHistoriesInOrder(list.copy(), threads, n);
        assertTrue(m.batcher().batches() < m.batcher().operations(), "batched");
    }

    /** Each writer's entries {@code writer:i} appear with i = 0, 1, ... n-1 in order, and nothing else. */
    public static void assertHistoriesInOrder(List<String> items, int writers, int n) {
        assertEquals(writers * n, items.size(), "every append applied once");
        int[] next = new int[writers];
        for (String item : items) {
            String[] parts = item.split(":");
            int writer = Integer.parseInt(parts[0]);
            int i = Integer.parseInt(parts[1]);
            assertEquals(next[writer], i, "writer " + writer + "'s appends out of order at " + item);
            next[writer]++;
        }
    }

    /**
     * With {@code whenFull = FAIL}, an operation over {@code maxPending} fails at once and is not sent; with
     * {@code BLOCK} it waits for a place. A lane is held busy by a callback that blocks on its thread.
     */
    @Test
    void pendingOperationsAreBoundedAndOneMoreFailsOrWaits() throws Exception {
        AsyncOptions async = AsyncOptions.defaults().withLanes(1).withMaxPending(2, AsyncOptions.Backpressure.FAIL);
        try (Manager m = Manager.connect(registry.url(), ManagerOptions.defaults().withAsync(async))) {
            SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("async-bound"));
            CountDownLatch release = new CountDownLatch(1);
            holdTheLane(d, release);
            // the lane's thread is blocked: these two wait in its queue, taking both places
            CompletableFuture<Integer> first = d.putAsync("a", 1);
            CompletableFuture<Integer> second = d.putAsync("b", 2);
            Throwable refused = failure(d.putAsync("c", 3));
            assertInstanceOf(TooManyPendingOperationsException.class, refused);
            assertTrue(refused.getMessage().contains("maxPending"), refused.getMessage());
            release.countDown();
            assertNull(get(first));
            assertNull(get(second));
            assertEquals(Map.of("a", 1, "b", 2, "held", 0), d.copy(), "the refused one was not sent");
        }
        AsyncOptions blocking = AsyncOptions.defaults().withLanes(1).withMaxPending(1,
                AsyncOptions.Backpressure.BLOCK);
        try (Manager m = Manager.connect(registry.url(), ManagerOptions.defaults().withAsync(blocking))) {
            SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("async-block"));
            CountDownLatch release = new CountDownLatch(1);
            holdTheLane(d, release);
            CompletableFuture<Integer> first = d.putAsync("a", 1);
            CompletableFuture<CompletableFuture<Integer>> blocked = CompletableFuture.supplyAsync(
                    () -> d.putAsync("b", 2));
            assertThrows(java.util.concurrent.TimeoutException.class, () -> blocked.get(200, TimeUnit.MILLISECONDS),
                    "the issuing thread waits while the one place is taken");
            release.countDown();
            assertNull(get(first));
            assertNull(get(get(blocked)));
            assertEquals(2, d.get("b"));
        }
    }

    /**
     * Blocks the (only) lane's thread in a callback until {@code release}: issues puts until one completes on the
     * lane's thread (a future that completed before its callback was attached runs it here instead).
     */
    static void holdTheLane(SharedDict<String, Integer> d, CountDownLatch release) throws Exception {
        CountDownLatch held = new CountDownLatch(1);
        for (int attempt = 0; attempt < 100; attempt++) {
            AtomicBoolean ranHere = new AtomicBoolean();
            d.putAsync("held", 0).whenComplete((v, e) -> {
                if (!Thread.currentThread().getName().startsWith("jmanager-async")) {
                    ranHere.set(true); // it completed before the callback was attached: try again
                    return;
                }
                held.countDown();
                try {
                    release.await();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                }
            });
            if (!ranHere.get()) {
                assertTrue(held.await(Timing.millis(20_000), TimeUnit.MILLISECONDS), "a callback ran on the lane");
                return;
            }
        }
        throw new AssertionError("no operation was still in flight when its callback was attached, in 100 tries");
    }

    @Test
    void operationsIssuedAfterCloseFailAndNothingIsSent() throws Exception {
        Manager m = Manager.connect(registry.url());
        SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("async-closed"));
        assertNull(get(d.putAsync("a", 1)));
        m.close();
        assertInstanceOf(IllegalStateException.class, failure(d.putAsync("b", 2)));
        try (Manager other = Manager.connect(registry.url())) {
            assertEquals(Map.of("a", 1), other.<String, Integer>dict(d.name()).copy());
        }
    }
}
