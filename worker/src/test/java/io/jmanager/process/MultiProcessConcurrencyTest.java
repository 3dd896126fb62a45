package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedLock;
import io.jmanager.SharedQueue;
import io.jmanager.SharedValue;
import io.jmanager.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Real concurrency: one registry JVM and several worker JVMs per test, all started at once; the workers line up at
 * a shared barrier before the contended part so that they really overlap.
 */
@Timeout(300)
class MultiProcessConcurrencyTest {
    static final int WORKERS = 4;
    static final int ITERATIONS = 5_000;
    static final Duration WORKER_TIMEOUT = Timing.seconds(120);

    private static List<WorkerProcess> startAll(int n, java.util.function.IntFunction<WorkerProcess> start) {
        List<WorkerProcess> workers = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                workers.add(start.apply(i));
            }
        } catch (RuntimeException | Error e) {
            workers.forEach(WorkerProcess::close);
            throw e;
        }
        return workers;
    }

    /** The bit sets printed as {@code bits <name> <base64>} by each worker, by name. */
    private static Map<String, List<BitSet>> bitSets(List<List<String>> outputs) {
        Map<String, List<BitSet>> out = new TreeMap<>();
        for (List<String> lines : outputs) {
            for (String line : lines) {
                String[] parts = line.split(" ");
                if (parts[0].equals("bits")) {
                    out.computeIfAbsent(parts[1], k -> new ArrayList<>()).add(Workers.decodeBits(parts[2]));
                }
            }
        }
        return out;
    }

    /** The sets must be disjoint and their union exactly 1..n. */
    private static void assertPartitionOf1ToN(String what, List<BitSet> sets, int expectedSets, int n) {
        assertEquals(expectedSets, sets.size(), what + ": one bit set per worker");
        BitSet union = new BitSet();
        long total = 0;
        for (BitSet s : sets) {
            BitSet overlap = (BitSet) union.clone();
            overlap.and(s);
            assertTrue(overlap.isEmpty(), what + ": values produced by two workers: " + overlap);
            union.or(s);
            total += s.cardinality();
        }
        assertEquals(n, total, what + ": values produced");
        BitSet expected = new BitSet();
        expected.set(1, n + 1);
        assertEquals(expected, union, what + ": values produced must be exactly 1.." + n);
    }

    @Test
    void lockedIncrementsAcrossFourProcessesAreExact() {
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            SharedValue<Integer> value = m.value("counter-locked", 'i', 0);
            SharedLock lock = m.lock("counter-lock");
            List<WorkerProcess> workers = startAll(WORKERS, i -> WorkerProcess.start(CounterWorker.class,
                    registry.url(), "locked", ITERATIONS, WORKERS));
            List<List<String>> outputs = WorkerProcess.awaitAll(workers, WORKER_TIMEOUT);
            assertEquals(WORKERS * ITERATIONS, value.get());
            assertFalse(lock.isLocked(), "the lock is free after all workers exited");
            assertPartitionOf1ToN("locked value", bitSets(outputs).get("locked"), WORKERS, WORKERS * ITERATIONS);
        }
    }

    @Test
    void lockedDictIncrementsUnderAnRLockAcrossFourProcessesAreExact() {
        int iterations = ITERATIONS / 2;
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            SharedDict<String, Integer> dict = m.dict("counter-dict-locked");
            List<WorkerProcess> workers = startAll(WORKERS, i -> WorkerProcess.start(CounterWorker.class,
                    registry.url(), "locked-dict", iterations, WORKERS));
            List<List<String>> outputs = WorkerProcess.awaitAll(workers, WORKER_TIMEOUT);
            assertEquals(Map.of("n", WORKERS * iterations), dict.copy());
            assertFalse(m.rlock("counter-rlock").isLocked());
            assertPartitionOf1ToN("locked dict entry", bitSets(outputs).get("locked-dict"), WORKERS,
                    WORKERS * iterations);
        }
    }

    @Test
    void atomicIncrementsAcrossFourProcessesAreExact() {
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            SharedDict<String, Integer> dict = m.dict("counter-dict");
            SharedValue<Long> value = m.value("counter-atomic", 'q', 0L);
            List<WorkerProcess> workers = startAll(WORKERS, i -> WorkerProcess.start(CounterWorker.class,
                    registry.url(), "atomic", ITERATIONS, WORKERS));
            List<List<String>> outputs = WorkerProcess.awaitAll(workers, WORKER_TIMEOUT);
            assertEquals(WORKERS * ITERATIONS, dict.get("n"));
            assertEquals((long) WORKERS * ITERATIONS, value.get());
            Map<String, List<BitSet>> bits = bitSets(outputs);
            assertPartitionOf1ToN("dict.increment results", bits.get("dict"), WORKERS, WORKERS * ITERATIONS);
            assertPartitionOf1ToN("value.addAndGet results", bits.get("value"), WORKERS, WORKERS * ITERATIONS);
        }
    }

    /**
     * Asynchronous operations from four processes at once, 64 of each kind in flight per process: every append is
     * applied once and each process's appends are in the order it issued them; the counter's addAndGet answers are
     * exactly 1..N, each given to one process.
     */
    @Test
    void asynchronousOperationsFromFourProcessesAreAppliedOnceAndInOrder() {
        int n = 3_000;
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            List<WorkerProcess> workers = startAll(WORKERS, i -> WorkerProcess.start(AsyncWorker.class,
                    registry.url(), i, n, WORKERS));
            List<List<String>> outputs = WorkerProcess.awaitAll(workers, WORKER_TIMEOUT);
            io.jmanager.AsyncOperationsTest.assertHistoriesInOrder(m.<String>list("async-history").copy(), WORKERS, n);
            assertEquals((long) WORKERS * n, m.value("async-counter", 'q', 0L).get());
            assertPartitionOf1ToN("addAndGetAsync results", bitSets(outputs).get("counter"), WORKERS, WORKERS * n);
        }
    }

    /**
     * Synchronous calls of many threads share batch calls (AsyncOptions.shareSynchronousCalls): four processes of
     * eight threads each; every thread's appends appear once and in its order, and the counter's answers are each
     * of 1..N exactly once.
     */
    @Test
    void sharedSynchronousCallsFromFourProcessesOfEightThreadsAreAppliedOnceAndInOrder() {
        int threads = 8;
        int n = 400;
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            List<WorkerProcess> workers = startAll(WORKERS, i -> WorkerProcess.start(SharedCallsWorker.class,
                    registry.url(), i, threads, n, WORKERS));
            List<List<String>> outputs = WorkerProcess.awaitAll(workers, WORKER_TIMEOUT);
            io.jmanager.AsyncOperationsTest.assertHistoriesInOrder(m.<String>list("shared-history").copy(),
                    WORKERS * threads, n);
            assertEquals((long) WORKERS * threads * n, m.value("shared-counter", 'q', 0L).get());
            assertPartitionOf1ToN("shared addAndGet results", bitSets(outputs).get("counter"), WORKERS,
                    WORKERS * threads * n);
        }
    }

    @Test
    void twoProducersAndTwoConsumersMoveFortyThousandItemsExactlyOnce() {
        int total = 40_000;
        int producers = 2;
        int consumers = 2;
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            SharedQueue<Integer> q = m.queue(QueueWorker.QUEUE, QueueWorker.MAXSIZE);
            int parties = producers + consumers;
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                for (int p = 0; p < producers; p++) {
                    int from = p * total / producers;
                    int to = (p + 1) * total / producers;
                    workers.add(WorkerProcess.start(QueueWorker.class, registry.url(), "producer", from, to,
                            parties));
                }
                for (int c = 0; c < consumers; c++) {
                    workers.add(WorkerProcess.start(QueueWorker.class, registry.url(), "consumer", parties));
                }
            } catch (RuntimeException | Error e) {
                workers.forEach(WorkerProcess::close);
                throw e;
            }
            List<List<String>> outputs = WorkerProcess.awaitAll(workers, WORKER_TIMEOUT);
            long count = 0;
            long sum = 0;
            BitSet union = new BitSet();
            for (List<String> lines : outputs.subList(producers, producers + consumers)) {
                Map<String, String> kv = new HashMap<>();
                for (String line : lines) {
                    String[] parts = line.split(" ", 2);
                    kv.put(parts[0], parts[1]);
                }
                assertEquals("0", kv.get("duplicates"), "a consumer got an item twice: " + lines);
                BitSet got = Workers.decodeBits(kv.get("bits"));
                assertEquals(Long.parseLong(kv.get("count")), got.cardinality(), "count vs distinct ids");
                BitSet overlap = (BitSet) union.clone();
                overlap.and(got);
                assertTrue(overlap.isEmpty(), "items taken by both consumers: " + overlap);
                union.or(got);
                count += Long.parseLong(kv.get("count"));
                sum += Long.parseLong(kv.get("sum"));
            }
            assertEquals(total, count, "items consumed");
            assertEquals((long) total * (total - 1) / 2, sum, "sum of the ids consumed");
            BitSet expected = new BitSet();
            expected.set(0, total);
            assertEquals(expected, union, "the ids consumed must be exactly 0.." + (total - 1));
            assertEquals(0, q.size(), "nothing is left in the queue");
            assertEquals(total + producers, q.unfinishedTasks(), "every put counted once as a task");
        }
    }

    @Test
    void fourPartyBarrierRunsAThousandRoundsAcrossFourProcesses() {
        int rounds = 1_000;
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            m.barrier("rounds", WORKERS);
            List<WorkerProcess> workers = startAll(WORKERS, i -> WorkerProcess.start(BarrierWorker.class,
                    registry.url(), WORKERS, rounds));
            List<List<String>> outputs = WorkerProcess.awaitAll(workers, WORKER_TIMEOUT);
            int[][] indexes = new int[rounds][WORKERS];
            for (int w = 0; w < WORKERS; w++) {
                List<String> lines = outputs.get(w);
                assertEquals(rounds, lines.size(), "one line per round from worker " + w);
                for (int r = 0; r < rounds; r++) {
                    String[] parts = lines.get(r).split(" ");
                    assertEquals(r, Integer.parseInt(parts[0]));
                    indexes[r][w] = Integer.parseInt(parts[1]);
                }
            }
            for (int r = 0; r < rounds; r++) {
                BitSet seen = new BitSet();
                for (int w = 0; w < WORKERS; w++) {
                    seen.set(indexes[r][w]);
                }
                if (seen.cardinality() != WORKERS || seen.length() != WORKERS) {
                    fail("round " + r + ": arrival indexes " + java.util.Arrays.toString(indexes[r])
                            + " are not a permutation of 0.." + (WORKERS - 1));
                }
            }
            assertFalse(m.barrier("rounds", WORKERS).isBroken());
            assertEquals(0, m.barrier("rounds", WORKERS).getNumberWaiting());
        }
    }

    @Test
    void conditionProducersAndConsumersAcrossProcessesGetExactlyTheProducedItems() {
        int perProducer = 250;
        int producers = 2;
        int consumers = 2;
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            m.lock("cond-lock");
            m.condition("cond", "cond-lock");
            m.list("cond-buffer");
            int parties = producers + consumers;
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                for (int p = 0; p < producers; p++) {
                    workers.add(WorkerProcess.start(ConditionWorker.class, registry.url(), "producer",
                            p * perProducer, (p + 1) * perProducer, parties));
                }
                for (int c = 0; c < consumers; c++) {
                    workers.add(WorkerProcess.start(ConditionWorker.class, registry.url(), "consumer", parties));
                }
            } catch (RuntimeException | Error e) {
                workers.forEach(WorkerProcess::close);
                throw e;
            }
            List<List<String>> outputs = WorkerProcess.awaitAll(workers, WORKER_TIMEOUT);
            List<Integer> got = new ArrayList<>();
            for (List<String> lines : outputs.subList(producers, producers + consumers)) {
                List<Integer> mine = new ArrayList<>();
                int[] lastFromProducer = new int[producers];
                java.util.Arrays.fill(lastFromProducer, -1);
                for (String line : lines) {
                    int item = Integer.parseInt(line.substring("got ".length()));
                    int producer = item / perProducer;
                    // the buffer is FIFO: one consumer sees each producer's items in the order they were produced
                    assertTrue(item > lastFromProducer[producer], "item " + item + " after "
                            + lastFromProducer[producer] + " of the same producer");
                    lastFromProducer[producer] = item;
                    mine.add(item);
                }
                got.addAll(mine);
            }
            List<Integer> sorted = new ArrayList<>(got);
            sorted.sort(null);
            List<Integer> expected = new ArrayList<>();
            for (int i = 0; i < producers * perProducer; i++) {
                expected.add(i);
            }
            assertEquals(expected, sorted, "consumers got exactly the produced items, each once");
            assertTrue(m.list("cond-buffer").isEmpty(), "the buffer is empty at the end");
            assertFalse(m.lock("cond-lock").isLocked());
        }
    }

    /**
     * A worker killed with SIGKILL while holding a lock and a permit and waiting at a barrier: its session's lease
     * runs out, the registry releases the lock and the permit and breaks the barrier for the other party.
     */
    @Test
    void aKilledWorkersLockPermitAndBarrierAreReleasedWhenItsLeaseRunsOut() throws Exception {
        long lease = 1000;
        try (RegistryProcess registry = RegistryProcess.start("--lease", Long.toString(lease))) {
            Manager m = registry.connect();
            SharedLock lock = m.lock("crash-lock");
            io.jmanager.SharedSemaphore sem = m.semaphore("crash-sem", 1);
            io.jmanager.SharedBarrier barrier = m.barrier("crash-barrier", 3);
            WorkerProcess worker = WorkerProcess.start(HoldWorker.class, registry.url());
            try {
                worker.awaitLine("holding", Timing.seconds(30));
                Background.awaitTrue(() -> barrier.getNumberWaiting() == 1, Timing.millis(10_000),
                        () -> "the worker did not reach the barrier");
                assertTrue(lock.isLocked());
                assertEquals(0, sem.availablePermits());
                Background<Integer> party = Background.start("party", () -> barrier.await(
                        Timing.millis(30_000), java.util.concurrent.TimeUnit.MILLISECONDS)).awaitBlocked();
                assertEquals(2, barrier.getNumberWaiting(), "the worker and this party wait for a third");
                worker.kill();
                long t0 = System.nanoTime();
                party.failsWith(java.util.concurrent.BrokenBarrierException.class, Timing.millis(30_000));
                assertTrue(lock.tryLock(Timing.millis(30_000), java.util.concurrent.TimeUnit.MILLISECONDS),
                        "the dead worker's lock is released");
                long millis = java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(millis < lease + Timing.millis(5_000), "released " + millis + " ms after the kill");
                assertEquals(1, sem.availablePermits(), "the dead worker's permit came back");
                lock.unlock();
            } finally {
                worker.close();
            }
        }
    }
}
