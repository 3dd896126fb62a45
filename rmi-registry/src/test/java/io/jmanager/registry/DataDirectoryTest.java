package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.dec;
import static io.jmanager.registry.Fixture.enc;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data directories the registry must refuse, and how: always a {@link DataDirectoryException} that says what was
 * found, never another exception, and the directory left exactly as it was (compared byte for byte).
 */
class DataDirectoryTest {
    @TempDir
    Path tmp;

    private static final String STORE = MvStoreDurability.STORE_FILE;

    /** Every file under {@code dir} with its bytes (directories as empty entries). */
    private static Map<String, byte[]> contents(Path dir) throws IOException {
        Map<String, byte[]> out = new TreeMap<>();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.toList()) {
                out.put(dir.relativize(p).toString() + (Files.isDirectory(p) ? "/" : ""),
                        Files.isDirectory(p) ? new byte[0] : Files.readAllBytes(p));
            }
        }
        return out;
    }

    private static void assertUnchanged(Map<String, byte[]> before, Path dir) throws IOException {
        Map<String, byte[]> after = contents(dir);
        assertEquals(before.keySet(), after.keySet(), "the files of " + dir);
        for (String name : before.keySet()) {
            assertArrayEquals(before.get(name), after.get(name), name + " was modified");
        }
    }

    /** Opens {@code dir}, which must be refused; checks that nothing changed; returns the exception. */
    private static DataDirectoryException refused(Path dir) throws IOException {
        Map<String, byte[]> before = Files.exists(dir) ? contents(dir) : null;
        DataDirectoryException e;
        try {
            MvStoreDurability opened = MvStoreDurability.open(dir, FsyncPolicy.ALWAYS);
            opened.close();
            throw new AssertionError(dir + " was accepted");
        } catch (DataDirectoryException expected) {
            e = expected;
        }
        if (before != null) {
            assertUnchanged(before, dir);
        }
        return e;
    }

    private static RegistryConfig config(Path dir) {
        return RegistryConfig.defaults().withPort(0).withBindAddress("127.0.0.1").withAdvertiseHost("127.0.0.1")
                .withAuthKey(Fixture.AUTH_KEY).withDataDir(dir);
    }

    /** A start of a whole registry on {@code dir}, which must be refused with the directory unchanged. */
    private static DataDirectoryException startRefused(Path dir) throws IOException {
        Map<String, byte[]> before = contents(dir);
        try (RegistryServer server = RegistryServer.start(config(dir))) {
            throw new AssertionError(dir + " was accepted, registry on port " + server.port());
        } catch (DataDirectoryException expected) {
            assertUnchanged(before, dir);
            return expected;
        }
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    @Test
    void aMissingDirectoryIsCreatedAndAnOwnerFileWritten() throws Exception {
        Path dir = tmp.resolve("a/b/data");
        try (MvStoreDurability d = MvStoreDurability.open(dir, FsyncPolicy.ALWAYS)) {
            assertTrue(d.durable());
            assertTrue(Files.isRegularFile(dir.resolve(STORE)));
            assertTrue(Files.isRegularFile(dir.resolve(CommitWitness.FILE)));
            d.started(); // the owner file is written once the start is accepted (a refused start writes nothing)
            assertContains(Files.readString(dir.resolve(MvStoreDurability.OWNER_FILE)),
                    "pid " + ProcessHandle.current().pid());
            assertContains(d.describe(), dir.toAbsolutePath().toString(), "fsync always");
        }
        try (MvStoreDurability d = MvStoreDurability.open(dir, FsyncPolicy.parse("interval=20"))) {
            assertEquals(List.of(), d.catalog(), "an existing, empty data directory opens");
            assertContains(d.describe(), "interval=20");
        }
    }

    @Test
    void aDirectoryWithForeignFilesIsRefused() throws Exception {
        Path dir = tmp.resolve("home");
        Files.createDirectories(dir.resolve("projects"));
        Files.writeString(dir.resolve("notes.txt"), "do not lose me");
        DataDirectoryException e = refused(dir);
        assertContains(e.getMessage(), dir.toString(), "not a jmanager data directory", "'notes.txt'",
                "2 other file(s)", "Nothing was changed");
        assertContains(startRefused(dir).getMessage(), "'notes.txt'");
    }

    @Test
    void aDirectoryWithOnlyAnOwnerFileIsUsable() throws Exception {
        Path dir = tmp.resolve("data");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(MvStoreDurability.OWNER_FILE), "pid 1 on elsewhere\n");
        try (MvStoreDurability d = MvStoreDurability.open(dir, FsyncPolicy.ALWAYS)) {
            assertEquals(List.of(), d.catalog());
            assertTrue(Files.isRegularFile(dir.resolve(STORE)));
        }
    }

    @Test
    void randomBytesAreRefusedAsCorrupted() throws Exception {
        for (int size : new int[] {100, 4096, 64 << 10}) {
            Path dir = tmp.resolve("random-" + size);
            Files.createDirectories(dir);
            Files.write(dir.resolve(STORE), randomBytes(size, size));
            DataDirectoryException e = refused(dir);
            assertContains(e.getMessage(), "corrupted", dir.resolve(STORE).toString(), "did not modify it");
            assertContains(startRefused(dir).getMessage(), "corrupted");
        }
    }

    /**
     * An empty store file is what a crash during the very first start can leave (the file created, nothing written
     * yet). It holds no data: the registry may start on it as new, or refuse it with a clear message; it must not
     * call it another program's file.
     */
    @Test
    void anEmptyStoreFileIsNotCalledForeign() throws Exception {
        Path dir = tmp.resolve("empty");
        Files.createDirectories(dir);
        Files.write(dir.resolve(STORE), new byte[0]);
        try (MvStoreDurability d = MvStoreDurability.open(dir, FsyncPolicy.ALWAYS)) {
            assertEquals(List.of(), d.catalog());
        } catch (DataDirectoryException e) {
            long size = Files.size(dir.resolve(STORE));
            assertEquals(0, size, "an empty " + STORE + " was refused (" + e.getMessage() + ") after " + size
                    + " bytes were written to it");
            if (e.getMessage().contains("not a jmanager data directory")) {
                fail("an empty " + STORE + " is reported as another program's file: " + e.getMessage());
            }
        }
    }

    /**
     * A store cut right after its file header (a crash during the first start, after MVStore wrote its header and
     * before the first commit reached the disk; or a disk that lost everything but the header) is refused, unchanged,
     * and not called another program's file: it is jmanager's, damaged.
     */
    @Test
    void aStoreCutAfterItsHeaderIsRefusedAsDamagedNotForeign() throws Exception {
        byte[] full = storeWithPuts(tmp.resolve("full"), 10);
        Path dir = tmp.resolve("header-only");
        Files.createDirectories(dir);
        Files.write(dir.resolve(STORE), Arrays.copyOf(full, 8192 + 1));
        DataDirectoryException e = refused(dir);
        if (e.getMessage().contains("not a jmanager data directory")) {
            fail("a truncated jmanager store is reported as another program's file: " + e.getMessage());
        }
    }

    /** A real store with {@code n} puts, each its own commit; returns the file's bytes. */
    private byte[] storeWithPuts(Path dir, int n) throws Exception {
        try (DurableHarness h = DurableHarness.open(dir)) {
            DictObject d = h.get("d", ObjectSpec.of(ObjectType.DICT));
            for (int i = 0; i < n; i++) {
                d.put(enc("k" + i), enc(i));
            }
        }
        return Files.readAllBytes(dir.resolve(STORE));
    }

    /**
     * A store cut short (a disk that lost its tail) beside its intact {@value CommitWitness#FILE}: MVStore alone
     * would open it at an older consistent state, losing acknowledged puts without a word. Now it is refused,
     * unchanged, as damaged or as older than what it acknowledged, or it opens with every put. Nothing else may
     * escape.
     */
    @Test
    void aTruncatedStoreIsRefusedOrOpensWithEveryPut() throws Exception {
        int n = 300;
        byte[] full = storeWithPuts(tmp.resolve("full"), n);
        byte[] witness = Files.readAllBytes(tmp.resolve("full").resolve(CommitWitness.FILE));
        List<String> outcomes = new ArrayList<>();
        int[] cuts = {full.length / 2, full.length / 4, full.length * 3 / 4, full.length - 1, full.length - 4096,
                8192 + 1, 4096, 100};
        int refusedAsOlder = 0;
        for (int cut : cuts) {
            if (cut <= 0 || cut >= full.length) {
                continue;
            }
            Path dir = tmp.resolve("cut-" + cut);
            Files.createDirectories(dir);
            byte[] truncated = Arrays.copyOf(full, cut);
            Files.write(dir.resolve(STORE), truncated);
            Files.write(dir.resolve(CommitWitness.FILE), witness);
            try (DurableHarness h = DurableHarness.open(dir)) {
                List<Object> entries = new ArrayList<>();
                for (byte[] b : h.<DictObject>object("d").entries()) {
                    entries.add(dec(b));
                }
                assertEquals(2 * n, entries.size(), "cut at " + cut + " of " + full.length + ": opened without"
                        + " every acknowledged put");
                outcomes.add(cut + ": opened with every entry");
            } catch (DataDirectoryException e) {
                assertArrayEquals(truncated, Files.readAllBytes(dir.resolve(STORE)),
                        "cut at " + cut + ": refused but modified");
                assertArrayEquals(witness, Files.readAllBytes(dir.resolve(CommitWitness.FILE)),
                        "cut at " + cut + ": refused but the witness was modified");
                assertContains(e.getMessage(), dir.resolve(STORE).toString());
                if (e.getMessage().contains("older than the last state this directory acknowledged")) {
                    refusedAsOlder++;
                    assertContains(e.getMessage(), "--accept-rollback", "worker.jar import");
                }
                outcomes.add(cut + ": refused: " + e.getMessage());
            } catch (Throwable e) {
                throw new AssertionError("cut at " + cut + " of " + full.length + ": " + e, e);
            }
        }
        // Whether one of these cuts lands where MVStore falls back to an older chunk (and so is refused as a
        // rollback) depends on where the engine placed its chunks, which varies with timing (seen in CI under load:
        // every cut refused as corrupted). The rollback refusal itself is asserted deterministically with an old
        // copy of the store: DamagedDataDirectoryTest ("old copy of the store") and DurableRegistryIT.
        System.out.println("truncated " + STORE + " of " + full.length + " bytes (" + refusedAsOlder
                + " refused as a rollback): " + outcomes);
    }

    @Test
    void aPlainMvStoreFileIsRefusedAsNotJmanagers() throws Exception {
        Path dir = tmp.resolve("other-app");
        Files.createDirectories(dir);
        try (MVStore other = MVStore.open(dir.resolve(STORE).toString())) {
            MVMap<Integer, String> map = other.openMap("accounts");
            map.put(1, "alice");
            other.commit();
        }
        DataDirectoryException e = refused(dir);
        assertContains(e.getMessage(), "not a jmanager data directory", "Nothing was changed");
        startRefused(dir);
    }

    private static void writeMeta(Path dir, Map<String, String> meta, boolean catalog) throws IOException {
        Files.createDirectories(dir);
        try (MVStore other = MVStore.open(dir.resolve(STORE).toString())) {
            other.<String, String>openMap("jmanager.meta").putAll(meta);
            if (catalog) {
                other.openMap("jmanager.catalog");
            }
            other.commit();
        }
    }

    @Test
    void aWrongFormatMarkerOrVersionIsRefused() throws Exception {
        Path marker = tmp.resolve("marker");
        writeMeta(marker, Map.of("format", "someone-else", "formatVersion", "2"), true);
        assertContains(refused(marker).getMessage(), "format marker 'someone-else'");

        Path newer = tmp.resolve("newer");
        writeMeta(newer, Map.of("format", "jmanager-data", "formatVersion", "4"), true);
        assertContains(refused(newer).getMessage(), "jmanager data format 4", "reads format 3",
                "worker.jar export", "worker.jar import", "new --data-dir");

        // a marker whose version is missing or not a number is damage, not another version (seen in
        // DamagedDataDirectoryTest: one flipped bit in the meta map's page)
        Path noVersion = tmp.resolve("no-version");
        writeMeta(noVersion, Map.of("format", "jmanager-data", "nextObjectId", "1"), true);
        assertContains(refused(noVersion).getMessage(), "is damaged", "no valid format version (none)",
                "did not modify it", "worker.jar import", "new --data-dir");
        Path garbled = tmp.resolve("garbled");
        writeMeta(garbled, Map.of("format", "jmanager-data", "formatVersion", "3\u0003"), true);
        assertContains(refused(garbled).getMessage(), "is damaged", "no valid format version");

        // format 1 (no checksums, no commit witness): refused with how to move its state
        Path older = tmp.resolve("older");
        writeMeta(older, Map.of("format", "jmanager-data", "formatVersion", "1", "nextObjectId", "1"), true);
        assertContains(refused(older).getMessage(), "jmanager data format 1", "reads format 3",
                "Nothing was changed", "worker.jar export", "new --data-dir", "worker.jar import");
        assertContains(startRefused(older).getMessage(), "jmanager data format 1");

        // format 2 (no record counts): refused the same way
        Path format2 = tmp.resolve("format2");
        writeMeta(format2, Map.of("format", "jmanager-data", "formatVersion", "2", "nextObjectId", "1"), true);
        assertContains(refused(format2).getMessage(), "jmanager data format 2", "no record counts",
                "reads format 3", "worker.jar export", "worker.jar import");

        Path noCatalog = tmp.resolve("no-catalog");
        writeMeta(noCatalog, Map.of("format", "jmanager-data", "formatVersion", "2"), false);
        assertContains(refused(noCatalog).getMessage(), "not a jmanager data directory");
    }

    @Test
    void aPathThatIsAFileIsRefused() throws Exception {
        Path file = tmp.resolve("data.txt");
        Files.writeString(file, "x");
        DataDirectoryException e = refused(file);
        assertContains(e.getMessage(), "is a file, not a directory");
        assertEquals("x", Files.readString(file));

        Path below = file.resolve("data");
        DataDirectoryException under = assertThrows(DataDirectoryException.class,
                () -> MvStoreDurability.open(below, FsyncPolicy.ALWAYS));
        assertContains(under.getMessage(), below.toString());
        assertEquals("x", Files.readString(file));
    }

    /**
     * A second opener in the same JVM (the file lock is per process: the JDK reports an overlapping lock rather
     * than a held one): a clear "in use" refusal, and the first opener goes on working.
     */
    @Test
    void aDirectoryInUseIsRefusedAndItsOwnerGoesOn() throws Exception {
        Path dir = tmp.resolve("data");
        try (DurableHarness first = DurableHarness.open(dir)) {
            DictObject d = first.get("d", ObjectSpec.of(ObjectType.DICT));
            d.put(enc("before"), enc(1));
            byte[] store = Files.readAllBytes(dir.resolve(STORE));
            DataDirectoryException e;
            try {
                MvStoreDurability.open(dir, FsyncPolicy.ALWAYS).close();
                throw new AssertionError("opened twice");
            } catch (DataDirectoryException expected) {
                e = expected;
            } catch (RuntimeException other) {
                throw new AssertionError("a second open in this JVM fails with " + other + ", not with a"
                        + " DataDirectoryException", other);
            }
            assertContains(e.getMessage(), "in use by another running registry",
                    "pid " + ProcessHandle.current().pid());
            assertArrayEquals(store, Files.readAllBytes(dir.resolve(STORE)), "the refused opener wrote nothing");
            DataDirectoryException server = assertThrows(DataDirectoryException.class,
                    () -> RegistryServer.start(config(dir)).close());
            assertContains(server.getMessage(), "in use");

            d.put(enc("after"), enc(2)); // the first store still works and is still durable
            try (DurableHarness image = first.crashAndRestart(tmp.resolve("image"))) {
                assertEquals(2, image.<DictObject>object("d").size());
            }
        }
        try (DurableHarness again = DurableHarness.open(dir)) {
            assertEquals(2, again.<DictObject>object("d").size(), "free again once its owner closed it");
        }
    }

    /** Records an object cannot read stop the start-up, naming the object, and leave the directory as it was. */
    @Test
    void unreadableRecordsStopTheStartAndChangeNothing() throws Exception {
        Path dir = tmp.resolve("data");
        try (DurableHarness h = DurableHarness.open(dir)) {
            h.get("a-event", ObjectSpec.of(ObjectType.EVENT)); // never set: no records, no map written
            h.get("b-barrier", ObjectSpec.sized(ObjectType.BARRIER, 2));
            h.<ListObject>get("c-list", ObjectSpec.of(ObjectType.LIST)).append(enc("x"));
        }
        try (MVStore raw = MVStore.open(dir.resolve(STORE).toString())) {
            MVMap<String, byte[]> catalog = raw.openMap("jmanager.catalog",
                    new MVMap.Builder<String, byte[]>().valueType(
                            org.h2.mvstore.type.ByteArrayDataType.INSTANCE));
            long id = java.nio.ByteBuffer.wrap(catalog.get("c-list")).getLong();
            MVMap<Long, byte[]> records = raw.openMap("o." + id, new MVMap.Builder<Long, byte[]>()
                    .keyType(org.h2.mvstore.type.LongDataType.INSTANCE)
                    .valueType(org.h2.mvstore.type.ByteArrayDataType.INSTANCE));
            // sealed with a valid checksum and counted in the list's summary, as a registry would have written
            // it: the list's own check refuses it
            records.put(5L, Checksums.sealRecord(id, 5L, enc("a gap")));
            RecordSummaries summaries = summaries(raw);
            summaries.put(id, RecordSummaries.Summary.of(records.values()));
            RecordSummaries.Summary totals = summaries.recount();
            raw.<String, String>openMap("jmanager.meta").put("recordTotals",
                    Checksums.sealMeta("recordTotals", totals.count() + "/" + totals.sum()));
            raw.commit();
        }
        DataDirectoryException e = startRefused(dir);
        assertContains(e.getMessage(), "cannot restore", "'c-list'", "did not modify");
    }

    private static RecordSummaries summaries(MVStore raw) {
        return new RecordSummaries(raw.openMap("jmanager.summary", new MVMap.Builder<Long, byte[]>()
                .keyType(org.h2.mvstore.type.LongDataType.INSTANCE)
                .valueType(org.h2.mvstore.type.ByteArrayDataType.INSTANCE)));
    }

    /**
     * Changes the records of {@code name} in the store file as the storage engine itself might give them back from
     * a damaged page it takes for a valid one: every record left passes its own checksum.
     */
    private static void changeRecordsBehindTheChecksums(
            Path dir, String name, java.util.function.BiConsumer<Long, MVMap<Long, byte[]>> change) {
        try (MVStore raw = MVStore.open(dir.resolve(STORE).toString())) {
            MVMap<String, byte[]> catalog = raw.openMap("jmanager.catalog",
                    new MVMap.Builder<String, byte[]>().valueType(org.h2.mvstore.type.ByteArrayDataType.INSTANCE));
            long id = java.nio.ByteBuffer.wrap(catalog.get(name)).getLong();
            change.accept(id, raw.openMap("o." + id, new MVMap.Builder<Long, byte[]>()
                    .keyType(org.h2.mvstore.type.LongDataType.INSTANCE)
                    .valueType(org.h2.mvstore.type.ByteArrayDataType.INSTANCE)));
            raw.commit();
        }
    }

    /**
     * Records the storage engine loses without any checksum failing (a page read back empty: the Jazzer target
     * over the whole directory found one zeroed byte doing that to a list) stop the start naming the object and
     * how many are missing; with --skip-damaged-records the object comes back with what is left, and the next
     * start is clean.
     */
    @Test
    void recordsLostWithoutAChecksumFailingAreFoundByTheObjectsSummary() throws Exception {
        Path dir = tmp.resolve("data");
        try (DurableHarness h = DurableHarness.open(dir)) {
            ListObject list = h.get("l", ObjectSpec.of(ObjectType.LIST));
            for (int i = 0; i < 100; i++) {
                list.append(enc("item " + i));
            }
            DictObject dict = h.get("d", ObjectSpec.of(ObjectType.DICT));
            for (int i = 0; i < 10; i++) {
                dict.put(enc("k" + i), enc(i));
            }
        }
        changeRecordsBehindTheChecksums(dir, "l", (id, records) -> records.clear());
        DataDirectoryException e = startRefused(dir);
        assertContains(e.getMessage(), "list 'l' holds 0 of the 100 records it had", "did not modify",
                "--skip-damaged-records");

        try (DurableHarness repaired = DurableHarness.open(dir, new RecoveryOptions(true, false))) {
            assertEquals(0, repaired.<ListObject>object("l").size());
            assertEquals(10, repaired.<DictObject>object("d").size(), "the other objects are whole");
            assertTrue(repaired.durability.startNotes().toString().contains("holds 0 of the 100 records"),
                    repaired.durability.startNotes().toString());
        }
        try (DurableHarness clean = DurableHarness.open(dir)) {
            assertEquals(List.of(), clean.durability.startNotes());
            assertEquals(0, clean.<ListObject>object("l").size());
        }
    }

    /**
     * Catalog entries lost without a checksum failing (the Jazzer target found a page of the catalog read back
     * as valid and empty: the registry started with no objects) are found by the catalog's totals; and an object's
     * summary lost together with its records by the summaries' totals.
     */
    @Test
    void objectsOrSummariesLostWithoutAChecksumFailingAreFoundByTheTotals() throws Exception {
        Path dir = tmp.resolve("data");
        try (DurableHarness h = DurableHarness.open(dir)) {
            h.<ListObject>get("l", ObjectSpec.of(ObjectType.LIST)).append(enc("x"));
            h.<DictObject>get("d", ObjectSpec.of(ObjectType.DICT)).put(enc("k"), enc("v"));
        }
        Path lostObject = tmp.resolve("lost-object");
        copyDirectory(dir, lostObject);
        try (MVStore raw = MVStore.open(lostObject.resolve(STORE).toString())) {
            raw.openMap("jmanager.catalog", new MVMap.Builder<String, byte[]>()
                    .valueType(org.h2.mvstore.type.ByteArrayDataType.INSTANCE)).remove("l");
            raw.commit();
        }
        assertContains(startRefused(lostObject).getMessage(), "the catalog lists 1 of the 2 objects it had",
                "did not modify", "--skip-damaged-records");
        try (DurableHarness repaired = DurableHarness.open(lostObject, new RecoveryOptions(true, false))) {
            assertEquals(List.of("d"), repaired.names());
        }
        try (DurableHarness clean = DurableHarness.open(lostObject)) {
            assertEquals(List.of(), clean.durability.startNotes());
            assertEquals(List.of("d"), clean.names());
        }

        Path lostRecords = tmp.resolve("lost-records");
        copyDirectory(dir, lostRecords);
        changeRecordsBehindTheChecksums(lostRecords, "l", (id, records) -> {
            records.clear();
            summaries(records.getStore()).remove(id); // the summary's page lost too: records and summary agree
        });
        assertContains(startRefused(lostRecords).getMessage(), "record summaries add up to 1 records where 2 were"
                + " written", "did not modify");
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }

    /** A record given back in an older version (another value under its key, with its own valid checksum). */
    @Test
    void aStaleRecordIsFoundByTheObjectsSummary() throws Exception {
        Path dir = tmp.resolve("data");
        try (DurableHarness h = DurableHarness.open(dir)) {
            DictObject dict = h.get("d", ObjectSpec.of(ObjectType.DICT));
            for (int i = 0; i < 10; i++) {
                dict.put(enc("k" + i), enc(i));
            }
        }
        changeRecordsBehindTheChecksums(dir, "d", (id, records) -> {
            long key = records.firstKey();
            byte[] value = Checksums.openRecord(id, key, records.get(key));
            byte[] older = value.clone();
            older[older.length - 1] ^= 1; // another value: a changed byte, resealed as a registry writes it
            records.put(key, Checksums.sealRecord(id, key, older));
        });
        DataDirectoryException e = startRefused(dir);
        assertContains(e.getMessage(), "records of dict 'd' are not the ones last written", "did not modify");
    }

    /**
     * Every commit writes the newest version into both copies of the witness, so a damaged copy together with a
     * store that lost its last commits is still refused as a rollback (with copies written in turn, the other copy
     * held the version before, and a store one commit short started without a word: the Jazzer target found it).
     */
    @Test
    void everyCommitLeavesTheNewestVersionInBothWitnessCopies() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("witness"));
        try (CommitWitness w = CommitWitness.create(dir, 42, -1)) {
            w.record(5);
            w.record(6);
            w.record(7);
        }
        byte[] intact = Files.readAllBytes(dir.resolve(CommitWitness.FILE));
        for (int damaged : new int[] {0, CommitWitness.SLOT_STRIDE}) {
            byte[] witness = intact.clone();
            witness[damaged + 12] ^= 0x40;
            Files.write(dir.resolve(CommitWitness.FILE), witness);
            assertEquals(new CommitWitness.State(42, 7), CommitWitness.read(dir), "copy at " + damaged + " damaged");
        }
    }

    @Test
    void aDamagedWitnessCopyStillTellsAStoreThatLostItsLastCommit() throws Exception {
        for (int damaged : new int[] {0, CommitWitness.SLOT_STRIDE}) {
            Path dir = tmp.resolve("data-" + damaged);
            Path older;
            try (DurableHarness h = DurableHarness.open(dir)) {
                DictObject dict = h.get("d", ObjectSpec.of(ObjectType.DICT));
                dict.put(enc("first"), enc(1));
                older = h.crashImage(tmp.resolve("older-" + damaged));
                dict.put(enc("second"), enc(2)); // one more acknowledged commit
            }
            Files.copy(older.resolve(STORE), dir.resolve(STORE), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            byte[] witness = Files.readAllBytes(dir.resolve(CommitWitness.FILE));
            witness[damaged + 12] ^= 0x40; // one copy fails its checksum
            Files.write(dir.resolve(CommitWitness.FILE), witness);
            DataDirectoryException e = startRefused(dir);
            assertContains(e.getMessage(), "older than the last", "--accept-rollback");
        }
    }

    /** What a start on a data directory reports. */
    @Test
    void aStartReportsWhatItRestored() throws Exception {
        Path dir = tmp.resolve("data");
        try (DurableHarness h = DurableHarness.open(dir)) {
            h.<DictObject>get("d", ObjectSpec.of(ObjectType.DICT)).putAll(
                    new byte[][] {enc(1), enc(2)}, new byte[][] {enc(1), enc(2)});
            h.get("e", ObjectSpec.of(ObjectType.EVENT));
        }
        try (RegistryServer server = RegistryServer.start(config(dir))) {
            assertTrue(server.durable());
            assertEquals(2, server.recovery().objects());
            assertEquals(2, server.recovery().records());
            assertContains(server.storage(), dir.toAbsolutePath().toString(), "fsync always");
        }
        try (RegistryServer memory = RegistryServer.start(config(null))) {
            assertEquals(null, memory.recovery());
            assertContains(memory.storage(), "in memory only");
        }
        assertTrue(new String(Files.readAllBytes(dir.resolve(MvStoreDurability.OWNER_FILE)),
                StandardCharsets.UTF_8).startsWith("pid "));
    }
}
