package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.dec;
import static io.jmanager.registry.Fixture.enc;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data directories damaged the way disks and careless copies damage files, each started on: it must be refused
 * with a one-line message that names the file and says what to do, with every file left byte-identical, or start
 * with exactly the state its writers were acknowledged. Never a raw exception, never a value nobody wrote, never
 * an older state without a word.
 *
 * <p>The directory is written once by concurrent writer threads through the registry's own state machines and
 * group commit ({@link DurableHarness}: no RMI), then copied as a {@code kill -9} leaves it (the log not yet all
 * checkpointed). Each case copies it, damages the copy and starts on it. Random offsets come from one seed, printed;
 * {@code -Djmanager.test.damageSeed=S} replays a run, {@code -Djmanager.test.damageCases=N} runs N random cases
 * (default {@value #DEFAULT_CASES}; the {@code crash-soak} profile runs more).
 *
 * <p>Where a refusal offers {@code --skip-damaged-records} or {@code --accept-rollback}, the case is started again
 * with it: it must start (or be refused again, one line), list what it skipped, serve no dict entry or list item
 * that was not acknowledged with that value (a subset, in the writers' order), and the next start without the
 * option must be clean and show the same state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DamagedDataDirectoryTest {
    static final int DEFAULT_CASES = 160;
    static final int CASES = Integer.getInteger("jmanager.test.damageCases", DEFAULT_CASES);
    static final int WRITERS = 3;
    static final int ITEMS = 80;
    static final String STORE = MvStoreDurability.STORE_FILE;
    static final String WITNESS = CommitWitness.FILE;

    Path tmp;
    Path base;
    Path halfway;
    Path other;
    /** The acknowledged state of {@link #base}: per object, its records as text. */
    Map<String, List<String>> acknowledged;
    Map<String, Object> ackedDict;
    List<Object> ackedList;
    long seed;
    final Map<String, int[]> matrix = new TreeMap<>();
    int caseNumber;

    @BeforeAll
    void writeTheDirectories(@TempDir Path dir) throws Exception {
        tmp = dir;
        seed = Long.getLong("jmanager.test.damageSeed", ThreadLocalRandom.current().nextLong());
        System.out.printf("DamagedDataDirectoryTest: seed %d (replay with -Djmanager.test.damageSeed=%d), %d random"
                + " cases%n", seed, seed, CASES);
        Path live = tmp.resolve("live");
        try (DurableHarness h = DurableHarness.open(live)) {
            DictObject dict = h.get("dur.dict", ObjectSpec.of(ObjectType.DICT));
            ListObject list = h.get("dur.list", ObjectSpec.of(ObjectType.LIST));
            QueueObject queue = h.get("dur.queue", ObjectSpec.sized(ObjectType.QUEUE, 0));
            ArrayObject counter = h.get("dur.counter", ObjectSpec.typed(ObjectType.VALUE, "q", 1, new long[] {0}));
            EventObject event = h.get("dur.event", ObjectSpec.of(ObjectType.EVENT));
            h.get("dur.cond", ObjectSpec.condition("dur.lock"));
            long session = h.session();
            ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
            try {
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < WRITERS; w++) {
                    int id = w;
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < ITEMS; i++) {
                            String item = "w" + id + ".d" + i;
                            dict.putAll(new byte[][] {enc(item), enc(item + "/b"), enc(item + "/c")},
                                    new byte[][] {enc("v" + id + "." + i + ".9af22f403aa61099"), enc(i), enc(-i)});
                            list.append(enc("w" + id + "fl" + i));
                            assertTrue(queue.offer(session, 1_000_000L * id + i, enc("q" + id + "." + i), 0));
                            if (i % 3 == 0) {
                                assertNotNull(queue.poll(session, 2_000_000L * (id + 1) + i, 0));
                            }
                            counter.addAndGet(0, 1);
                            if (id == 0 && i == ITEMS / 2) {
                                halfway = h.crashImage(tmp.resolve("halfway")); // an old copy, for later
                            }
                        }
                        return null;
                    }));
                }
                long t0 = System.nanoTime();
                for (Future<?> f : writers) {
                    Fixture.get(f);
                }
                System.out.printf("DamagedDataDirectoryTest: writers took %d ms%n", (System.nanoTime() - t0) / 1_000_000);
            } finally {
                pool.shutdownNow();
            }
            event.set();
            acknowledged = state(h);
            ackedDict = dictOf(h);
            ackedList = listOf(h);
            base = h.crashImage(tmp.resolve("base"));
        }
        Path otherLive = tmp.resolve("other-live");
        try (DurableHarness h = DurableHarness.open(otherLive)) {
            h.<DictObject>get("dur.dict", ObjectSpec.of(ObjectType.DICT)).put(enc("someone"), enc("else"));
        }
        other = otherLive;
        // the undamaged copy starts with exactly the acknowledged state: what every case is compared with
        Path copy = copyOf(base, "undamaged");
        try (DurableHarness h = DurableHarness.open(copy)) {
            assertEquals(acknowledged, state(h));
        }
        System.out.printf("DamagedDataDirectoryTest: %s of %d bytes, %d dict entries, %d list items%n", STORE,
                Files.size(base.resolve(STORE)), ackedDict.size(), ackedList.size());
    }

    @AfterAll
    void printTheMatrix() {
        System.out.println("DamagedDataDirectoryTest: seed " + seed + ", outcomes per damage (refused / started"
                + " with the acknowledged state / then started with the option it named):");
        matrix.forEach((kind, n) -> System.out.printf("  %-28s refused %3d  exact %3d  repaired %3d  refused again"
                + " %3d%n", kind, n[0], n[1], n[2], n[3]));
    }

    // ------------------------------------------------------------------------------------------------------------
    // The cases

    @Test
    void randomDamageIsRefusedOrStartsWithTheAcknowledgedState() throws Exception {
        Random random = new Random(seed);
        byte[] store = Files.readAllBytes(base.resolve(STORE));
        int n = store.length;
        for (int c = 0; c < CASES; c++) {
            long caseSeed = random.nextLong();
            Random r = new Random(caseSeed);
            switch (c % 8) {
                case 0 -> {
                    int cut = r.nextInt(n);
                    run("truncated anywhere", caseSeed, "cut at " + cut, d -> write(d, Arrays.copyOf(store, cut)));
                }
                case 1 -> {
                    int cut = n - 1 - r.nextInt(Math.min(n - 1, 4096));
                    run("truncated tail", caseSeed, "cut at " + cut + " (" + (n - cut) + " bytes off)",
                            d -> write(d, Arrays.copyOf(store, cut)));
                }
                case 2 -> {
                    int at = r.nextInt(n - 256);
                    byte[] junk = new byte[256];
                    r.nextBytes(junk);
                    run("256 random bytes", caseSeed, "at " + at, d -> write(d, patched(store, at, junk)));
                }
                case 3 -> {
                    int at = r.nextInt(n / 4096) * 4096;
                    run("zeroed 4 KiB block", caseSeed, "at " + at,
                            d -> write(d, patched(store, at, new byte[Math.min(4096, n - at)])));
                }
                case 4, 5 -> {
                    int at = 8192 + r.nextInt(n - 8192);
                    int bit = r.nextInt(8);
                    run("flipped bit in a page", caseSeed, "byte " + at + " bit " + bit,
                            d -> write(d, flipped(store, at, bit)));
                }
                case 6 -> {
                    int at = r.nextInt(8192);
                    int bit = r.nextInt(8);
                    run("flipped bit in a header", caseSeed, "byte " + at + " bit " + bit,
                            d -> write(d, flipped(store, at, bit)));
                }
                default -> {
                    byte[] witness = Files.readAllBytes(base.resolve(WITNESS));
                    int at = r.nextInt(witness.length);
                    int bit = r.nextInt(8);
                    run("flipped bit in the witness", caseSeed, "byte " + at + " bit " + bit,
                            d -> Files.write(d.resolve(WITNESS), flipped(witness, at, bit)));
                }
            }
        }
    }

    /**
     * A byte flipped inside a value: the case that served {@code v0.46648.9af22f403aa61099x}. Every copy of one
     * acknowledged value in the file is damaged (older chunks may hold copies), so the live one is.
     */
    @Test
    void aFlippedByteInsideAValueIsRefusedNamingTheRecord() throws Exception {
        Random random = new Random(seed ^ 0x5eed);
        byte[] store = Files.readAllBytes(base.resolve(STORE));
        for (int k = 0; k < 6; k++) {
            int id = random.nextInt(WRITERS);
            int i = random.nextInt(ITEMS);
            byte[] needle = ("v" + id + "." + i + ".9af22f403aa61099").getBytes(StandardCharsets.UTF_8);
            int within = random.nextInt(needle.length);
            List<Integer> at = occurrences(store, needle);
            assertFalse(at.isEmpty(), "value of w" + id + ".d" + i + " not found in the file");
            String outcome = run("flipped byte inside a value", random.nextLong(), "w" + id + ".d" + i + " byte "
                    + within + " of " + at.size() + " copies", d -> {
                byte[] damaged = store.clone();
                for (int p : at) {
                    damaged[p + within] ^= 0x20;
                }
                write(d, damaged);
            });
            assertTrue(outcome.startsWith("refused"), outcome);
            assertContains(outcome, "fails its checksum", "--skip-damaged-records");
        }
    }

    @Test
    void missingEmptyForeignAndOldFilesAreRefused() throws Exception {
        assertRefusedWith(run("deleted store file", 0, "", d -> Files.delete(d.resolve(STORE))),
                "is missing", "acknowledged", "--accept-rollback");
        assertRefusedWith(run("zero-length store file", 0, "", d -> write(d, new byte[0])),
                "is empty (0 bytes)", "acknowledged", "--accept-rollback");
        assertRefusedWith(run("deleted witness", 0, "", d -> Files.delete(d.resolve(WITNESS))),
                "has no " + WITNESS, "--accept-rollback");
        assertRefusedWith(run("zero-length witness", 0, "", d -> Files.write(d.resolve(WITNESS), new byte[0])),
                WITNESS, "damaged", "--accept-rollback");
        assertRefusedWith(run("store of another registry", 0, "",
                d -> Files.copy(other.resolve(STORE), d.resolve(STORE), java.nio.file.StandardCopyOption
                        .REPLACE_EXISTING)), "belongs to another data directory");
        assertRefusedWith(run("old copy of the store", 0, "",
                d -> Files.copy(halfway.resolve(STORE), d.resolve(STORE), java.nio.file.StandardCopyOption
                        .REPLACE_EXISTING)), "commit(s) older than the last state", "--accept-rollback");
    }

    /** A whole copy of an older directory (store and witness together) is a consistent state: it starts. */
    @Test
    void anOldCopyOfTheWholeDirectoryStarts() throws Exception {
        Path copy = copyOf(halfway, "halfway-whole");
        try (DurableHarness h = DurableHarness.open(copy)) {
            assertSubsetOfAcknowledged(dictOf(h), listOf(h), "old whole copy");
            assertTrue(dictOf(h).size() < ackedDict.size(), "the old copy holds fewer entries");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // One case

    @FunctionalInterface
    interface Damage {
        void apply(Path dir) throws IOException;
    }

    /**
     * Copies the base directory, damages it, starts on it; checks the outcome; with a refusal that names an option,
     * starts again with it. Returns "refused: MESSAGE" or "started".
     */
    private String run(String kind, long caseSeed, String where, Damage damage) throws Exception {
        Path dir = copyOf(base, "case-" + (++caseNumber));
        damage.apply(dir);
        String label = kind + " (" + where + ", case seed " + caseSeed + ", run seed " + seed + ")";
        Path kept = keepForReplay(dir, caseNumber); // the written directory depends on thread timing, not the seed
        try {
            String outcome = check(dir, label, kind);
            deleteTree(kept);
            return outcome;
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\n(the undamaged directory and the damaged copy, before this"
                    + " start, are kept in " + kept.toAbsolutePath() + ")", e);
        }
    }

    /**
     * Copies the base directory and the damaged one to {@code target/damaged-data-directory/case-N} before the
     * start, so that a failing case can be looked at and replayed: the seed replays the damage, not the bytes the
     * concurrent writers produced.
     */
    private Path keepForReplay(Path damaged, int number) throws IOException {
        Path kept = Path.of("target", "damaged-data-directory", "case-" + number);
        deleteTree(kept);
        for (Path from : List.of(base, damaged)) {
            Path to = kept.resolve(from == base ? "base" : "damaged");
            Files.createDirectories(to);
            try (Stream<Path> files = Files.list(from)) {
                for (Path f : files.toList()) {
                    Files.copy(f, to.resolve(f.getFileName().toString()));
                }
            }
        }
        return kept;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private String check(Path dir, String label, String kind) throws Exception {
        int[] counts = matrix.computeIfAbsent(kind, k -> new int[4]);
        Map<String, String> before = hashes(dir);
        String message = null;
        Map<String, List<String>> started = null;
        try (DurableHarness h = DurableHarness.open(dir)) {
            started = state(h);
        } catch (DataDirectoryException e) {
            message = e.getMessage();
        } catch (Throwable e) {
            throw new AssertionError(label + ": neither a refusal nor a start: " + e, e);
        }
        if (started != null) {
            assertEquals(acknowledged, started, label + ": started, but not with the acknowledged state");
            counts[1]++;
            return "started";
        }
        counts[0]++;
        assertEquals(before, hashes(dir), label + ": refused, but the directory was modified: " + message);
        assertFalse(message.contains("\n"), label + ": not one line: " + message);
        assertTrue(message.contains(dir.resolve(STORE).toString()) || message.contains(dir.resolve(WITNESS)
                .toString()) || message.contains("data directory " + dir), label + ": names no file: " + message);
        assertTrue(message.contains("worker.jar import") || message.contains("--accept-rollback")
                || message.contains("another data directory"), label + ": says nothing to do: " + message);
        RecoveryOptions option = message.contains("--skip-damaged-records") ? new RecoveryOptions(true, false)
                : message.contains("--accept-rollback") ? new RecoveryOptions(false, true) : null;
        if (option != null) {
            startWithOption(dir, option, label, counts);
        }
        return "refused: " + message;
    }

    private void startWithOption(Path dir, RecoveryOptions option, String label, int[] counts) throws Exception {
        Map<String, List<String>> repaired = null;
        List<String> notes = null;
        Map<String, Object> dict = null;
        List<Object> items = null;
        try (DurableHarness h = DurableHarness.open(dir, option)) {
            notes = h.durability.startNotes();
            repaired = state(h);
            dict = h.names().contains("dur.dict") ? dictOf(h) : Map.of();
            items = h.names().contains("dur.list") ? listOf(h) : List.of();
        } catch (DataDirectoryException e) {
            assertFalse(e.getMessage().contains("\n"), label + ": not one line: " + e.getMessage());
            counts[3]++;
            return;
        } catch (Throwable e) {
            throw new AssertionError(label + ": with " + option + ", neither a refusal nor a start: " + e, e);
        }
        assertFalse(notes.isEmpty(), label + ": started with " + option + " but says nothing about it");
        assertSubsetOfAcknowledged(dict, items, label + " with " + option);
        counts[2]++;
        try (DurableHarness again = DurableHarness.open(dir)) {
            assertTrue(again.durability.startNotes().isEmpty(), label + ": the start after the repair is not clean: "
                    + again.durability.startNotes());
            assertEquals(repaired, state(again), label + ": the repaired state did not survive a restart");
        } catch (DataDirectoryException e) {
            throw new AssertionError(label + ": the start after " + option + " was refused: " + e.getMessage(), e);
        }
    }

    private static void assertRefusedWith(String outcome, String... parts) {
        assertTrue(outcome.startsWith("refused"), outcome);
        assertContains(outcome, parts);
    }

    /** Every dict entry served was acknowledged with that value; the list is a subsequence of the acknowledged. */
    private void assertSubsetOfAcknowledged(Map<String, Object> dict, List<Object> items, String label) {
        dict.forEach((k, v) -> assertEquals(ackedDict.get(k), v, label + ": dict['" + k + "'] = " + v
                + " was never acknowledged"));
        int next = 0;
        for (Object item : items) {
            while (next < ackedList.size() && !ackedList.get(next).equals(item)) {
                next++;
            }
            assertTrue(next < ackedList.size(), label + ": list item " + item + " was never acknowledged (or is out"
                    + " of order)");
            next++;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // State and files

    /** Every object with its spec and records (as each type writes them for an export), sorted by name. */
    static Map<String, List<String>> state(DurableHarness h) {
        Map<String, List<String>> out = new TreeMap<>();
        for (String name : h.names()) {
            GuardedObject o = h.object(name);
            List<String> records = new ArrayList<>();
            records.add(h.service.lookup(name).spec().describe());
            BiConsumer<Long, byte[]> add = (k, v) -> records.add(k + "=" + HexFormat.of().formatHex(v));
            o.mutex.lock();
            try {
                o.writeState(add::accept);
            } finally {
                o.mutex.unlock();
            }
            out.put(name, records);
        }
        return out;
    }

    static Map<String, Object> dictOf(DurableHarness h) {
        Map<String, Object> out = new LinkedHashMap<>();
        byte[][] entries = h.<DictObject>object("dur.dict").entries();
        for (int i = 0; i < entries.length; i += 2) {
            out.put((String) dec(entries[i]), dec(entries[i + 1]));
        }
        return out;
    }

    static List<Object> listOf(DurableHarness h) {
        List<Object> out = new ArrayList<>();
        for (byte[] b : h.<ListObject>object("dur.list").snapshot()) {
            out.add(dec(b));
        }
        return out;
    }

    private Path copyOf(Path from, String name) throws IOException {
        Path to = tmp.resolve(name);
        Files.createDirectories(to);
        for (String f : List.of(WITNESS, STORE)) {
            if (Files.exists(from.resolve(f))) {
                Files.copy(from.resolve(f), to.resolve(f));
            }
        }
        return to;
    }

    private static Map<String, String> hashes(Path dir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.toList()) {
                try {
                    out.put(p.getFileName().toString(), HexFormat.of().formatHex(
                            MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return out;
    }

    private static void write(Path dir, byte[] store) throws IOException {
        Files.write(dir.resolve(STORE), store);
    }

    private static byte[] patched(byte[] bytes, int at, byte[] with) {
        byte[] out = bytes.clone();
        System.arraycopy(with, 0, out, at, Math.min(with.length, out.length - at));
        return out;
    }

    private static byte[] flipped(byte[] bytes, int at, int bit) {
        byte[] out = bytes.clone();
        out[at] ^= (byte) (1 << bit);
        return out;
    }

    private static List<Integer> occurrences(byte[] hay, byte[] needle) {
        List<Integer> out = new ArrayList<>();
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            out.add(i);
        }
        return out;
    }
}
