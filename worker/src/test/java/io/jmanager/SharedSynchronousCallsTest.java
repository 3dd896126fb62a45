package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Synchronous calls that share batch calls ({@link AsyncOptions#shareSynchronousCalls()}): each thread gets its own
 * answer or its own error, exactly as from its own remote call; a call never overtakes the asynchronous operations
 * its thread issued before on the same object; a call from a future's callback never waits for its own lane.
 */
@Timeout(180)
class SharedSynchronousCallsTest {
    private static final int THREADS = 16;
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static Manager connect(AsyncOptions async) {
        return Manager.connect(registry.url(), ManagerOptions.defaults().withAsync(async));
    }

    /** Runs {@code task(thread)} in {@code n} threads at once; returns their results in thread order. */
    private static <T> List<T> inThreads(int n, ThreadTask<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                int thread = t;
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.run(thread);
                }));
            }
            go.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(Timing.millis(120_000), TimeUnit.MILLISECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface ThreadTask<T> {
        T run(int thread) throws Exception;
    }

    @Test
    void manyThreadsShareBatchCallsAndEachGetsItsOwnAnswers() throws Exception {
        try (Manager m = connect(AsyncOptions.defaults())) {
            SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("shared-dict"));
            SharedList<String> list = m.list(TestRegistry.uniqueName("shared-list"));
            int n = 300;
            List<String> problems = new ArrayList<>();
            inThreads(THREADS, t -> {
                String key = "t" + t;
                for (int i = 0; i < n; i++) {
                    Integer previous = d.put(key, i);
                    Integer expected = i == 0 ? null : i - 1;
                    Integer read = d.get(key);
                    boolean contains = d.containsKey(key);
                    list.add(t + ":" + i);
                    if (!java.util.Objects.equals(expected, previous) || read != i || !contains) {
                        synchronized (problems) {
                            problems.add(key + " at " + i + ": put answered " + previous + ", get " + read
                                    + ", containsKey " + contains);
                        }
                    }
                }
                return null;
            });
            assertEquals(List.of(), problems);
            AsyncOperationsTest.assertHistoriesInOrder(list.copy(), THREADS, n);
            assertEquals(THREADS, d.size());
            long batches = m.batcher().batches();
            long operations = m.batcher().operations();
            assertTrue(operations > batches, "16 threads' calls shared no batch call: " + operations
                    + " operations in " + batches + " batch calls");
        }
    }

    @Test
    void incrementsFromManyThreadsAreExactAndEachAnswerIsGivenOnce() throws Exception {
        try (Manager m = connect(AsyncOptions.defaults())) {
            SharedValue<Long> v = m.value(TestRegistry.uniqueName("shared-counter"), 'q', 0L);
            SharedDict<String, Long> d = m.dict(TestRegistry.uniqueName("shared-counts"));
            SharedArray<Integer> a = m.array(TestRegistry.uniqueName("shared-array"), 'i', 4);
            int n = 250;
            List<BitSet> answers = inThreads(THREADS, t -> {
                BitSet mine = new BitSet();
                for (int i = 0; i < n; i++) {
                    mine.set(Math.toIntExact(v.addAndGet(1)));
                    d.increment("count", 1L);
                    a.addAndGet(t % 4, 1);
                }
                return mine;
            });
            BitSet all = new BitSet();
            int total = 0;
            for (BitSet b : answers) {
                total += b.cardinality();
                all.or(b);
            }
            assertEquals(THREADS * n, total);
            assertEquals(THREADS * n, all.cardinality(), "no answer given twice");
            assertEquals(1, all.nextSetBit(0));
            assertEquals(THREADS * n, all.length() - 1);
            assertEquals((long) THREADS * n, v.get());
            assertEquals((long) THREADS * n, d.get("count"));
            assertEquals(List.of(THREADS * n / 4, THREADS * n / 4, THREADS * n / 4, THREADS * n / 4), a.toList());
        }
    }

    /**
     * With the one lane held busy, calls of other threads wait in its queue and go in one batch; each fails alone,
     * with the exception its own remote call throws (asked directly first, for comparison), and the others succeed.
     */
    @Test
    void aQueuedCallFailsAloneWithTheErrorItsOwnCallThrows() throws Exception {
        try (Manager m = connect(AsyncOptions.defaults().withLanes(1))) {
            SharedDict<String, Integer> held = m.dict(TestRegistry.uniqueName("shared-held"));
            SharedDict<String, Object> d = m.dict(TestRegistry.uniqueName("shared-errors"));
            SharedArray<Integer> a = m.array(TestRegistry.uniqueName("shared-small"), 'i', 2);
            d.put("text", "not a number");
            Class<?> directIncrement = thrown(() -> d.increment("text", 1)).getClass();
            Class<?> directIndex = thrown(() -> a.get(5)).getClass();
            assertEquals(IllegalArgumentException.class, directIncrement);
            assertTrue(IndexOutOfBoundsException.class.isAssignableFrom(directIndex), directIndex.getName());

            CountDownLatch release = new CountDownLatch(1);
            AsyncOperationsTest.holdTheLane(held, release);
            Map<String, Object> outcomes = new ConcurrentHashMap<>();
            List<Thread> callers = List.of(
                    caller(outcomes, "increment", () -> d.increment("text", 1)),
                    caller(outcomes, "index", () -> a.get(5)),
                    caller(outcomes, "put", () -> String.valueOf(d.put("k", 7))),
                    caller(outcomes, "set", () -> {
                        a.set(1, 42);
                        return "done";
                    }));
            long sentBefore = m.batcher().operations();
            awaitQueued(m, callers.size());
            release.countDown();
            for (Thread c : callers) {
                c.join(Timing.millis(60_000));
            }
            assertInstanceOf(directIncrement, outcomes.get("increment"));
            assertInstanceOf(directIndex, outcomes.get("index"));
            assertEquals("null", outcomes.get("put"));
            assertEquals("done", outcomes.get("set"));
            assertEquals(7, d.get("k"));
            assertEquals(42, a.get(1));
            assertTrue(m.batcher().operations() - sentBefore >= callers.size(), "the queued calls went in batches");
        }
    }

    private static Throwable thrown(Callable<?> call) {
        try {
            call.call();
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("no exception");
    }

    private static Thread caller(Map<String, Object> outcomes, String name, Callable<Object> call) {
        Thread t = new Thread(() -> {
            try {
                outcomes.put(name, call.call());
            } catch (Exception e) {
                outcomes.put(name, e);
            }
        }, "caller-" + name);
        t.start();
        return t;
    }

    private static void awaitQueued(Manager m, int n) throws InterruptedException {
        long deadline = System.nanoTime() + Timing.millis(20_000) * 1_000_000L;
        while (m.batcher().queued() < n) {
            assertTrue(System.nanoTime() < deadline, "only " + m.batcher().queued() + " of " + n + " calls queued");
            Thread.sleep(5); // polling a condition, with a deadline
        }
    }

    @Test
    void aCallNeverOvertakesTheAsynchronousOperationsItsThreadIssuedBefore() throws Exception {
        try (Manager m = connect(AsyncOptions.defaults().withLanes(1))) {
            SharedDict<String, Integer> held = m.dict(TestRegistry.uniqueName("shared-held"));
            SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("shared-order"));
            CountDownLatch release = new CountDownLatch(1);
            AsyncOperationsTest.holdTheLane(held, release);
            CompletableFuture<Integer> read = CompletableFuture.supplyAsync(() -> {
                d.putAsync("k", 1);
                d.putAsync("k", 2);
                return d.get("k"); // queued behind the two puts: the lane is busy
            });
            awaitQueued(m, 3);
            release.countDown();
            assertEquals(2, read.get(Timing.millis(60_000), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void aCallFromAFuturesCallbackDoesNotWaitForItsOwnLane() throws Exception {
        try (Manager m = connect(AsyncOptions.defaults().withLanes(1))) {
            SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("shared-callback"));
            List<CompletableFuture<Integer>> reads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int value = i;
                reads.add(d.putAsync("k" + i, i).thenApply(previous -> d.get("k" + value)));
            }
            for (int i = 0; i < reads.size(); i++) {
                assertEquals(i, reads.get(i).get(Timing.millis(60_000), TimeUnit.MILLISECONDS));
            }
        }
    }

    @Test
    void closingTheManagerFailsAQueuedCallThatWasNotSent() throws Exception {
        Manager m = connect(AsyncOptions.defaults().withLanes(1));
        SharedDict<String, Integer> held = m.dict(TestRegistry.uniqueName("shared-held"));
        SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("shared-closed"));
        CountDownLatch release = new CountDownLatch(1);
        AsyncOperationsTest.holdTheLane(held, release);
        CompletableFuture<Integer> put = CompletableFuture.supplyAsync(() -> d.put("k", 1));
        awaitQueued(m, 1);
        m.close();
        release.countDown();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                () -> put.get(Timing.millis(60_000), TimeUnit.MILLISECONDS));
        assertInstanceOf(IllegalStateException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("closed before this operation was sent"),
                e.getCause().getMessage());
        try (Manager other = registry.connect()) {
            assertNull(other.<String, Integer>dict(d.name()).get("k"), "nothing was sent");
        }
    }

    /**
     * A call queued behind calls the registry does not answer fails within the read timeout, as its own call
     * would, and is never sent (here the lane's only sender is held in a callback, like a call that hangs).
     */
    @Test
    void aCallQueuedBehindUnansweredCallsFailsWithinTheReadTimeoutAndIsNotSent() throws Exception {
        long timeout = Timing.millis(2_000);
        ManagerOptions options = ManagerOptions.defaults().withReadTimeout(java.time.Duration.ofMillis(timeout))
                .withAsync(AsyncOptions.defaults().withLanes(1));
        try (Manager m = Manager.connect(registry.url(), options)) {
            SharedDict<String, Integer> held = m.dict(TestRegistry.uniqueName("shared-held"));
            SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("shared-hung"));
            CountDownLatch release = new CountDownLatch(1);
            AsyncOperationsTest.holdTheLane(held, release);
            long start = System.nanoTime();
            Throwable e = thrown(() -> d.put("k", 1));
            long waited = (System.nanoTime() - start) / 1_000_000;
            release.countDown();
            assertInstanceOf(RegistryUnavailableException.class, e);
            assertTrue(e.getMessage().contains("did not answer in time") && e.getMessage().contains("was not sent"),
                    e.getMessage());
            assertTrue(waited >= timeout * 9 / 10 && waited < timeout * 3, "failed after " + waited + " ms");
            assertNull(d.get("k"), "the call was not sent");
        }
    }

    @Test
    void withoutSharingEveryCallIsItsOwnRemoteCall() throws Exception {
        try (Manager m = connect(AsyncOptions.defaults().withSharedSynchronousCalls(false))) {
            SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("shared-off"));
            inThreads(THREADS, t -> {
                for (int i = 0; i < 100; i++) {
                    d.put("t" + t, i);
                }
                return null;
            });
            assertEquals(0, m.batcher().operations(), "no call went in a batch");
            assertEquals(99, d.get("t0"));
        }
    }
}
