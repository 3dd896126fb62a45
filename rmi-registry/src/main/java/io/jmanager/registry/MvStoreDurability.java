package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.security.SecureRandom;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.h2.mvstore.DataUtils;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;

/**
 * A data directory on H2's MVStore: one file, {@value #STORE_FILE}, holding a format marker, the catalog and one
 * map of records per object ({@code o.<id>}, {@code long} keys, {@code byte[]} values).
 *
 * <p><b>Group commit.</b> Objects write records into the maps with their mutex held; the remote call then calls
 * {@link #awaitDurable()}, which waits until an MVStore commit plus an fsync covered the version the thread wrote
 * in. The first waiting thread becomes the leader and commits and syncs everything written so far; threads that
 * wrote meanwhile wait for the leader and are covered by its sync, or elect the next leader: with N concurrent
 * writers one sync serves up to N calls. With {@link FsyncPolicy#intervalMillis()} a background thread commits and
 * syncs on a fixed period instead and calls never wait.
 *
 * <p><b>Log, then maps.</b> An object's record changes for one mutation are collected on the mutating thread and
 * appended together as one entry of the log map ({@link #flush()}, with the object's mutex still held, so that
 * an object's entries are in the order of its mutations) under a shared lock that a commit takes exclusively: a
 * commit captures every mutation whole or not at all, so a restart never sees half of one (half of a list's
 * rewrite, part of a putAll). Appending to the log's tail keeps each commit small; a checkpoint every
 * {@value #CHECKPOINT_MILLIS} ms applies the log to the per-object maps, rewriting their pages once for many
 * mutations, and start-up applies what is left.
 *
 * <p>MVStore appends each commit as a chunk with a checksum; after a crash it opens at the newest complete chunk,
 * so a torn write loses only what no call was told was durable.
 *
 * <p><b>Damage.</b> MVStore checks its chunks' headers and footers, not the bytes of its pages: every value this
 * class stores therefore carries a CRC32C over where it belongs and what it holds ({@link Checksums}), checked
 * whenever it is read (start-up, checkpoint). And the newest version a commit made durable is also written to
 * {@value CommitWitness#FILE} ({@link CommitWitness}) before any writer is answered, so that a store that comes
 * back older (a lost tail, which MVStore silently opens at an older chunk) is told apart from a store that holds
 * every acknowledged change. A damaged or rolled-back directory is refused with a message naming the file, the
 * object and the record, unless the operator asked for {@link RecoveryOptions}.
 */
final class MvStoreDurability implements Durability {
    static final String STORE_FILE = "registry.mv.db";
    static final String OWNER_FILE = "registry.owner";
    private static final int COMPACT_PERIOD_SECONDS = 10;
    private static final int COMPACT_FILL_RATE = 50;
    private static final int COMPACT_WRITE_BYTES = 16 << 20;
    private static final String META = "jmanager.meta";
    private static final String CATALOG = "jmanager.catalog";
    private static final String LOG = "jmanager.log";
    private static final String SUMMARY = "jmanager.summary";
    /** Meta key of the catalog's totals: its entries' count and the sum of their checksums, "count/sum". */
    private static final String CATALOG_TOTALS = "catalogTotals";
    /** Meta key of the record summaries' totals ({@link RecordSummaries#totals()}), "count/sum". */
    private static final String RECORD_TOTALS = "recordTotals";
    private static final long CHECKPOINT_MILLIS = 200;
    private static final String FORMAT = "jmanager-data";
    /** 2: every value carries its CRC32C and {@value CommitWitness#FILE} records the newest acknowledged commit. */
    static final String FORMAT_VERSION = "3";
    /** The end of every refusal for damage: what the operator can do. */
    static final String WHAT_TO_DO = "Keep a copy of the directory, then either restore an export (worker.jar"
            + " import) into a new --data-dir, or start with --skip-damaged-records to run on a repaired copy"
            + " without the damaged records (each is listed)";
    static final String UNCHANGED = "The registry did not start and did not modify the directory. ";

    private final Path dir;
    private final Path file;
    private final FsyncPolicy fsync;
    private final RecoveryOptions options;
    /** Replaced once, at {@link #started()}, when a repair or an accepted rollback writes a new file. */
    private volatile MVStore store;
    private final long directoryId;
    /** Set when the store came back older or damaged and was accepted: {@link #started()} writes a new file. */
    private boolean rewriteFile;
    /** The newest acknowledged version, outside the store; replaced when a rollback is accepted. */
    private volatile CommitWitness witness;
    /** Serializes the witness's writes (the group's leaders write it outside {@link #storeOps}). */
    private final Object witnessLock = new Object();
    /** The newest version whose store sync is done, its witness perhaps still being written; under monitor. */
    private long storeSynced = -1;
    /** Set when the witness must be written anew at {@link #started()} (an accepted rollback, a missing witness). */
    private volatile boolean resetWitness;
    /** What the start found and accepted (skipped records, an accepted rollback), for the start-up message. */
    private final List<String> notes = new ArrayList<>();
    /** The catalog as read and checked at start-up. */
    private final List<StoredObject> storedCatalog = new ArrayList<>();
    /** Objects whose damaged records were skipped: their state is written back whole at {@link #started()}. */
    private final Set<Long> rewrite = ConcurrentHashMap.newKeySet();
    /** Catalog names dropped by a repair (damaged entries, objects that could not be rebuilt). */
    private final Set<String> droppedNames = new TreeSet<>();
    private boolean repairedNextId;
    /** Totals that did not match what the start found, accepted with --skip-damaged-records: written anew. */
    private boolean repairedTotals;
    /** The catalog's entry count and checksum sum, kept as entries change; guarded by {@link #catalogTotalsLock}. */
    private long catalogCount;
    private long catalogSum;
    private final Object catalogTotalsLock = new Object();
    private boolean skippedLog;
    private long nextObjectId;
    /** True until {@link #started()}: a checkpoint then may skip damaged log entries (with the option). */
    private volatile boolean opening = true;
    private volatile MVMap<String, String> meta;
    private volatile MVMap<String, byte[]> catalog;
    private final ThreadLocal<long[]> written = ThreadLocal.withInitial(() -> new long[1]);
    /** The record changes of the calling thread's current mutation, applied together by {@link #flush()}. */
    private final ThreadLocal<RecordLog.Batch> pending = ThreadLocal.withInitial(RecordLog.Batch::new);
    /** Mutations not yet applied to the object maps, in order: what each commit writes. */
    private volatile MVMap<Long, byte[]> log;
    /** Each object's record count and checksum sum, changed with its records (see {@link RecordSummaries}). */
    private volatile RecordSummaries summaries;
    private final AtomicLong logTail;
    /** Held while the log is applied to the object maps, and while an object's map is dropped. */
    private final Object checkpointLock = new Object();
    /** Ids of the objects in the catalog: log entries of others (destroyed since) are skipped. */
    private final Set<Long> liveIds = ConcurrentHashMap.newKeySet();
    /** Shared by flushes, exclusive for a commit: a commit never captures half of one mutation's records. */
    private final ReentrantReadWriteLock consistency =
            new ReentrantReadWriteLock();
    private final Object monitor = new Object();
    /** The newest version committed and synced; written under {@link #monitor}, read without it on the fast path. */
    private volatile long durableVersion = -1;
    private boolean committing;
    /** Threads in {@link #awaitDurable()} now. */
    private final AtomicInteger waiting = new AtomicInteger();
    private volatile int recentBatch;
    private static final long GATHER_MAX_MICROS = 400;
    /** The leader while it gathers a batch, for the writer that completes it to wake. */
    private volatile Thread gatherer;
    private volatile String failure;
    private final ScheduledExecutorService syncer;
    /** The interval policy's commits, on a thread of their own: never behind a checkpoint or a compaction. */
    private final ScheduledExecutorService intervalCommitter;
    /** Makes every commit and its sync one step, so that no commit starts before the previous one is on disk. */
    private final Object storeOps = new Object();

