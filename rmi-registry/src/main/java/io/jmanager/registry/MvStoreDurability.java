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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
    private static final long CHECKPOINT_MILLIS = 200;
    private static final String FORMAT = "jmanager-data";
    private static final String FORMAT_VERSION = "1";

    private final Path dir;
    private final FsyncPolicy fsync;
    private final MVStore store;
    private final MVMap<String, String> meta;
    private final MVMap<String, byte[]> catalog;
    private final ThreadLocal<long[]> written = ThreadLocal.withInitial(() -> new long[1]);
    /** The record changes of the calling thread's current mutation, applied together by {@link #flush()}. */
    private final ThreadLocal<RecordLog.Batch> pending = ThreadLocal.withInitial(RecordLog.Batch::new);
    /** Mutations not yet applied to the object maps, in order: what each commit writes. */
    private final MVMap<Long, byte[]> log;
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
    /** Makes every commit and its sync one step, so that no commit starts before the previous one is on disk. */
    private final Object storeOps = new Object();

    private MvStoreDurability(Path dir, FsyncPolicy fsync, MVStore store) {
        this.dir = dir;
        this.fsync = fsync;
        this.store = store;
        // Freed space may be reused at once: every commit is synced before the next one starts (storeOps), so
        // the last durable version is never overwritten, and every read of the store happens under the shared
        // lock that a commit takes exclusively, so no reader meets a dropped chunk. The default 45 s retention
        // let the file grow to several times its live data under a steady stream of commits
        store.setRetentionTime(0);
        this.meta = store.openMap(META);
        this.catalog = store.openMap(CATALOG, new MVMap.Builder<String, byte[]>()
                .valueType(ByteArrayDataType.INSTANCE));
        this.log = store.openMap(LOG, new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
        Long last = log.lastKey();
        this.logTail = new AtomicLong(last == null ? 0 : last);
        for (byte[] entry : catalog.values()) {
            liveIds.add(ByteBuffer.wrap(entry).getLong());
        }
        this.syncer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jmanager-store");
            t.setDaemon(true);
            return t;
        });
        if (!fsync.always()) {
            syncer.scheduleWithFixedDelay(this::periodicSync, fsync.intervalMillis(), fsync.intervalMillis(),
                    TimeUnit.MILLISECONDS);
        }
        syncer.scheduleWithFixedDelay(this::compact, COMPACT_PERIOD_SECONDS, COMPACT_PERIOD_SECONDS,
                TimeUnit.SECONDS);
        syncer.scheduleWithFixedDelay(this::checkpointQuietly, CHECKPOINT_MILLIS, CHECKPOINT_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /**
     * Opens (or creates) the data directory {@code dir}.
     *
     * @throws DataDirectoryException if it is not a directory, holds files that are not jmanager's, is corrupted,
     *                                was written by a newer format, or is in use by another running registry; the
     *                                directory is not modified in any of these cases
     */
    static MvStoreDurability open(Path dir, FsyncPolicy fsync) throws DataDirectoryException {
        Path file = dir.resolve(STORE_FILE);
        // an empty file is what a crash during the very first start can leave: nothing was ever stored in it
        boolean fresh = !Files.exists(file) || file.toFile().length() == 0;
        checkDirectory(dir, fresh);
        MVStore store;
        try {
            // no auto-commit: its background writer hands every commit to two executor threads (measured: 630 µs
            // per commit against 120 µs inline); and no write buffer (autoCommitDisabled leaves it at 1 MB, and a
            // put past it would commit from the writer's thread, unsynced): every commit happens here, synced
            store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().autoCommitBufferSize(0)
                    .open();
        } catch (MVStoreException e) {
            throw translateOpenFailure(dir, file, e);
        } catch (IllegalStateException | IllegalArgumentException e) {
            throw corrupted(file, e);
        }
        try {
            if (!fresh) {
                checkFormat(store, file);
            }
            MvStoreDurability durability = new MvStoreDurability(dir, fsync, store);
            if (fresh) {
                durability.meta.put("format", FORMAT);
                durability.meta.put("formatVersion", FORMAT_VERSION);
                durability.meta.put("created", Instant.now().toString());
                durability.meta.put("nextObjectId", "1");
                store.commit();
                store.sync();
            }
            durability.checkpoint(); // the log's changes into the object maps, before they are read
            durability.writeOwner();
            return durability;
        } catch (DataDirectoryException e) {
            store.closeImmediately();
            throw e;
        } catch (RuntimeException e) {
            store.closeImmediately();
            throw corrupted(file, e);
        }
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
        if (!FORMAT_VERSION.equals(meta.get("formatVersion"))) {
            throw new DataDirectoryException(file + " was written in jmanager data format "
                    + meta.get("formatVersion") + "; this registry reads format " + FORMAT_VERSION + ". Nothing was"
                    + " changed; run the registry version that wrote it, or export and import the state");
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

    private static DataDirectoryException corrupted(Path file, Exception e) {
        return new DataDirectoryException("data file " + file + " is corrupted or unreadable (" + e.getMessage()
                + "). The registry did not start and did not modify it. Keep a copy, then restore a backup"
                + " (worker.jar import) into a new --data-dir", e);
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
    public long newObjectId() {
        synchronized (meta) {
            long id = Long.parseLong(meta.getOrDefault("nextObjectId", "1"));
            applied(() -> meta.put("nextObjectId", Long.toString(id + 1)));
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
        return new LoggedRecords(objectId);
    }

    private MVMap<Long, byte[]> objectMap(long objectId) {
        return store.openMap("o." + objectId, new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    @Override
    public void created(StoredObject object) {
        byte[] spec = object.spec().toBytes();
        byte[] entry = ByteBuffer.allocate(8 + spec.length).putLong(object.id()).put(spec).array();
        liveIds.add(object.id());
        applied(() -> catalog.put(object.name(), entry));
    }

    @Override
    public void destroyed(StoredObject object) {
        synchronized (checkpointLock) { // not while the checkpoint writes into its map
            liveIds.remove(object.id());
            applied(() -> {
                catalog.remove(object.name());
                store.removeMap(objectMap(object.id()));
            });
        }
    }

    /**
     * Applies the log to the object maps and removes the applied entries, so that the log stays short and each
     * commit writes little (the log's tail) while the maps' pages are rewritten once per checkpoint, not once
     * per commit. Runs every {@value #CHECKPOINT_MILLIS} ms and at start-up, before the objects are restored.
     *
     * <p>It holds the shared lock throughout, so no commit captures it half way (and none drops a chunk it
     * reads: freed space is reused at once). Flushes go on meanwhile, appending behind the entries it applies.
     * Applying an entry twice would be harmless anyway: every record change is a blind write (set, remove, clear).
     */
    void checkpoint() {
        synchronized (checkpointLock) {
            consistency.readLock().lock(); // no commit may drop a chunk this reads
            try {
                Long last = log.lastKey();
                if (last == null) {
                    return;
                }
                List<Long> applied = new ArrayList<>();
                for (Map.Entry<Long, byte[]> e : log.entrySet()) {
                    if (e.getKey() > last) {
                        break;
                    }
                    RecordLog.apply(e.getValue(), (id, change) -> {
                        if (liveIds.contains(id)) {
                            change.accept(objectMap(id));
                        }
                    });
                    applied.add(e.getKey());
                }
                for (long key : applied) {
                    log.remove(key);
                }
            } finally {
                consistency.readLock().unlock();
            }
        }
    }

    private void checkpointQuietly() {
        try {
            if (failure == null) {
                checkpoint();
            }
        } catch (RuntimeException e) {
            failure = e.toString();
        }
    }

    @Override
    public List<StoredObject> catalog() {
        List<StoredObject> out = new ArrayList<>();
        List<Map.Entry<String, byte[]>> entries;
        consistency.readLock().lock();
        try {
            entries = new ArrayList<>(catalog.entrySet());
        } finally {
            consistency.readLock().unlock();
        }
        for (Map.Entry<String, byte[]> e : entries) {
            ByteBuffer record = ByteBuffer.wrap(e.getValue());
            long id = record.getLong();
            ObjectSpec spec = ObjectSpec.fromBytes(Arrays.copyOfRange(e.getValue(), 8, e.getValue().length));
            out.add(new StoredObject(e.getKey(), id, spec));
        }
        out.sort(Comparator.comparing((StoredObject o) -> o.spec().type() == ObjectType.CONDITION)
                .thenComparing(StoredObject::name));
        return out;
    }

    @Override
    public List<Map.Entry<Long, byte[]>> recordsOf(long objectId) {
        consistency.readLock().lock(); // read whole, while no commit can drop a chunk under the reader
        try {
            return new ArrayList<>(objectMap(objectId).entrySet());
        } finally {
            consistency.readLock().unlock();
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
            log.put(logTail.incrementAndGet(), entry);
            wrote();
            return written.get()[0] - 1;
        } catch (RuntimeException e) {
            failure = e.toString();
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
                        if (!committing) {
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
        String failed = null;
        int batch = waiting.get();
        // the largest recent batch, forgotten slowly: how many writers are worth waiting for
        recentBatch = Math.max(batch, recentBatch - 1);
        try {
            covered = commitAndSync();
        } catch (RuntimeException | Error e) {
            failed = e.toString();
        }
        synchronized (monitor) {
            committing = false;
            if (failed != null) {
                failure = failed;
            } else {
                durableVersion = Math.max(durableVersion, covered);
            }
            monitor.notifyAll();
        }
    }

    /**
     * Commits and syncs every change applied so far; returns the newest version now durable. A commit that finds
     * nothing to store leaves the current version open: only versions below it are durable.
     */
    private long commitAndSync() {
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

    private static final boolean STATS = Boolean.getBoolean("jmanager.store.stats");
    private long statCommits;
    private long statLock;
    private long statCommit;
    private long statSync;
    private long statSince = System.nanoTime();

    private void stats(long lock, long commit, long sync) {
        statCommits++;
        statLock += lock;
        statCommit += commit;
        statSync += sync;
        long now = System.nanoTime();
        if (now - statSince > 5_000_000_000L) {
            System.err.printf("store: %d commits/s, lock wait %.0f us, commit %.0f us, sync %.0f us, log %d%n",
                    statCommits * 1_000_000_000L / (now - statSince), statLock / 1e3 / statCommits,
                    statCommit / 1e3 / statCommits, statSync / 1e3 / statCommits, log.size());
            statCommits = 0;
            statLock = 0;
            statCommit = 0;
            statSync = 0;
            statSince = now;
        }
    }

    /**
     * Rewrites the live pages of chunks that are mostly garbage, a bounded amount at a time, so that the file
     * stays near the size of its live data; the rewritten pages are committed and synced like any write.
     */
    private void compact() {
        try {
            synchronized (storeOps) {
                if (failure == null && store.compact(COMPACT_FILL_RATE, COMPACT_WRITE_BYTES)) {
                    commitAndSync();
                }
            }
        } catch (RuntimeException e) {
            failure = e.toString();
        }
    }

    private void periodicSync() {
        try {
            if (store.hasUnsavedChanges()) {
                commitAndSync();
            }
        } catch (RuntimeException e) {
            failure = e.toString();
        }
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

    @Override
    public void abandon() {
        syncer.shutdownNow();
        if (!store.isClosed()) {
            store.closeImmediately();
        }
    }

    @Override
    public void close() {
        syncer.shutdownNow();
        try {
            if (!store.isClosed()) {
                store.close();
            }
        } catch (RuntimeException e) {
            // the store is closed (or failed) either way; the last commit is on disk
        }
    }

    /** One object's records: its changes go to the log with the mutation's other changes. */
    private final class LoggedRecords implements Records {
        private final long objectId;

        LoggedRecords(long objectId) {
            this.objectId = objectId;
        }

        @Override
        public boolean durable() {
            return true;
        }

        @Override
        public void put(long key, byte[] value) {
            pending.get().put(objectId, key, value);
        }

        @Override
        public void remove(long key) {
            pending.get().remove(objectId, key);
        }

        @Override
        public void clear() {
            pending.get().clear(objectId);
        }
    }
}
