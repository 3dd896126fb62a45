package io.jmanager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EntryCoalescerTest {
    private static final long OBJECT = 7;

    /** The appends made, each with the future the test completes. */
    private final List<byte[]> appended = Collections.synchronizedList(new ArrayList<>());
    private final List<CompletableFuture<Void>> commits = Collections.synchronizedList(new ArrayList<>());
    private final ScheduledExecutorService drainer = Executors.newSingleThreadScheduledExecutor();
    /** The gathering deadlines the coalescer asked for, run by the test ({@link #manualTimer}). */
    private final List<Runnable> timerTasks = Collections.synchronizedList(new ArrayList<>());
    private final EntryCoalescer.Timer manualTimer = (nanos, task) -> timerTasks.add(task);

    @AfterEach
    void stop() {
        drainer.shutdownNow();
    }

    private CompletableFuture<Void> log(byte[] entry) {
        CompletableFuture<Void> commit = new CompletableFuture<>();
        appended.add(entry);
        commits.add(commit);
        return commit;
    }

    /** A one-change entry: put {@code key} into {@link #OBJECT}. */
    private static byte[] put(long key) {
        RecordLog.Batch b = new RecordLog.Batch();
        b.put(OBJECT, key, new byte[] {(byte) key});
        return b.encode();
    }

    /** The keys an appended entry puts, in order. */
    private static List<Long> keys(byte[] entry) {
        List<Long> keys = new ArrayList<>();
        RecordLog.apply(entry, new RecordLog.Target() {
            @Override
            public void put(long objectId, long key, byte[] value) {
                assertEquals(OBJECT, objectId);
                assertEquals((byte) key, value[0]);
                keys.add(key);
            }

            @Override
            public void remove(long objectId, long key) {
                throw new AssertionError("no removes were submitted");
            }

            @Override
            public void clear(long objectId) {
                throw new AssertionError("no clears were submitted");
            }
        });
        return keys;
    }

    /**
     * Waits until the drainer handled every append completed so far: a completion hands its news to the drainer
     * at once, on the completing thread, and the drainer runs one task at a time in that order.
     */
    private void settle() throws Exception {
        drainer.submit(() -> { }).get(10, TimeUnit.SECONDS);
    }

    /** Waits until the drainer appended what was waiting, and checks that {@code n} appends were made in all. */
    private void awaitAppends(int n) throws Exception {
        settle();
        assertEquals(n, appended.size());
    }

    @Test
    void appendsAtOnceWhileTheLogIsIdleAndCoalescesWhatArrivesWhileItIsBusy() throws Exception {
        EntryCoalescer c = new EntryCoalescer(this::log, drainer, 1, 1 << 20);
        CompletableFuture<Void> first = c.submit(put(1));
        assertEquals(1, appended.size(), "an entry submitted to an idle log is appended at once");
        assertSame(commits.get(0), first);

        CompletableFuture<Void> second = c.submit(put(2));
        CompletableFuture<Void> third = c.submit(put(3));
        assertEquals(1, appended.size(), "entries submitted while one is in flight wait");
        assertEquals(2, c.waiting());

        commits.get(0).complete(null);
        awaitAppends(2);
        assertEquals(List.of(2L, 3L), keys(appended.get(1)), "the waiting entries go as one, in order");
        assertFalse(second.isDone());
        commits.get(1).complete(null);
        second.get(10, TimeUnit.SECONDS);
        third.get(10, TimeUnit.SECONDS);
        assertTrue(first.isDone());
        settle();

        c.submit(put(4));
        assertEquals(3, appended.size(), "idle again: appended at once");
    }

    /** Submits {@code entry} from a thread of its own, a submitter the coalescer has not seen before. */
    private static CompletableFuture<Void> submitFromNewThread(EntryCoalescer c, byte[] entry) throws Exception {
        List<CompletableFuture<Void>> result = new ArrayList<>();
        Thread t = new Thread(() -> result.add(c.submit(entry)));
        t.start();
        t.join(TimeUnit.SECONDS.toMillis(10));
        assertEquals(1, result.size(), "the submit returned");
        return result.get(0);
    }

    @Test
    void withGatheringALoneWriterIsAppendedAtOnceEveryTime() throws Exception {
        EntryCoalescer c = new EntryCoalescer(this::log, drainer, 1, 1 << 20, 1_000_000_000L, manualTimer);
        for (int i = 0; i < 5; i++) {
            c.submit(put(i));
            assertEquals(2 * i + 1, appended.size(), "one writer: nobody to wait for");
            c.submit(put(100 + i));
            assertEquals(1, c.waiting(), "the log is busy: the writer's next entry waits");
            commits.get(2 * i).complete(null);
            awaitAppends(2 * i + 2);
            commits.get(2 * i + 1).complete(null);
            settle();
        }
        assertEquals(List.of(), timerTasks, "no gathering was started");
    }

    /**
     * Three writers: one entry in flight, two waiting when it commits. The next log entry waits for the third
     * writer (it took part in the round), and goes the moment it arrives, with all three, in submission order.
     */
    @Test
    void afterARoundOfSeveralWritersTheNextEntryWaitsForAsManyThenGoesAtOnce() throws Exception {
        EntryCoalescer c = new EntryCoalescer(this::log, drainer, 1, 1 << 20, 1_000_000_000L, manualTimer);
        c.submit(put(1));
        submitFromNewThread(c, put(2));
        submitFromNewThread(c, put(3));
        assertEquals(1, appended.size());
        commits.get(0).complete(null);
        settle();
        assertEquals(1, appended.size(), "two of the round's three writers wait: the third is expected back");
        assertEquals(1, timerTasks.size(), "the gathering has a deadline");
        c.submit(put(4));
        assertEquals(2, appended.size(), "the third writer came back: appended at once, on its thread");
        assertEquals(List.of(2L, 3L, 4L), keys(appended.get(1)));

        timerTasks.get(0).run(); // the deadline of a gathering that ended: nothing to do
        settle();
        assertEquals(2, appended.size());
    }

    @Test
    void aGatheringEndsWhenItsTimeIsUpAndCountsWritersNotEntries() throws Exception {
        EntryCoalescer c = new EntryCoalescer(this::log, drainer, 1, 1 << 20, 1_000_000_000L, manualTimer);
        c.submit(put(1));
        CompletableFuture<Void> second = submitFromNewThread(c, put(2));
        commits.get(0).complete(null);
        settle();
        assertEquals(1, timerTasks.size(), "the second writer waits for the first");
        submitFromNewThread(c, put(3));
        assertEquals(2, appended.size(), "two distinct writers wait now, as many as the round had");
        assertEquals(List.of(2L, 3L), keys(appended.get(1)));
        commits.get(1).complete(null);
        second.get(10, TimeUnit.SECONDS);
        settle();

        // the round had two writers; only one comes back, with two entries: it waits for the time to be up
        c.submit(put(5));
        c.submit(put(6));
        assertEquals(2, appended.size(), "one writer, two entries: still one writer short");
        assertEquals(2, timerTasks.size());
        drainer.submit(timerTasks.get(1)).get(10, TimeUnit.SECONDS);
        assertEquals(3, appended.size(), "the time is up: what waits goes");
        assertEquals(List.of(5L, 6L), keys(appended.get(2)));
    }

    @Test
    void aBatchHoldsAtMostMaxBatchBytesButALargerEntryGoesAlone() throws Exception {
        int one = put(1).length;
        EntryCoalescer c = new EntryCoalescer(this::log, drainer, 1, 2 * one);
        c.submit(put(1));
        for (long k = 2; k <= 6; k++) {
            c.submit(put(k));
        }
        commits.get(0).complete(null);
        awaitAppends(2);
        assertEquals(List.of(2L, 3L), keys(appended.get(1)));
        commits.get(1).complete(null);
        awaitAppends(3);
        assertEquals(List.of(4L, 5L), keys(appended.get(2)));
        commits.get(2).complete(null);
        awaitAppends(4);
        assertEquals(List.of(6L), keys(appended.get(3)));

        EntryCoalescer tiny = new EntryCoalescer(this::log, drainer, 1, 1);
        int before = appended.size();
        tiny.submit(put(9));
        assertEquals(List.of(9L), keys(appended.get(before)), "an entry larger than the limit is still appended");
    }

    @Test
    void upToMaxInFlightEntriesAreAppendedBeforeOthersWait() {
        EntryCoalescer c = new EntryCoalescer(this::log, drainer, 2, 1 << 20);
        c.submit(put(1));
        c.submit(put(2));
        c.submit(put(3));
        assertEquals(2, appended.size());
        assertEquals(1, c.waiting());
    }

    @Test
    void aFailedAppendFailsTheWaitingEntriesAndRefusesLaterOnes() {
        EntryCoalescer c = new EntryCoalescer(this::log, drainer, 1, 1 << 20);
        c.submit(put(1));
        CompletableFuture<Void> waiting = c.submit(put(2));
        IllegalStateException lost = new IllegalStateException("leadership lost");
        commits.get(0).completeExceptionally(lost);
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertSame(lost, e.getCause(), "the waiting entry was computed after the failed one: it must not commit");
        ExecutionException later = assertThrows(ExecutionException.class,
                () -> c.submit(put(3)).get(10, TimeUnit.SECONDS));
        assertSame(lost, later.getCause());
        assertEquals(1, appended.size(), "nothing more was appended");
    }

    @Test
    void anAppendThatThrowsFailsItsEntry() {
        EntryCoalescer c = new EntryCoalescer(entry -> {
            throw new IllegalStateException("cannot append");
        }, drainer, 1, 1 << 20);
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> c.submit(put(1)).get(10, TimeUnit.SECONDS));
        assertEquals("cannot append", e.getCause().getMessage());
    }

    @Test
    void closeFailsTheWaitingEntriesAndRefusesNewOnesButLetsAppendedOnesFinish() throws Exception {
        EntryCoalescer c = new EntryCoalescer(this::log, drainer, 1, 1 << 20);
        CompletableFuture<Void> inFlight = c.submit(put(1));
        CompletableFuture<Void> waiting = c.submit(put(2));
        c.close(() -> new IllegalStateException("the term ended"));
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(10, TimeUnit.SECONDS));
        assertEquals("the term ended", e.getCause().getMessage());
        assertInstanceOf(IllegalStateException.class,
                assertThrows(ExecutionException.class, () -> c.submit(put(3)).get()).getCause());
        commits.get(0).complete(null);
        inFlight.get(10, TimeUnit.SECONDS);
        assertEquals(1, appended.size());
    }

    /**
     * Many threads submit under one lock (as callers do under an object's mutex) while another thread commits
     * appends in random order of timing: the log holds every entry exactly once, in the order submitted, and every
     * caller's future completes only after the append that carried its entry was committed; with gathering on
     * (every other round, 200 µs) as well as off.
     */
    @Test
    void underConcurrentLoadTheLogKeepsSubmissionOrderAndEveryEntryCompletesWithItsAppend() throws Exception {
        int appends = 0;
        int entries = 0;
        for (int round = 0; round < 20; round++) {
            appended.clear();
            commits.clear();
            int threads = 8;
            int each = 300;
            LinkedBlockingQueue<CompletableFuture<Void>> toCommit = new LinkedBlockingQueue<>();
            List<Long> submitted = Collections.synchronizedList(new ArrayList<>());
            Map<Long, CompletableFuture<Void>> carriedBy = new ConcurrentHashMap<>();
            EntryCoalescer c = new EntryCoalescer(entry -> {
                CompletableFuture<Void> f = log(entry);
                for (long key : keys(entry)) {
                    carriedBy.put(key, f);
                }
                toCommit.add(f);
                return f;
            }, drainer, 1 + round % 3, 1 << 20, round % 2 == 0 ? 0 : 200_000L,
                    (nanos, task) -> drainer.schedule(task, nanos, TimeUnit.NANOSECONDS));
            Thread committer = new Thread(() -> {
                try {
                    while (true) {
                        CompletableFuture<Void> f = toCommit.take();
                        if (ThreadLocalRandom.current().nextInt(4) == 0) {
                            Thread.yield();
                        }
                        f.complete(null);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            committer.start();
            Object mutex = new Object();
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> workers = new ArrayList<>();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            for (int t = 0; t < threads; t++) {
                int id = t;
                Thread w = new Thread(() -> {
                    try {
                        start.await();
                        for (int i = 0; i < each; i++) {
                            long key = id * 1_000L + i;
                            CompletableFuture<Void> done;
                            synchronized (mutex) {
                                submitted.add(key);
                                done = c.submit(put(key));
                            }
                            done.get(10, TimeUnit.SECONDS);
                            assertTrue(carriedBy.get(key).isDone(),
                                    "completed before the append that carried it was committed");
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                });
                workers.add(w);
                w.start();
            }
            start.countDown();
            for (Thread w : workers) {
                w.join(TimeUnit.SECONDS.toMillis(60));
            }
            committer.interrupt();
            committer.join();
            assertEquals(List.of(), failures);
            List<Long> logged = new ArrayList<>();
            synchronized (appended) {
                for (byte[] entry : appended) {
                    logged.addAll(keys(entry));
                }
            }
            int first = 0;
            int common = Math.min(submitted.size(), logged.size());
            while (first < common && submitted.get(first).equals(logged.get(first))) {
                first++;
            }
            assertTrue(first == submitted.size() && first == logged.size(), "the log holds every entry once, in"
                    + " submission order; " + logged.size() + " logged, " + submitted.size() + " submitted, first"
                    + " difference at " + first);
            appends += appended.size();
            entries += threads * each;
        }
        // 8 callers and at most 3 appends in flight: callers find the log busy all the time
        assertTrue(appends < entries, "entries were coalesced (" + appends + " appends for " + entries
                + " entries)");
    }
}
