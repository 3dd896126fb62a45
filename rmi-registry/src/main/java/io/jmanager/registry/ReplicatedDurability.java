package io.jmanager.registry;

import io.jmanager.NotLeaderException;
import io.jmanager.registry.group.GroupMember;
import io.jmanager.wire.ObjectSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The durability of a registry group's leader for one term: every mutation's record changes, gathered exactly as
 * for a data directory ({@link RecordLog.Batch}), are handed to the Raft log while the object's mutex is held (so
 * log order is mutation order) and awaited after it is released; a call answers only once a majority committed
 * the entry that carries them. Mutations that finish while an earlier entry awaits its commit share the next log
 * entry ({@link EntryCoalescer}, group commit). A call that only read waits for the object's newest change to be
 * committed, then for {@link GroupMember#confirmLeadership} (Raft's read index): what it read was the newest
 * committed state.
 *
 * <p>The catalog is object {@value #CATALOG}: record {@code id} holds an object's spec and name
 * ({@code int} spec length, spec, name in UTF-8), record 0 the next object id ({@code long}). The session table is
 * object {@value #SESSIONS} (its records: {@link SessionTable}); objects write what sessions hold too
 * ({@link #replicatesHolds()}), so sessions, lock holders and fencing tokens survive a leader change.
 *
 * <p>A write that was not committed leaves the live objects ahead of the log: this durability then refuses
 * everything, and the member rebuilds its objects from the committed records ({@link GroupMember#resync}).
 */
final class ReplicatedDurability implements Durability {
    static final long CATALOG = 0;
    /** The object id of the session table's records; never an object's (ids start at 1). */
    static final long SESSIONS = -1;
    private static final long NEXT_ID = 0;
    private static final long COMMIT_TIMEOUT_SECONDS = 30;
    /**
     * Entries appended and not yet committed before further ones are coalesced ({@link EntryCoalescer}):
     * {@code -Djmanager.group.appendsInFlight=N}, default 1 (values below 1 count as 1); a very large N turns the
     * coalescing off, for comparisons (bench/group-commit.sh).
     */
    static final int APPENDS_IN_FLIGHT = Math.max(1, Integer.getInteger("jmanager.group.appendsInFlight", 1));
    /**
     * How long waiting entries may be gathered for the writers of the last round ({@link EntryCoalescer}, its
     * "gathering"): {@code -Djmanager.group.gatherMicros=N}, default 1000 µs (about a quarter of a round on a
     * loaded member; 300 µs was too short for the writers to come back, BENCHMARKS.md); 0 turns gathering off.
     */
    static final long GATHER_MICROS = Math.max(0, Long.getLong("jmanager.group.gatherMicros", 1000));
    /** The most bytes of record entries coalesced into one Raft log entry. */
    static final int COALESCED_BYTES_MAX = 1 << 20;

    private final GroupMember member;
    private final long term;
    private final Map<Long, List<Map.Entry<Long, byte[]>>> committed;
    private final ThreadLocal<RecordLog.Batch> pending = ThreadLocal.withInitial(RecordLog.Batch::new);
    /** Per thread: [0] the version of its newest flushed write not yet awaited (+1, 0 for none), [1] 1 if it wrote. */
    private final ThreadLocal<long[]> written = ThreadLocal.withInitial(() -> new long[2]);
    private final Map<Long, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final AtomicLong nextObjectId;
    private final ScheduledExecutorService drainer;
    private final EntryCoalescer appends;
    private volatile String failure;

    /**
     * @param committed the store's records when this term started serving (the live objects are rebuilt from them)
     */
    ReplicatedDurability(GroupMember member, long term, Map<Long, List<Map.Entry<Long, byte[]>>> committed) {
        this.member = member;
        this.term = term;
        this.committed = committed;
        long next = 1;
        // past every id with records too: an object whose records were committed but whose catalog entry was not
        // (its creator lost leadership in between) must not lend its leftover records to a new object
        for (long id : committed.keySet()) {
            next = Math.max(next, id + 1);
        }
        for (Map.Entry<Long, byte[]> r : committed.getOrDefault(CATALOG, List.of())) {
            if (r.getKey() == NEXT_ID) {
                next = Math.max(next, ByteBuffer.wrap(r.getValue()).getLong());
            } else {
                next = Math.max(next, r.getKey() + 1);
            }
        }
        this.nextObjectId = new AtomicLong(next);
        this.drainer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jmanager-group-appends-term-" + term);
            t.setDaemon(true);
            return t;
        });
        this.appends = new EntryCoalescer(entry -> member.submit(term, entry), drainer, APPENDS_IN_FLIGHT,
                COALESCED_BYTES_MAX, TimeUnit.MICROSECONDS.toNanos(GATHER_MICROS),
                (nanos, task) -> drainer.schedule(task, nanos, TimeUnit.NANOSECONDS));
    }

    @Override
    public boolean durable() {
        return true;
    }

    @Override
    public boolean replicatesHolds() {
        return true;
    }

    /** The session table's committed records when this term started serving, in ascending key order. */
    List<Map.Entry<Long, byte[]>> sessionRecords() {
        return committed.getOrDefault(SESSIONS, List.of());
    }

    @Override
    public long newObjectId() {
        long id = nextObjectId.getAndIncrement();
        pending.get().put(CATALOG, NEXT_ID, ByteBuffer.allocate(8).putLong(id + 1).array());
        return id;
    }

    @Override
    public Records records(long objectId) {
        return new BatchedRecords(objectId, pending);
    }

    @Override
    public synchronized void created(StoredObject object) {
        byte[] spec = object.spec().toBytes();
        byte[] name = object.name().getBytes(StandardCharsets.UTF_8);
        pending.get().put(CATALOG, object.id(),
                ByteBuffer.allocate(4 + spec.length + name.length).putInt(spec.length).put(spec).put(name).array());
        flush(); // catalog changes are ordered by the table lock the caller holds
    }

    @Override
    public synchronized void destroyed(StoredObject object) {
        pending.get().remove(CATALOG, object.id());
        pending.get().clear(object.id());
        flush();
    }

    @Override
    public List<StoredObject> catalog() {
        List<StoredObject> out = new ArrayList<>();
        for (Map.Entry<Long, byte[]> r : committed.getOrDefault(CATALOG, List.of())) {
            if (r.getKey() == NEXT_ID) {
                continue;
            }
            ByteBuffer in = ByteBuffer.wrap(r.getValue());
            byte[] spec = new byte[in.getInt()];
            in.get(spec);
            byte[] name = new byte[in.remaining()];
            in.get(name);
            out.add(new StoredObject(new String(name, StandardCharsets.UTF_8), r.getKey(),
                    ObjectSpec.fromBytes(spec)));
        }
        // conditions after the other objects: they name their lock
        out.sort(Comparator.comparing((StoredObject o) -> o.spec().type() == io.jmanager.wire.ObjectType.CONDITION)
                .thenComparingLong(StoredObject::id));
        return out;
    }

    @Override
    public List<Map.Entry<Long, byte[]>> recordsOf(StoredObject object) {
        return committed.getOrDefault(object.id(), List.of());
    }

    @Override
    public long flush() {
        RecordLog.Batch batch = pending.get();
        if (batch.isEmpty()) {
            return -1;
        }
        byte[] entry = batch.encode();
        batch.clear();
        checkServing();
        long version = versions.incrementAndGet();
        CompletableFuture<Void> done = appends.submit(entry);
        inFlight.put(version, done);
        done.whenComplete((ok, e) -> {
            if (e == null) {
                inFlight.remove(version);
            } else {
                fail(e.getMessage());
            }
        });
        long[] mine = written.get();
        mine[0] = Math.max(mine[0], version + 1);
        mine[1] = 1;
        return version;
    }

    @Override
    public void awaitVersion(long version) {
        long[] mine = written.get();
        boolean wrote = mine[1] == 1;
        mine[1] = 0;
        mine[0] = 0;
        if (version >= 0) {
            CompletableFuture<Void> done = inFlight.get(version);
            if (done != null) {
                try {
                    done.get(COMMIT_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof NotLeaderException n ? n
                            : member.notLeader("the write was not committed (" + e.getCause() + ")");
                } catch (TimeoutException e) {
                    fail("a write was not committed within " + COMMIT_TIMEOUT_SECONDS + " s");
                    throw member.notLeader("the write was not committed within " + COMMIT_TIMEOUT_SECONDS
                            + " s (no majority?); it may or may not be applied");
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw member.notLeader("interrupted while waiting for the commit");
                }
            }
        }
        checkServing();
        if (!wrote) {
            member.confirmLeadership(term);
        }
    }

    @Override
    public void awaitDurable() {
        long[] mine = written.get();
        awaitVersion(mine[0] - 1);
    }

    private void checkServing() {
        String why = failure;
        if (why != null) {
            throw member.notLeader("it stopped serving term " + term + " (" + why + ")");
        }
    }

    /** Refuses everything from now on and has the member rebuild from the committed records. */
    void fail(String why) {
        if (failure == null) {
            failure = why == null ? "a write failed" : why;
            stopAppending();
            member.resync(term);
        }
    }

    private void stopAppending() {
        String why = failure;
        appends.close(() -> member.notLeader("it stopped serving term " + term + " (" + why + ")"));
        drainer.shutdown();
    }

    @Override
    public String describe() {
        return "replicated by the registry group " + member.config().members().stream()
                .map(m -> m.id() + "=" + m.host() + ":" + m.rmiPort()).toList() + " (Raft log in "
                + member.config().dataDir().resolve("raft") + ")";
    }

    @Override
    public void abandon() {
    }

    /** The term ended: refuses everything from now on (the member already knows). */
    void retire(String why) {
        if (failure == null) {
            failure = why;
            stopAppending();
        }
    }

    @Override
    public void close() {
        retire("the registry closed");
    }
}