    private MvStoreDurability(Path dir, FsyncPolicy fsync, RecoveryOptions options, MVStore store, long directoryId,
                              CommitWitness witness) {
        this.dir = dir;
        this.file = dir.resolve(STORE_FILE);
        this.fsync = fsync;
        this.options = options;
        this.store = store;
        this.directoryId = directoryId;
        this.witness = witness;
        // Freed space may be reused at once: every commit is synced before the next one starts (storeOps), so
        // the last durable version is never overwritten, and every read of the store happens under the shared
        // lock that a commit takes exclusively, so no reader meets a dropped chunk. The default 45 s retention
        // let the file grow to several times its live data under a steady stream of commits
        store.setRetentionTime(0);
        openMaps();
        Long last = log.lastKey();
        this.logTail = new AtomicLong(last == null ? 0 : last);
        this.syncer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jmanager-store");
            t.setDaemon(true);
            return t;
        });
        if (!fsync.always()) {
            // at a fixed rate, not with a fixed delay: a commit starts every interval (or right after the previous
            // one, if that took longer), so a change waits at most one interval plus one commit to be durable;
            // and on its own thread, so that no checkpoint or compaction on the other one delays it
            intervalCommitter = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "jmanager-interval-commit");
                t.setDaemon(true);
                return t;
            });
            intervalCommitter.scheduleAtFixedRate(this::periodicSync, fsync.intervalMillis(), fsync.intervalMillis(),
                    TimeUnit.MILLISECONDS);
        } else {
            intervalCommitter = null;
        }
        syncer.scheduleWithFixedDelay(this::compact, COMPACT_PERIOD_SECONDS, COMPACT_PERIOD_SECONDS,
                TimeUnit.SECONDS);
        syncer.scheduleWithFixedDelay(this::checkpointQuietly, CHECKPOINT_MILLIS, CHECKPOINT_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    private void openMaps() {
        this.meta = store.openMap(META);
        this.catalog = store.openMap(CATALOG, new MVMap.Builder<String, byte[]>()
                .valueType(ByteArrayDataType.INSTANCE));
        this.log = store.openMap(LOG, longKeys());
        this.summaries = new RecordSummaries(store.openMap(SUMMARY, longKeys()));
    }

    private static MVMap.Builder<Long, byte[]> longKeys() {
        return new MVMap.Builder<Long, byte[]>().keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE);
    }

    /**
     * Writes what this store holds now (in memory: the restored, checked and repaired state) into a new file and
     * puts it in place of the old one, which is never written to: its damaged or lost parts cannot come back at a
     * later start, and MVStore's recovery of the old file is not repeated. Runs at {@link #started()}, before
     * anything else may use the store.
     */
    private void rewriteStoreFile() throws IOException {
        Path fresh = dir.resolve(STORE_FILE + ".repaired");
        Files.deleteIfExists(fresh);
        MVStore out = new MVStore.Builder().fileName(fresh.toString()).autoCommitDisabled().autoCommitBufferSize(0)
                .open();
        try {
            for (String name : store.getMapNames()) {
                if (name.equals(META)) {
                    out.<String, String>openMap(META).putAll(meta);
                } else if (name.equals(CATALOG)) {
                    out.openMap(CATALOG, new MVMap.Builder<String, byte[]>().valueType(ByteArrayDataType.INSTANCE))
                            .putAll(catalog);
                } else if (name.equals(LOG) || name.equals(SUMMARY) || name.startsWith("o.")) {
                    MVMap<Long, byte[]> from = name.equals(LOG) || name.equals(SUMMARY) ? store.openMap(name,
                            longKeys()) : objectMap(parseId(name));
                    if (!from.isEmpty()) {
                        out.openMap(name, longKeys()).putAll(from);
                    }
                }
            }
            out.commit();
            out.sync();
        } finally {
            out.close();
        }
        store.closeImmediately();
        Files.move(fresh, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CommitWitness.syncDirectory(dir);
        store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().autoCommitBufferSize(0).open();
        store.setRetentionTime(0);
        openMaps();
        // the new file counts versions from its own start: no earlier version may count as durable in it
        synchronized (monitor) {
            durableVersion = store.getCurrentVersion() - 1;
        }
        written.get()[0] = 0;
    }

    /** Opens (or creates) {@code dir} with no {@link RecoveryOptions}. */
    static MvStoreDurability open(Path dir, FsyncPolicy fsync) throws DataDirectoryException {
        return open(dir, fsync, RecoveryOptions.NONE);
    }

    /**
     * Opens (or creates) the data directory {@code dir}, checks every value it holds against its checksum and the
     * store's version against {@value CommitWitness#FILE}, and applies the log to the object maps (in memory: the
     * first commit stores it). Nothing is written before {@link #started()} unless the directory is new.
     *
     * @throws DataDirectoryException if it is not a directory, holds files that are not jmanager's, is damaged,
     *                                older than the state it acknowledged, of another format, or in use by another
     *                                running registry; the directory is not modified in any of these cases
     */
    static MvStoreDurability open(Path dir, FsyncPolicy fsync, RecoveryOptions options)
            throws DataDirectoryException {
        Path file = dir.resolve(STORE_FILE);
        List<String> notes = new ArrayList<>();
        CommitWitness.State witness = Files.isDirectory(dir) ? readWitness(dir, options, notes) : null;
        long size = Files.exists(file) ? file.toFile().length() : -1;
        // an empty or missing store is new only where nothing was ever acknowledged: a crash during the very first
        // start can leave an empty file; a directory whose witness counts commits has lost its state
        boolean fresh = size <= 0;
        if (fresh && witness != null && witness.version() >= 0) {
            String what = size < 0 ? "is missing" : "is empty (0 bytes)";
            if (!options.acceptRollback()) {
                throw new DataDirectoryException("data file " + file + " " + what + ", but " + CommitWitness.FILE
                        + " says this directory acknowledged " + (witness.version() + 1) + " commits: its state was"
                        + " lost (a deleted or truncated file, an incomplete copy). " + UNCHANGED + "Restore an"
                        + " export (worker.jar import) into a new --data-dir, or start with --accept-rollback to"
                        + " start here as an empty registry");
            }
            notes.add("data file " + file + " " + what + " although " + (witness.version() + 1) + " commits were"
                    + " acknowledged: started as an empty registry (--accept-rollback)");
        }
        checkDirectory(dir, fresh);
        long directoryId;
        CommitWitness witnessFile = null;
        if (fresh) {
            directoryId = witness != null ? witness.directoryId() : newDirectoryId();
            try {
                // before the store exists: a store without a witness is then always damage, never a first start
                witnessFile = CommitWitness.create(dir, directoryId, -1);
            } catch (IOException e) {
                throw new DataDirectoryException("cannot write " + dir.resolve(CommitWitness.FILE) + ": " + e, e);
            }
        } else {
            directoryId = 0; // read from the store below
        }
        MVStore store;
        try {
            // no auto-commit: its background writer hands every commit to two executor threads (measured: 630 µs
            // per commit against 120 µs inline); and no write buffer (autoCommitDisabled leaves it at 1 MB, and a
            // put past it would commit from the writer's thread, unsynced): every commit happens here, synced
            store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().autoCommitBufferSize(0)
                    .open();
        } catch (MVStoreException e) {
            closeQuietly(witnessFile);
            throw translateOpenFailure(dir, file, e);
        } catch (RuntimeException | AssertionError | OutOfMemoryError | StackOverflowError e) {
            // the engine's own assertions (with -ea), a length it trusted, a cycle it followed: all damage here
            closeQuietly(witnessFile);
            throw corrupted(file, e);
        }
        try {
            boolean resetWitness = false;
            boolean rewrite = false;
            if (!fresh) {
                checkFormat(store, file);
                long storeVersion = store.getCurrentVersion() - 1;
                String id = Checksums.openMeta("directoryId", store.<String, String>openMap(META).get("directoryId"));
                if (id == null && !options.acceptRollback()) {
                    throw new StoreDamage("data file " + file + " is damaged: its directory id (in the meta map)"
                            + " fails its checksum, so nothing tells whether it belongs with " + CommitWitness.FILE
                            + ". " + UNCHANGED + WHAT_TO_DO.replace("--skip-damaged-records to run on a repaired"
                            + " copy without the damaged records (each is listed)", "--accept-rollback to use it"
                            + " as it is"));
                }
                directoryId = id == null ? newDirectoryId() : Long.parseUnsignedLong(id, 16);
                if (id == null) {
                    notes.add("the directory id of " + file + " was damaged: a new one was given (--accept-rollback)");
                    resetWitness = true;
                    rewrite = true;
                } else if (witness == null) {
                    if (!options.acceptRollback()) {
                        throw new DataDirectoryException("data directory " + dir + " has no " + CommitWitness.FILE
                                + " (the record of its newest acknowledged commit) beside its " + STORE_FILE
                                + ", so nothing tells whether the store holds every acknowledged change (the file"
                                + " was deleted, or the store copied without it). " + UNCHANGED + "If you know the"
                                + " store is complete, start with --accept-rollback to use it as it is (a new "
                                + CommitWitness.FILE + " is written); otherwise restore an export (worker.jar"
                                + " import) into a new --data-dir");
                    }
                    notes.add(CommitWitness.FILE + " was missing or damaged: started on the store as it is, at"
                            + " version " + storeVersion + " (--accept-rollback)");
                    resetWitness = true;
                } else if (witness.directoryId() != directoryId) {
                    throw new DataDirectoryException("data file " + file + " belongs to another data directory"
                            + " (id " + id + ") than this directory's " + CommitWitness.FILE + " (id "
                            + Long.toHexString(witness.directoryId()) + "): a store file copied in from elsewhere. "
                            + UNCHANGED + "Copy the other directory whole (both files), or put this directory's own "
                            + STORE_FILE + " back; to use this store here as it is, move " + CommitWitness.FILE
                            + " away and start with --accept-rollback");
                } else if (storeVersion < witness.version()) {
                    long behind = witness.version() - storeVersion;
                    if (!options.acceptRollback()) {
                        throw new DataDirectoryException("data file " + file + " is " + behind + " commit(s) older"
                                + " than the last state this directory acknowledged (store version " + storeVersion
                                + ", acknowledged " + witness.version() + " in " + CommitWitness.FILE + "): its"
                                + " newest part was lost (a truncated or damaged tail, an old copy), and with it"
                                + " changes workers were told are durable. " + UNCHANGED + "Restore an export"
                                + " (worker.jar import) into a new --data-dir, or start with --accept-rollback to"
                                + " run on the older state");
                    }
                    notes.add("data file " + file + " is " + behind + " commit(s) older than the last acknowledged"
                            + " state (version " + storeVersion + " of " + witness.version() + "): started on the"
                            + " older state, the changes of those commits are lost; the state is written to a new "
                            + STORE_FILE + " (--accept-rollback)");
                    resetWitness = true;
                    rewrite = true;
                }
                if (!resetWitness) {
                    try {
                        witnessFile = CommitWitness.open(dir, directoryId, witness.version());
                    } catch (IOException e) {
                        throw new DataDirectoryException("cannot open " + dir.resolve(CommitWitness.FILE) + " for"
                                + " writing: " + e, e);
                    }
                }
            }
            MvStoreDurability durability = new MvStoreDurability(dir, fsync, options, store, directoryId,
                    witnessFile);
            durability.notes.addAll(notes);
            durability.resetWitness = resetWitness;
            durability.rewriteFile = rewrite;
            if (!fresh && durability.meta.get("directoryId") != null
                    && Checksums.openMeta("directoryId", durability.meta.get("directoryId")) == null) {
                durability.meta.put("directoryId", Checksums.sealMeta("directoryId", Long.toHexString(directoryId)));
            }
            if (fresh) {
                durability.meta.put("format", FORMAT);
                durability.meta.put("formatVersion", FORMAT_VERSION);
                durability.meta.put("created", Checksums.sealMeta("created", Instant.now().toString()));
                durability.meta.put("directoryId", Checksums.sealMeta("directoryId", Long.toHexString(directoryId)));
                durability.meta.put("nextObjectId", Checksums.sealMeta("nextObjectId", "1"));
                durability.meta.put(CATALOG_TOTALS, Checksums.sealMeta(CATALOG_TOTALS, "0/0"));
                durability.meta.put(RECORD_TOTALS, Checksums.sealMeta(RECORD_TOTALS, "0/0"));
                durability.commitAndSync();
            }
            durability.loadCatalog();
            durability.checkRecordTotals();
            durability.checkpoint(); // the log's changes into the object maps, before they are read
            return durability;
        } catch (DataDirectoryException e) {
            store.closeImmediately();
            closeQuietly(witnessFile);
            throw e;
        } catch (StoreDamage e) {
            store.closeImmediately();
            closeQuietly(witnessFile);
            throw new DataDirectoryException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        } catch (RuntimeException | AssertionError | OutOfMemoryError | StackOverflowError e) {
            store.closeImmediately();
            closeQuietly(witnessFile);
            throw corrupted(file, e);
        }
    }

    private static CommitWitness.State readWitness(Path dir, RecoveryOptions options, List<String> notes)
            throws DataDirectoryException {
        try {
            return CommitWitness.read(dir);
        } catch (DataDirectoryException e) {
            if (!options.acceptRollback()) {
                throw e;
            }
            return null; // treated as missing: the store is taken as it is and a new witness written
        }
    }

    private static void closeQuietly(CommitWitness w) {
        if (w != null) {
            w.close();
        }
    }

    private static long newDirectoryId() {
        long id;
        do {
            id = new SecureRandom().nextLong();
        } while (id == 0);
        return id;
    }

    /**
     * Reads and checks the catalog and the next object id. A damaged entry stops the start, or (skipping) is
     * dropped and listed.
     */
    private void loadCatalog() {
        String next = Checksums.openMeta("nextObjectId", meta.get("nextObjectId"));
        long maxId = 0;
        checkCatalogTotals();
        for (Map.Entry<String, byte[]> e : catalog.entrySet()) {
            byte[] entry = Checksums.openCatalog(e.getKey(), e.getValue());
            if (entry == null || entry.length < 8) {
                String what = "the catalog entry of '" + e.getKey() + "'";
                if (!options.skipDamagedRecords()) {
                    throw new StoreDamage("data file " + file + " is damaged: " + what + " fails its checksum. "
                            + UNCHANGED + WHAT_TO_DO);
                }
                notes.add("skipped " + what + ": it fails its checksum; object '" + e.getKey() + "' is gone");
                droppedNames.add(e.getKey());
                continue;
            }
            long id = ByteBuffer.wrap(entry).getLong();
            ObjectSpec spec;
            try {
                spec = ObjectSpec.fromBytes(Arrays.copyOfRange(entry, 8, entry.length));
            } catch (RuntimeException bad) {
                // the checksum matched: written so by a registry, not damaged on disk
                throw new StoreDamage("data file " + file + " holds a catalog entry for '" + e.getKey() + "' this"
                        + " registry cannot read (" + bad.getMessage() + "). " + UNCHANGED + "Run the registry"
                        + " version that wrote it", bad);
            }
            maxId = Math.max(maxId, id);
            liveIds.add(id);
            storedCatalog.add(new StoredObject(e.getKey(), id, spec));
        }
        for (String name : store.getMapNames()) {
            if (name.startsWith("o.")) {
                try {
                    maxId = Math.max(maxId, Long.parseLong(name.substring(2)));
                } catch (NumberFormatException ignored) {
                    // not an object map
                }
            }
        }
        long parsed = -1;
        try {
            parsed = next == null ? -1 : Long.parseLong(next);
        } catch (NumberFormatException ignored) {
            // handled below
        }
        if (parsed <= maxId) {
            if (!options.skipDamagedRecords()) {
                throw new StoreDamage("data file " + file + " is damaged: its next object id ("
                        + (next == null ? "fails its checksum" : next + ", not above the largest id " + maxId)
                        + "). " + UNCHANGED + WHAT_TO_DO);
            }
            notes.add("repaired the next object id (" + (next == null ? "it failed its checksum" : next) + "): now "
                    + (maxId + 1));
            parsed = maxId + 1;
            repairedNextId = true;
        }
        nextObjectId = parsed;
        storedCatalog.sort(Comparator.comparing((StoredObject o) -> o.spec().type() == ObjectType.CONDITION)
                .thenComparing(StoredObject::name));
    }

    private static void checkDirectory(Path dir, boolean fresh) throws DataDirectoryException {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new DataDirectoryException("data directory " + dir + " is a file, not a directory; give --data-dir"
                    + " a directory (it is created if missing)");
        }
        try {
            if (!Files.exists(dir)) {
                // the store holds every worker's values: readable by its owner only, like the key file
                Files.createDirectories(dir);
                if (dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                    Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString(
                            "rwx------"));
                }
            }
            if (fresh) {
                List<String> foreign;
                try (Stream<Path> entries = Files.list(dir)) {
                    foreign = entries.map(p -> p.getFileName().toString())
                            .filter(n -> !n.startsWith("registry.")).sorted().toList();
                }
                if (!foreign.isEmpty()) {
                    throw new DataDirectoryException("data directory " + dir + " is not a jmanager data directory:"
                            + " it has no " + STORE_FILE + " but holds " + foreign.size() + " other file(s), e.g. '"
                            + foreign.get(0) + "'. Nothing was changed; give --data-dir an empty or new directory");
                }
            }
            if (!Files.isWritable(dir)) {
                throw new DataDirectoryException("data directory " + dir + " is not writable by this user");
            }
        } catch (DataDirectoryException e) {
            throw e;
        } catch (IOException e) {
            throw new DataDirectoryException("cannot use data directory " + dir + ": " + e, e);
        }
    }

    private static void checkFormat(MVStore store, Path file) throws DataDirectoryException {
        if (store.getMapNames().isEmpty()) {
            throw new DataDirectoryException("data file " + file + " is incomplete or damaged: it holds no map at"
                    + " all, not even jmanager's format marker. The registry did not start and did not modify it."
                    + " Keep a copy, then restore a backup (worker.jar import) into a new --data-dir");
        }
        if (!store.hasMap(META) || !store.hasMap(CATALOG)) {
            throw new DataDirectoryException(file + " is an MVStore file but not a jmanager data directory (no"
                    + " jmanager format marker). Nothing was changed; give --data-dir an empty or new directory");
        }
        MVMap<String, String> meta = store.openMap(META);
        if (!FORMAT.equals(meta.get("format"))) {
            throw new DataDirectoryException(file + " is not a jmanager data directory (format marker '"
                    + meta.get("format") + "'). Nothing was changed; give --data-dir an empty or new directory");
        }
        String version = meta.get("formatVersion");
        if ("1".equals(version) || "2".equals(version)) {
            throw new DataDirectoryException(file + " was written in jmanager data format " + version + ", which has"
                    + ("1".equals(version) ? " no record checksums and no " + CommitWitness.FILE
                    : " no record counts (records lost without a checksum failing go unnoticed)")
                    + "; this registry reads format " + FORMAT_VERSION
                    + ". Nothing was changed. To move its state: start the registry version that wrote it on this"
                    + " directory, run worker.jar export -u URL state.jms, stop it, start this registry on a new"
                    + " --data-dir and run worker.jar import -u URL state.jms");
        }
        if (version == null || !version.matches("[0-9]{1,9}")) {
            // no version under the marker, or not a number: the marker itself is damaged (seen: one flipped bit)
            throw new DataDirectoryException("data file " + file + " is damaged: its jmanager format marker holds no"
                    + " valid format version (" + (version == null ? "none" : "'" + version + "'") + "). The"
                    + " registry did not start and did not modify it. Keep a copy, then restore a backup (worker.jar"
                    + " import) into a new --data-dir");
        }
        if (!FORMAT_VERSION.equals(version)) {
            throw new DataDirectoryException(file + " was written in jmanager data format " + version + "; this"
                    + " registry reads format " + FORMAT_VERSION + ". Nothing was changed; run the registry version"
                    + " that wrote it, or move the state: worker.jar export -u URL state.jms against that version,"
                    + " then worker.jar import -u URL state.jms into this one on a new --data-dir");
        }
    }

    private static DataDirectoryException translateOpenFailure(Path dir, Path file, MVStoreException e) {
        if (e.getErrorCode() == DataUtils.ERROR_FILE_LOCKED) {
            String owner = "";
            try {
                owner = " (" + Files.readString(dir.resolve(OWNER_FILE), StandardCharsets.UTF_8).trim() + ")";
            } catch (IOException | RuntimeException unreadable) {
                // the owner file is informative only
            }
            return new DataDirectoryException("data directory " + dir + " is in use by another running registry"
                    + owner + "; stop that registry first, or give this one another --data-dir", e);
        }
        return corrupted(file, e);
    }

    private static DataDirectoryException corrupted(Path file, Throwable e) {
        return new DataDirectoryException("data file " + file + " is corrupted or unreadable (" + engineMessage(e)
                + "). The registry did not start and did not modify it. Keep a copy, then restore an export"
                + " (worker.jar import) into a new --data-dir", e);
    }

    /** The storage engine's own words for a failure, on one line (its class if it has none). */
    static String engineMessage(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        return m.replaceAll("\\s+", " ").trim();
    }

    /**
     * The refusal for a failure while restoring the objects of {@code dir} at start-up (after {@link #open}):
     * damage found by a check, or an exception of the storage engine or of a state machine.
     */
    static DataDirectoryException startFailure(Path dir, Throwable e) {
        if (e instanceof StoreDamage) {
            return new DataDirectoryException(e.getMessage(), e.getCause() == null ? e : e.getCause());
        }
        if (e instanceof io.jmanager.RegistryLimitException) {
            // intact records that do not fit this registry's limits (e.g. --memory-budget): not damage
            return new DataDirectoryException("data directory " + dir + " holds more than this registry's limits"
                    + " allow: " + e.getMessage() + ". " + UNCHANGED + "Start the registry with the limit the message"
                    + " names raised", e);
        }
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException) {
            // the records passed their checksums: a registry wrote them so; a state machine cannot use them
            return new DataDirectoryException("data directory " + dir + " holds state this registry cannot restore:"
                    + " " + engineMessage(e) + ". " + UNCHANGED + WHAT_TO_DO, e);
        }
        return corrupted(dir.resolve(STORE_FILE), e);
    }

    private void writeOwner() {
        String owner = "pid " + ProcessHandle.current().pid() + " on " + hostName() + ", since " + Instant.now();
        try {
            Files.writeString(dir.resolve(OWNER_FILE), owner + System.lineSeparator(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            // informative only: the MVStore file lock is what keeps a second registry out
        }
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return ManagementFactory.getRuntimeMXBean().getName();
        }
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public List<String> startNotes() {
        return List.copyOf(notes);
    }

    @Override
    public boolean skipObject(StoredObject object, String reason) {
        if (!options.skipDamagedRecords()) {
            return false;
        }
        notes.add("skipped " + object.spec().describe() + " '" + object.name() + "': " + reason);
        liveIds.remove(object.id());
        rewrite.remove(object.id());
        droppedNames.add(object.name());
        return true;
    }

    @Override
    public boolean needsRewrite(long objectId) {
        return rewrite.contains(objectId);
    }

    /**
     * The start is accepted: writes back what a repair changed (dropped catalog entries and maps, the next id;
     * the objects' rewritten records are in the log already), records the store's state in a new witness after
     * an accepted rollback, and writes the owner file. Before this, an accepted start wrote nothing either.
     */
    @Override
    public void started() {
        boolean repaired = repairedNextId || repairedTotals || skippedLog || !droppedNames.isEmpty()
                || !rewrite.isEmpty();
        try {
            if (repaired) {
                applied(() -> {
                    for (String name : droppedNames) {
                        catalog.remove(name);
                    }
                    for (String name : List.copyOf(store.getMapNames())) {
                        if (name.startsWith("o.") && !liveIds.contains(parseId(name))) {
                            store.removeMap(name);
                        }
                    }
                    for (long id : List.copyOf(toList(summaries.ids()))) {
                        if (!liveIds.contains(id)) {
                            summaries.remove(id);
                        }
                    }
                    synchronized (catalogTotalsLock) { // counted anew from what the repair kept
                        catalogCount = 0;
                        catalogSum = 0;
                        for (byte[] entry : catalog.values()) {
                            catalogCount++;
                            catalogSum += Checksums.trailerOf(entry);
                        }
                        meta.put(CATALOG_TOTALS, Checksums.sealMeta(CATALOG_TOTALS, catalogCount + "/" + catalogSum));
                    }
                    summaries.recount();
                    writeRecordTotals();
                    meta.put("nextObjectId", Checksums.sealMeta("nextObjectId", Long.toString(nextObjectId)));
                });
                notes.add("the registry runs on a repaired copy of its data directory: the repaired state is written"
                        + " to a new " + STORE_FILE + " in " + dir + " (the damaged file is replaced), so the next"
                        + " start is clean; the skipped records are gone for good");
            }
            synchronized (storeOps) {
                if (repaired || rewriteFile) {
                    checkpoint(); // the log, and the rewritten objects' records, into the maps
                    rewriteStoreFile();
                    resetWitness = true;
                }
                if (resetWitness) {
                    closeQuietly(witness);
                    witness = CommitWitness.create(dir, directoryId, -1);
                    if (store.getCurrentVersion() > 0) {
                        witness.record(store.getCurrentVersion() - 1);
                    }
                    resetWitness = false;
                }
            }
            opening = false;
        } catch (IOException | RuntimeException e) {
            throw new StoreDamage("data directory " + dir + ": writing back the repair failed (" + engineMessage(e)
                    + "). Keep a copy, then restore an export (worker.jar import) into a new --data-dir", e);
        }
        writeOwner();
    }

    private static long parseId(String mapName) {
        try {
            return Long.parseLong(mapName.substring(2));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public long newObjectId() {
        synchronized (meta) {
            long id = nextObjectId;
            applied(() -> meta.put("nextObjectId", Checksums.sealMeta("nextObjectId", Long.toString(id + 1))));
            nextObjectId = id + 1;
            return id;
        }
    }

    /** Applies one catalog change now, as one step for commits, and notes it as the thread's write. */
    private void applied(Runnable change) {
        consistency.readLock().lock();
        try {
            checkUsable();
            change.run();
            wrote();
        } finally {
            consistency.readLock().unlock();
        }
    }

    @Override
    public Records records(long objectId) {
        // live from now: a checkpoint that runs between the object's first flush and created() must apply its log
        // entries, not skip them as a destroyed object's (an import lost acknowledged records that way)
        liveIds.add(objectId);
        return new BatchedRecords(objectId, pending);
    }

    private MVMap<Long, byte[]> objectMap(long objectId) {
        return store.openMap("o." + objectId, new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    @Override
    public void created(StoredObject object) {
        byte[] spec = object.spec().toBytes();
        byte[] entry = Checksums.sealCatalog(object.name(),
                ByteBuffer.allocate(8 + spec.length).putLong(object.id()).put(spec).array());
        liveIds.add(object.id());
        applied(() -> catalogChanged(catalog.put(object.name(), entry), entry));
    }

    /** Counts a catalog entry changed ({@code old} or {@code now} null: added or removed) in the meta totals. */
    private void catalogChanged(byte[] old, byte[] now) {
        synchronized (catalogTotalsLock) {
            catalogCount += (now == null ? 0 : 1) - (old == null ? 0 : 1);
            catalogSum += Checksums.trailerOf(now) - Checksums.trailerOf(old);
            meta.put(CATALOG_TOTALS, Checksums.sealMeta(CATALOG_TOTALS, catalogCount + "/" + catalogSum));
        }
    }

    private void writeRecordTotals() {
        RecordSummaries.Summary t = summaries.totals();
        meta.put(RECORD_TOTALS, Checksums.sealMeta(RECORD_TOTALS, t.count() + "/" + t.sum()));
    }

    @Override
    public void destroyed(StoredObject object) {
        synchronized (checkpointLock) { // not while the checkpoint writes into its map
            liveIds.remove(object.id());
            applied(() -> {
                catalogChanged(catalog.remove(object.name()), null);
                store.removeMap(objectMap(object.id()));
                summaries.remove(object.id());
                writeRecordTotals();
            });
        }
    }

    /**
     * Applies the log to the object maps and removes the applied entries, so that the log stays short and each
     * commit writes little (the log's tail) while the maps' pages are rewritten once per checkpoint, not once
     * per commit. Runs every {@value #CHECKPOINT_MILLIS} ms and at start-up, before the objects are restored.
     * Every entry is checked against its checksum first, and every record it writes gets its own.
     *
     * <p>It works in slices of {@value #CHECKPOINT_SLICE} entries, each under the shared lock, so that no commit
     * captures a slice half applied (nor drops a chunk it reads: freed space is reused at once) and no commit
     * waits for more than one slice. Flushes go on meanwhile, appending behind the entries it applies. Applying an
     * entry twice would be harmless anyway: every record change is a blind write (set, remove, clear).
     */
    void checkpoint() {
        synchronized (checkpointLock) {
            if (opening && !logKeysInOrder()) {
                applyWholeLog();
                return;
            }
            Long last;
            consistency.readLock().lock();
            try {
                last = log.lastKey();
            } finally {
                consistency.readLock().unlock();
            }
            if (last == null) {
                return;
            }
            Long from = null;
            while (true) {
                consistency.readLock().lock(); // no commit may drop a chunk this reads
                try {
                    List<Long> applied = new ArrayList<>();
                    RecordSummaries.Slice changed = summaries.new Slice();
                    org.h2.mvstore.Cursor<Long, byte[]> it = log.cursor(from, last, false);
                    while (it.hasNext() && applied.size() < CHECKPOINT_SLICE) {
                        long key = it.next();
                        if (key > last) {
                            break;
                        }
                        applyLogEntry(key, it.getValue(), changed);
                        applied.add(key);
                    }
                    changed.write();
                    writeRecordTotals();
                    for (long key : applied) {
                        log.remove(key);
                    }
                    if (applied.isEmpty() || applied.get(applied.size() - 1) >= last) {
                        return;
                    }
                    from = applied.get(applied.size() - 1) + 1;
                } finally {
                    consistency.readLock().unlock();
                }
            }
        }
    }

    private static final int CHECKPOINT_SLICE = 256;

    /** Whether the log's pages hold its keys in strictly increasing order, as an undamaged log's do. */
    private boolean logKeysInOrder() {
        long previous = Long.MIN_VALUE;
        boolean first = true;
        for (org.h2.mvstore.Cursor<Long, byte[]> it = log.cursor(null); it.hasNext(); ) {
            long key = it.next();
            if (!first && key <= previous) {
                return false;
            }
            first = false;
            previous = key;
        }
        return true;
    }

    /**
     * The checkpoint of a start whose log's keys are out of order ({@link #logKeysInOrder}), when nothing else
     * writes: reads every entry the log's pages hold, whatever their keys say, checks and applies them in key order
     * and empties the log. Unlike the slices of a running checkpoint it does not trust the keys: a flipped bit in a
     * log page can leave a key out of order or equal to another, and a cursor bounded by the last key, or a removal
     * by key, then misses entries (a skipped damaged one stayed in the log, was copied into the repaired file and
     * refused that file's next start).
     */
    private void applyWholeLog() {
        consistency.readLock().lock();
        try {
            // a list, not a map: a damaged key may repeat another one, and each entry must be checked
            List<Map.Entry<Long, byte[]>> entries = new ArrayList<>();
            for (org.h2.mvstore.Cursor<Long, byte[]> it = log.cursor(null); it.hasNext(); ) {
                long key = it.next();
                entries.add(new AbstractMap.SimpleImmutableEntry<>(key, it.getValue()));
            }
            if (entries.isEmpty()) {
                return;
            }
            entries.sort(Map.Entry.comparingByKey()); // stable: equal keys keep the pages' order
            RecordSummaries.Slice changed = summaries.new Slice();
            for (Map.Entry<Long, byte[]> e : entries) {
                applyLogEntry(e.getKey(), e.getValue(), changed);
            }
            changed.write();
            writeRecordTotals();
            log.clear();
        } finally {
            consistency.readLock().unlock();
        }
    }

    /** Checks a sealed log entry against its checksum and applies it, or reports (or skips) it as damaged. */
    private void applyLogEntry(long logKey, byte[] sealed, RecordSummaries.Slice changed) {
        byte[] entry = Checksums.openLog(logKey, sealed);
        if (entry == null) {
            damagedLogEntry(logKey, sealed);
        } else {
            applyEntry(logKey, entry, changed);
        }
    }

    private void applyEntry(long logKey, byte[] entry, RecordSummaries.Slice changed) {
        try {
            RecordLog.apply(entry, new RecordLog.Target() {
                @Override
                public void put(long objectId, long key, byte[] value) {
                    if (liveIds.contains(objectId)) {
                        byte[] sealed = Checksums.sealRecord(objectId, key, value);
                        changed.put(objectId, objectMap(objectId).put(key, sealed), sealed);
                    }
                }

                @Override
                public void remove(long objectId, long key) {
                    if (liveIds.contains(objectId)) {
                        changed.remove(objectId, objectMap(objectId).remove(key));
                    }
                }

                @Override
                public void clear(long objectId) {
                    if (liveIds.contains(objectId)) {
                        objectMap(objectId).clear();
                        changed.clear(objectId);
                    }
                }
            });
        } catch (IllegalArgumentException e) {
            // the entry passed its checksum: written so by a registry, not damaged on disk
            throw new StoreDamage("data file " + file + " holds log entry " + logKey + " that this registry cannot"
                    + " apply (" + e.getMessage() + "). " + (opening ? UNCHANGED : "") + WHAT_TO_DO, e);
        }
    }

    private void damagedLogEntry(long logKey, byte[] sealed) {
        String objects = objectsNamedBy(sealed);
        String what = "log entry " + logKey + " (one change not yet applied to "
                + (objects.isEmpty() ? "its object" : objects + ", as far as its damaged bytes tell") + ")";
        if (opening && options.skipDamagedRecords()) {
            skippedLog = true;
            notes.add("skipped " + what + ": it fails its checksum; the objects it changed are restored without"
                    + " it, and any that cannot be are skipped too");
            return;
        }
        throw new StoreDamage("data file " + file + " is damaged: " + what + " fails its checksum. "
                + (opening ? UNCHANGED : "") + WHAT_TO_DO);
    }

    /**
     * The objects a damaged log entry names, read from its bytes without trusting them: the object ids of the
     * changes that can still be parsed, as known to the catalog ({@code "dict 'd'"}), or "" if none can be told.
     * Only for the operator's message: nothing is applied from a damaged entry.
     */
    private String objectsNamedBy(byte[] sealed) {
        java.util.Set<Long> ids = new java.util.LinkedHashSet<>();
        if (sealed != null && sealed.length > Checksums.BYTES) {
            try {
                RecordLog.apply(Arrays.copyOf(sealed, sealed.length - Checksums.BYTES), new RecordLog.Target() {
                    @Override
                    public void put(long objectId, long key, byte[] value) {
                        ids.add(objectId);
                    }

                    @Override
                    public void remove(long objectId, long key) {
                        ids.add(objectId);
                    }

                    @Override
                    public void clear(long objectId) {
                        ids.add(objectId);
                    }
                });
            } catch (RuntimeException malformed) {
                // the ids read before the damage are still worth naming
            }
        }
        List<String> names = new ArrayList<>();
        for (StoredObject o : storedCatalog) {
            if (ids.contains(o.id())) {
                names.add(o.spec().describe() + " '" + o.name() + "'");
            }
        }
        return String.join(", ", names);
    }

    private void checkpointQuietly() {
        try {
            if (failure == null && !opening) {
                checkpoint();
            }
        } catch (RuntimeException | AssertionError e) {
            fail("checkpoint", e);
        }
    }

    @Override
    public List<StoredObject> catalog() {
        return List.copyOf(storedCatalog);
    }

    /**
     * {@inheritDoc} Each record is checked against its checksum: a mismatch stops the start naming the object and
     * the record, or (skipping damaged records) is left out, listed, and the object's state written back whole at
     * {@link #started()}. Records the storage engine cannot read at all stop the start, or skip the object.
     */
    @Override
    public List<Map.Entry<Long, byte[]>> recordsOf(StoredObject object) {
        String what = object.spec().describe() + " '" + object.name() + "'";
        List<Map.Entry<Long, byte[]>> raw;
        consistency.readLock().lock(); // read whole, while no commit can drop a chunk under the reader
        try {
            raw = new ArrayList<>(objectMap(object.id()).entrySet());
        } catch (RuntimeException | AssertionError | OutOfMemoryError | StackOverflowError e) {
            String reason = "its records cannot be read (" + engineMessage(e) + ")";
            if (skipObject(object, reason)) {
                return null;
            }
            throw new StoreDamage("data file " + file + " is damaged: the records of " + what + " cannot be read ("
                    + engineMessage(e) + "). " + UNCHANGED + WHAT_TO_DO, e);
        } finally {
            consistency.readLock().unlock();
        }
        List<Map.Entry<Long, byte[]>> out = new ArrayList<>(raw.size());
        for (Map.Entry<Long, byte[]> e : raw) {
            byte[] value = Checksums.openRecord(object.id(), e.getKey(), e.getValue());
            if (value == null) {
                String record = "record " + e.getKey() + " of " + what;
                if (!options.skipDamagedRecords()) {
                    throw new StoreDamage("data file " + file + " is damaged: " + record + " fails its checksum. "
                            + UNCHANGED + WHAT_TO_DO);
                }
                notes.add("skipped " + record + ": it fails its checksum");
                rewrite.add(object.id());
                continue;
            }
            out.add(new AbstractMap.SimpleImmutableEntry<>(e.getKey(), value));
        }
        if (!checkSummary(object, what, raw)) {
            return null;
        }
        return out;
    }

    /**
     * Checks the records read of {@code object} against its summary: as many, with the same checksums, as were
     * written. Records the storage engine lost or gave back stale (no checksum fails) stop the start naming the
     * object, or (skipping damaged records) the object comes back with what is left and is written back whole.
     *
     * @return false if the object is skipped
     */
    private boolean checkSummary(StoredObject object, String what, List<Map.Entry<Long, byte[]>> raw) {
        RecordSummaries.Summary expected = summaries.get(object.id());
        RecordSummaries.Summary found = RecordSummaries.Summary.of(() -> raw.stream().map(Map.Entry::getValue)
                .iterator());
        String problem;
        if (expected == null) {
            problem = "the record count of " + what + " fails its checksum";
        } else if (expected.count() != found.count()) {
            problem = what + " holds " + found.count() + " of the " + expected.count() + " records it had ("
                    + (found.count() < expected.count() ? "records lost" : "records that were removed came back")
                    + " without a checksum failing: the storage engine read a damaged page as a valid one)";
        } else if (expected.sum() != found.sum() && !rewrite.contains(object.id())) {
            problem = "the records of " + what + " are not the ones last written (an older version of some came"
                    + " back without a checksum failing: the storage engine read a damaged page as a valid one)";
        } else {
            return true;
        }
        if (!options.skipDamagedRecords()) {
            throw new StoreDamage("data file " + file + " is damaged: " + problem + ". " + UNCHANGED + WHAT_TO_DO);
        }
        notes.add("restored " + what + " from the records left: " + problem);
        summaries.remove(object.id()); // written anew with the object's rewrite
        rewrite.add(object.id());
        return true;
    }

    private static <T> List<T> toList(Iterable<T> items) {
        List<T> out = new ArrayList<>();
        items.forEach(out::add);
        return out;
    }

    /**
     * Checks the catalog against its totals in the meta map: as many entries, with the same checksums, as were
     * written. Entries the storage engine lost without a checksum failing (a page read back empty) stop the start,
     * or (skipping damaged records) the catalog is taken as found and its totals written anew.
     */
    private void checkCatalogTotals() {
        long count = 0;
        long sum = 0;
        for (byte[] entry : catalog.values()) {
            count++;
            sum += Checksums.trailerOf(entry);
        }
        long[] stored = totals(CATALOG_TOTALS);
        String problem = null;
        if (stored == null) {
            problem = "the catalog's totals (meta value '" + CATALOG_TOTALS + "') are missing or fail their checksum";
        } else if (stored[0] != count) {
            problem = "the catalog lists " + count + " of the " + stored[0] + " objects it had (" + (count < stored[0]
                    ? "objects lost" : "objects that were destroyed came back") + " without a checksum failing: the"
                    + " storage engine read a damaged page as a valid one)";
        } else if (stored[1] != sum) {
            problem = "the catalog's entries are not the ones last written (an older version of some came back"
                    + " without a checksum failing)";
        }
        synchronized (catalogTotalsLock) {
            catalogCount = count;
            catalogSum = sum;
        }
        if (problem != null) {
            totalsDamaged(problem);
        }
    }

    /**
     * Checks the objects' summaries against their totals in the meta map (before the log is applied to both), so
     * that a summary lost together with its object's records is noticed: those records then read as none, and
     * none expected.
     */
    private void checkRecordTotals() {
        RecordSummaries.Summary found = summaries.recount();
        long[] stored = totals(RECORD_TOTALS);
        if (summaries.anyDamaged()) {
            return; // the object whose summary fails its checksum is named when its records are read
        }
        if (stored == null) {
            totalsDamaged("the record totals (meta value '" + RECORD_TOTALS + "') are missing or fail their"
                    + " checksum");
        } else if (stored[0] != found.count() || stored[1] != found.sum()) {
            totalsDamaged("the objects' record summaries add up to " + found.count() + " records where "
                    + stored[0] + " were written (summaries lost or stale without a checksum failing: the storage"
                    + " engine read a damaged page as a valid one)");
        }
    }

    private void totalsDamaged(String problem) {
        if (!options.skipDamagedRecords()) {
            throw new StoreDamage("data file " + file + " is damaged: " + problem + ". " + UNCHANGED + WHAT_TO_DO);
        }
        notes.add("accepted the data directory as found: " + problem);
        repairedTotals = true;
    }

    /** The sealed "count/sum" meta value {@code key}, or null if it is missing, damaged or malformed. */
    private long[] totals(String key) {
        String value = Checksums.openMeta(key, meta.get(key));
        if (value == null) {
            return null;
        }
        int slash = value.indexOf('/');
        try {
            return new long[] {Long.parseLong(value.substring(0, slash)), Long.parseLong(value.substring(slash + 1))};
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Notes that the calling thread wrote in the current version (stored +1: 0 means nothing written). */
    private void wrote() {
        written.get()[0] = store.getCurrentVersion() + 1;
    }

    @Override
    public long flush() {
        RecordLog.Batch batch = pending.get();
        if (batch.isEmpty()) {
            return -1;
        }
        byte[] entry = batch.encode();
        batch.clear();
        consistency.readLock().lock();
        try {
            checkUsable();
            long key = logTail.incrementAndGet();
            log.put(key, Checksums.sealLog(key, entry));
            wrote();
            return written.get()[0] - 1;
        } catch (RuntimeException e) {
            fail("write", e);
            throw storageFailure();
        } finally {
            consistency.readLock().unlock();
        }
    }

    @Override
    public void awaitDurable() {
        long[] mine = written.get();
        long version = mine[0] - 1;
        mine[0] = 0;
        awaitVersion(version);
    }

    @Override
    public void awaitVersion(long version) {
        if (version < 0 || !fsync.always() || durableVersion >= version && failure == null) {
            return;
        }
        boolean interrupted = false;
        if (waiting.incrementAndGet() >= recentBatch) {
            Thread leader = gatherer;
            if (leader != null) {
                LockSupport.unpark(leader); // the batch the leader waits for is complete
            }
        }
        try {
            while (true) {
                synchronized (monitor) {
                    while (true) {
                        checkUsable();
                        if (durableVersion >= version) {
                            return;
                        }
                        // a version the store has synced needs only its witness, which its leader is writing
                        if (!committing && storeSynced < version) {
                            committing = true;
                            break;
                        }
                        try {
                            monitor.wait();
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                }
                gather();
                lead();
            }
        } finally {
            waiting.decrementAndGet();
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Before a commit, waits a little (at most {@value #GATHER_MAX_MICROS} µs) for the writers the recent commits
     * served to come back with their next change, so that one sync serves them all: without it, the leader
     * commits as soon as one writer waits, and the syncs, not the writers, set the pace (like PostgreSQL's
     * commit_delay). A lone writer never waits: the recent batches were single.
     */
    private void gather() {
        int target = recentBatch;
        if (target <= 1) {
            return;
        }
        long deadline = System.nanoTime() + GATHER_MAX_MICROS * 1_000L;
        gatherer = Thread.currentThread();
        try {
            long left;
            while (waiting.get() < target && (left = deadline - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left); // the writer that completes the batch unparks this thread
            }
        } finally {
            gatherer = null;
        }
    }

    /** Commits and syncs everything written so far, as the leader of a group commit. */
    private void lead() {
        long covered = -1;
        Throwable failed = null;
        int batch = waiting.get();
        // the largest recent batch, forgotten slowly: how many writers are worth waiting for
        recentBatch = Math.max(batch, recentBatch - 1);
        long started = System.nanoTime();
        try {
            covered = commitAndSyncStore();
        } catch (RuntimeException | Error e) {
            failed = e;
        }
        synchronized (monitor) {
            // the next leader may commit and sync the store while this one writes the witness (pipelined: the
            // witness's sync of this batch overlaps the store's sync of the next)
            committing = false;
            if (failed != null) {
                failure = failed.toString();
            } else {
                storeSynced = Math.max(storeSynced, covered);
            }
            monitor.notifyAll();
        }
        if (failed != null) {
            log("commit", failed);
            return;
        }
        try {
            recordWitness(covered);
        } catch (RuntimeException | Error e) {
            failed = e;
            log("commit", e);
        }
        synchronized (monitor) {
            if (failed != null) {
                failure = failed.toString();
            } else {
                durableVersion = Math.max(durableVersion, covered); // only now is the batch answered
            }
            monitor.notifyAll();
        }
        if (failed == null) {
            observer.committed(System.nanoTime() - started, batch);
        }
    }

    /**
     * Commits and syncs every change applied so far, store and witness; returns the newest version now durable.
     * A commit that finds nothing to store leaves the current version open: only versions below it are durable.
     */
    private long commitAndSync() {
        synchronized (storeOps) {
            long committed = commitAndSyncStore();
            recordWitness(committed);
            return committed;
        }
    }

    /** Commits and syncs the store (not the witness); returns the newest version the store now holds durably. */
    private long commitAndSyncStore() {
        synchronized (storeOps) {
            long committed;
            long t0 = System.nanoTime();
            consistency.writeLock().lock(); // no change is half applied while the commit captures the maps
            long t1 = System.nanoTime();
            try {
                store.commit();
                committed = store.getCurrentVersion() - 1;
            } finally {
                consistency.writeLock().unlock();
            }
            long t2 = System.nanoTime();
            store.sync();
            long t3 = System.nanoTime();
            if (STATS) {
                stats(t1 - t0, t2 - t1, t3 - t2);
            }
            return committed;
        }
    }

    /** Records {@code version} (whose store sync is done) in the witness, before any of its writers is answered. */
    private void recordWitness(long version) {
        synchronized (witnessLock) {
            long t0 = System.nanoTime();
            try {
                if (!resetWitness) {
                    witness.record(version);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot write " + witness.file() + ": " + e, e);
            }
            if (STATS) {
                witnessStats(System.nanoTime() - t0);
            }
        }
    }

    private static final boolean STATS = Boolean.getBoolean("jmanager.store.stats");
    private static final System.Logger LOGGER = System.getLogger("io.jmanager.registry");
    private volatile RegistryObserver observer = RegistryObserver.NONE;

    @Override
    public void observe(RegistryObserver observer) {
        this.observer = observer;
    }
    private long statCommits;
    private long statLock;
    private long statCommit;
    private long statSync;
    private long statWitness;
    private long statMax;
    private long statSince = System.nanoTime();

    private synchronized void witnessStats(long witnessSync) {
        statWitness += witnessSync;
    }

    private synchronized void stats(long lock, long commit, long sync) {
        statCommits++;
        statLock += lock;
        statCommit += commit;
        statSync += sync;
        statMax = Math.max(statMax, lock + commit + sync);
        long now = System.nanoTime();
        if (now - statSince > 5_000_000_000L) {
            LOGGER.log(System.Logger.Level.INFO, String.format(java.util.Locale.ROOT, "store: %d commits/s, lock wait"
                            + " %.0f us, commit %.0f us, sync %.0f us, witness sync %.0f us, longest store commit"
                            + " %.1f ms, log %d",
                    statCommits * 1_000_000_000L / (now - statSince), statLock / 1e3 / statCommits,
                    statCommit / 1e3 / statCommits, statSync / 1e3 / statCommits, statWitness / 1e3 / statCommits,
                    statMax / 1e6, log.size()));
            statCommits = 0;
            statLock = 0;
            statCommit = 0;
            statSync = 0;
            statWitness = 0;
            statMax = 0;
            statSince = now;
        }
    }

    /**
     * Rewrites the live pages of chunks that are mostly garbage, a bounded amount at a time, so that the file
     * stays near the size of its live data; the rewritten pages are committed and synced like any write.
     */
    private void compact() {
        try {
            // in steps, each committed, with the commit step's lock released between them: a commit of the
            // group or of the interval waits for one step at most
            for (int written = 0; written < COMPACT_WRITE_BYTES; written += COMPACT_STEP_BYTES) {
                synchronized (storeOps) {
                    if (failure != null || opening || !store.compact(COMPACT_FILL_RATE, COMPACT_STEP_BYTES)) {
                        return;
                    }
                    commitAndSync();
                }
            }
        } catch (RuntimeException | AssertionError e) {
            fail("compaction", e);
        }
    }

    private static final int COMPACT_STEP_BYTES = 2 << 20;

    private void periodicSync() {
        try {
            if (failure == null && !opening && store.hasUnsavedChanges()) {
                long started = System.nanoTime();
                long covered = commitAndSync();
                observer.committed(System.nanoTime() - started, 0);
                synchronized (monitor) {
                    durableVersion = Math.max(durableVersion, covered);
                }
            }
        } catch (RuntimeException | AssertionError e) {
            fail("commit", e);
        }
    }

    /** The store failed: no more writes are accepted; one line for the operator says where and why. */
    private void fail(String during, Throwable e) {
        if (failure == null) {
            failure = e instanceof StoreDamage ? e.getMessage() : e.toString();
            log(during, e);
        }
    }

    private void log(String during, Throwable e) {
        LOGGER.log(System.Logger.Level.ERROR, "data directory " + dir + " failed during " + during + ": "
                + (e instanceof StoreDamage ? e.getMessage() : details(e)) + "; the registry refuses further"
                + " writes. Stop it, keep a copy of the directory, and restart it (a damaged directory is refused"
                + " with what to do)");
    }

    /** One line: the exception chain with the first frames of each, for the operator's log. */
    static String details(Throwable e) {
        StringBuilder out = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t != e) {
                out.append(" | caused by ");
            }
            out.append(t.getClass().getName()).append(": ").append(engineMessage(t));
            StackTraceElement[] frames = t.getStackTrace();
            for (int i = 0; i < Math.min(4, frames.length); i++) {
                out.append(i == 0 ? " at " : " < ").append(frames[i]);
            }
        }
        return out.toString();
    }

    private void checkUsable() {
        if (failure != null) {
            throw storageFailure();
        }
    }

    private IllegalStateException storageFailure() {
        return new IllegalStateException("the registry's data directory " + dir + " failed (" + failure + "):"
                + " this change and later ones may not be durable, and the registry refuses further writes."
                + " See the registry's log, fix the disk, and restart it");
    }

    @Override
    public String describe() {
        return "in data directory " + dir.toAbsolutePath() + " (fsync " + fsync + ")";
    }

    private void stopThreads() {
        syncer.shutdownNow();
        if (intervalCommitter != null) {
            // not interrupted: an interrupt inside the store's sync would close its file channel under it
            intervalCommitter.shutdown();
            try {
                intervalCommitter.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void abandon() {
        stopThreads();
        if (!store.isClosed()) {
            store.closeImmediately();
        }
        closeQuietly(witness);
    }

    @Override
    public void close() {
        stopThreads();
        try {
            if (!store.isClosed()) {
                if (opening) {
                    store.closeImmediately(); // never started: nothing of this run is written
                } else {
                    if (failure == null) {
                        try {
                            checkpoint(); // a clean stop leaves the log applied: the next start reads the maps only
                        } catch (RuntimeException | AssertionError e) {
                            // the log stays as committed: the next start applies it, or reports its damage
                        }
                    }
                    store.close();
                }
            }
        } catch (RuntimeException | AssertionError e) {
            if (!store.isClosed()) {
                store.closeImmediately(); // the file and its lock are released whatever failed; the last commit is
            }                             // on disk
        }
        closeQuietly(witness);
    }
}
