package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.dec;
import static io.jmanager.registry.Fixture.enc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Group commit under concurrency ({@code --fsync always}): every call returns only once its change is on disk,
 * whichever thread led the commit that covered it; and the {@code interval=MS} policy.
 */
class GroupCommitTest {
    private static final int THREADS = 8;
    private static final int PUTS = 2_000;
    private static final int PHASES = 4;

    @TempDir
    Path tmp;

    /**
     * {@link #THREADS} threads put {@link #PUTS} distinct keys each, on one dict or on one dict each. They stop at a
     * barrier {@link #PHASES} times; there, with no call in progress, a copy of the store file (what a
     * {@code kill -9} leaves) must hold every put that returned. Finally every entry is in the last image.
     */
    @ParameterizedTest(name = "{0} dict(s)")
    @ValueSource(ints = {1, THREADS})
    void everyPutThatReturnedIsInACrashImage(int dicts) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (DurableHarness h = DurableHarness.open(tmp.resolve("data"))) {
            DictObject[] targets = new DictObject[THREADS];
            for (int t = 0; t < THREADS; t++) {
                targets[t] = h.get("d" + (t % dicts), ObjectSpec.of(ObjectType.DICT));
            }
            AtomicInteger[] done = new AtomicInteger[THREADS];
            List<Integer> images = new ArrayList<>();
            CyclicBarrier pause = new CyclicBarrier(THREADS + 1);
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done[t] = new AtomicInteger();
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < PUTS; i++) {
                        assertNull(targets[thread].put(enc("t" + thread + "-" + i), enc(i)));
                        done[thread].set(i + 1);
                        if ((i + 1) % (PUTS / PHASES) == 0) {
                            pause.await(Fixture.TIMEOUT_MILLIS * 3, TimeUnit.MILLISECONDS);
                            pause.await(Fixture.TIMEOUT_MILLIS * 3, TimeUnit.MILLISECONDS);
                        }
                    }
                    return null;
                }));
            }
            for (int phase = 1; phase <= PHASES; phase++) {
                pause.await(Fixture.TIMEOUT_MILLIS * 3, TimeUnit.MILLISECONDS); // every writer stopped
                try (DurableHarness image = h.crashAndRestart(tmp.resolve("image-" + phase))) {
                    int found = 0;
                    for (int t = 0; t < THREADS; t++) {
                        DictObject d = image.object("d" + (t % dicts));
                        int returned = done[t].get();
                        assertEquals(phase * PUTS / PHASES, returned);
                        for (int i = 0; i < returned; i++) {
                            byte[] value = d.get(enc("t" + t + "-" + i));
                            assertNotNull(value, "phase " + phase + ": put " + i + " of thread " + t
                                    + " returned but is not in the crash image");
                            assertEquals(i, dec(value));
                            found++;
                        }
                    }
                    images.add(found);
                }
                pause.await(Fixture.TIMEOUT_MILLIS * 3, TimeUnit.MILLISECONDS); // go on
            }
            for (Future<?> w : writers) {
                Fixture.get(w);
            }
            assertEquals(List.of(4_000, 8_000, 12_000, 16_000), images);
            try (DurableHarness image = h.crashAndRestart(tmp.resolve("image-final"))) {
                int total = 0;
                for (int d = 0; d < dicts; d++) {
                    total += image.<DictObject>object("d" + d).size();
                }
                assertEquals(THREADS * PUTS, total);
                assertEquals(dicts, image.restored[0]);
                assertEquals(THREADS * PUTS, image.restored[1], "one record per entry");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Concurrent writers without pauses, each put racing the commits that other threads lead; a crash image taken
     * after they all returned holds everything, and the values are the last ones written.
     */
    @Test
    void overwritesRacingCommitsKeepTheLastValue() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (DurableHarness h = DurableHarness.open(tmp.resolve("data"))) {
            DictObject d = h.get("d", ObjectSpec.of(ObjectType.DICT));
            ListObject l = h.get("l", ObjectSpec.of(ObjectType.LIST));
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                writers.add(pool.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        d.put(enc("k" + thread), enc(i));
                        d.increment(enc("sum"), enc(1));
                        l.append(enc(thread));
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                Fixture.get(w);
            }
            try (DurableHarness image = h.crashAndRestart(tmp.resolve("image"))) {
                DictObject r = image.object("d");
                for (int t = 0; t < THREADS; t++) {
                    assertEquals(499, dec(r.get(enc("k" + t))));
                }
                assertEquals(THREADS * 500, dec(r.get(enc("sum"))));
                assertArrayEquals(l.snapshot(), image.<ListObject>object("l").snapshot());
            }
        }
    }

    /**
     * A read answers only once what it saw is durable: while writers keep incrementing a counter, each value a
     * reader got is at most the value in a crash image taken right after the read returned.
     */
    @Test
    void whatAReadReturnedSurvivesACrashRightAfterIt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try (DurableHarness h = DurableHarness.open(tmp.resolve("data"))) {
            DictObject d = h.get("d", ObjectSpec.of(ObjectType.DICT));
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < THREADS - 1; t++) {
                writers.add(pool.submit(() -> {
                    while (!stop.get()) {
                        d.increment(enc("n"), enc(1));
                    }
                    return null;
                }));
            }
            try {
                for (int i = 0; i < 20; i++) {
                    byte[] seen = d.get(enc("n"));
                    long read = seen == null ? 0 : ((Number) dec(seen)).longValue();
                    try (DurableHarness image = h.crashAndRestart(tmp.resolve("image-" + i))) {
                        byte[] kept = image.<DictObject>object("d").get(enc("n"));
                        long survived = kept == null ? 0 : ((Number) dec(kept)).longValue();
                        assertTrue(survived >= read, "read " + read + ", but a crash right after kept " + survived);
                    }
                }
            } finally {
                stop.set(true);
            }
            for (Future<?> w : writers) {
                Fixture.get(w);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void fsyncPolicyParsing() {
        assertEquals(FsyncPolicy.ALWAYS, FsyncPolicy.parse("always"));
        assertTrue(FsyncPolicy.parse("always").always());
        assertEquals(50, FsyncPolicy.parse("interval=50").intervalMillis());
        assertEquals("interval=1", FsyncPolicy.parse("interval=1").toString());
        assertEquals(60_000, FsyncPolicy.parse("interval=60000").intervalMillis());
        assertEquals("always", FsyncPolicy.ALWAYS.toString());
        for (String bad : new String[] {"", "ALWAYS", "never", "interval", "interval=", "interval=0",
                "interval=-5", "interval=60001", "interval=5ms", "interval=abc", " always", "interval= 5",
                "interval=99999999999999999999"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse(bad),
                    "'" + bad + "'");
            assertContains(e.getMessage(), "'" + bad + "'", "'always'", "'interval=MS'", "1 to 60000");
        }
        IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> FsyncPolicy.parse(null));
        assertContains(nul.getMessage(), "'always'", "'interval=MS'");
        assertThrows(IllegalArgumentException.class, () -> new FsyncPolicy(-1));
    }

    /** With {@code interval=MS} a call never waits for the disk: 500 puts finish long before one interval. */
    @Test
    void intervalCallsDoNotWaitForTheDisk() throws Exception {
        try (DurableHarness h = DurableHarness.open(tmp.resolve("data"), FsyncPolicy.parse("interval=60000"))) {
            DictObject d = h.get("d", ObjectSpec.of(ObjectType.DICT));
            long start = System.nanoTime();
            for (int i = 0; i < 500; i++) {
                d.put(enc(i), enc(i));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(millis < 30_000, "500 puts took " + millis + " ms: calls waited for a 60 s sync");
        }
        try (DurableHarness again = DurableHarness.open(tmp.resolve("data"))) {
            assertEquals(500, again.<DictObject>object("d").size(), "a clean stop writes what the interval had not");
        }
    }

    /** With {@code interval=50}, a change reaches the file within about one interval without any further call. */
    @Test
    void intervalWritesBecomeDurableWithinTheInterval() throws Exception {
        try (DurableHarness h = DurableHarness.open(tmp.resolve("data"), FsyncPolicy.parse("interval=50"))) {
            assertContains(h.durability.describe(), "fsync interval=50");
            DictObject d = h.get("d", ObjectSpec.of(ObjectType.DICT));
            for (int round = 0; round < 3; round++) {
                d.put(enc("k"), enc(round));
                long start = System.nanoTime();
                long deadline = start + TimeUnit.MILLISECONDS.toNanos(Fixture.millis(2_000));
                int image = 0;
                while (true) {
                    Object seen;
                    try (DurableHarness copy = h.crashAndRestart(tmp.resolve("image-" + round + "-" + image++))) {
                        seen = copy.names().contains("d") ? dec(copy.<DictObject>object("d").get(enc("k"))) : null;
                    }
                    if (Integer.valueOf(round).equals(seen)) {
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, "round " + round + ": not in the file after "
                            + Fixture.millis(2_000) + " ms with fsync interval=50 (saw " + seen + ")");
                    Thread.sleep(10);
                }
            }
        }
    }
}
