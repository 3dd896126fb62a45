package io.jmanager.registry;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.ObjectTypeMismatchException;
import io.jmanager.wire.BatchCodec;
import io.jmanager.wire.BatchOp;
import io.jmanager.wire.ObjectHandle;
import io.jmanager.wire.ObjectInfo;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteManager;
import io.jmanager.wire.SessionGrant;
import java.rmi.NoSuchObjectException;
import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.Registry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry's root object: sessions and the table of named objects. Each object is exported as its own remote
 * object on the registry's port and bound in the RMI registry under its name, so plain RMI clients can look it up.
 * Creation and destruction are serialized on the table; object calls never touch it.
 */
final class ManagerService implements RemoteManager {
    private record Entry(long id, ObjectSpec spec, GuardedObject object, Remote stub) {
    }

    private final Map<String, Entry> objects = new ConcurrentHashMap<>();
    private final Object tableLock = new Object();
    private final RegistryContext context;
    /** Times batched operations like single calls when the observer times operations ({@code --http}); else null. */
    private final BatchTimers batchTimers;
    private final Exporter exporter;
    private final Registry rmiRegistry;
    private final long epoch;
    private final long defaultLeaseMillis;
    private long maxLeaseMillis = Long.MAX_VALUE;
    private long maxCallBytes;
    private final int maxObjects;
    private final Durability durability;
    private final StateTransfers transfers;
    /** The types a registry group replicates; null for a single registry (every type). */
    private java.util.Set<ObjectType> replicatedTypes;

    /** Exports and unexports objects on the registry's port with its socket factories and filter. */
    interface Exporter {
        Remote export(Remote object) throws RemoteException;

        void unexport(Remote object);
    }

    ManagerService(RegistryContext context, Exporter exporter, Registry rmiRegistry, long epoch,
                   long defaultLeaseMillis) {
        this(context, exporter, rmiRegistry, epoch, defaultLeaseMillis, Integer.MAX_VALUE);
    }

    /** A service that holds at most {@code maxObjects} shared objects ({@code --max-objects}). */
    ManagerService(RegistryContext context, Exporter exporter, Registry rmiRegistry, long epoch,
                   long defaultLeaseMillis, int maxObjects) {
        this(context, exporter, rmiRegistry, epoch, defaultLeaseMillis, maxObjects, Durability.IN_MEMORY);
    }

    /** A service that keeps its objects in {@code durability}. */
    ManagerService(RegistryContext context, Exporter exporter, Registry rmiRegistry, long epoch,
                   long defaultLeaseMillis, int maxObjects, Durability durability) {
        this.durability = durability;
        this.transfers = new StateTransfers(context.memory());
        this.maxObjects = maxObjects;
        this.context = context;
        this.exporter = exporter;
        this.rmiRegistry = rmiRegistry;
        this.epoch = epoch;
        this.defaultLeaseMillis = defaultLeaseMillis;
        this.batchTimers = context.observer().timesOperations() ? new BatchTimers(context.observer()) : null;
    }

    /** Caps the leases that {@link #openSession} grants ({@code --max-lease}). Call before the service is shared. */
    /** Tells workers, in their grant, the most bytes one call may carry ({@code --max-call-bytes}). */
    ManagerService withMaxCallBytes(long bytes) {
        this.maxCallBytes = bytes;
        return this;
    }

    ManagerService withMaxLease(long millis) {
        this.maxLeaseMillis = millis;
        return this;
    }

    /**
     * Creates only objects of {@code types} (a registry group replicates those); others are refused naming their
     * type. Call before the service is shared.
     */
    ManagerService onlyReplicated(java.util.Set<ObjectType> types) {
        this.replicatedTypes = java.util.Set.copyOf(types);
        return this;
    }

    /** Releases what an ended session held in every object. */
    void sessionEnded(long session, SessionEnd how) {
        transfers.sessionEnded(session);
        for (Entry e : objects.values()) {
            e.object().endSession(session, how);
        }
    }

    @Override
    public SessionGrant openSession(String clientHost, long clientPid, long requestedLeaseMillis) {
        // a longer request gets the maximum; the grant says which lease the worker must renew within
        long lease = Math.min(requestedLeaseMillis > 0 ? requestedLeaseMillis : defaultLeaseMillis, maxLeaseMillis);
        SessionTable.Session s = context.sessions().open(clientHost, clientPid,
                GuardedObject.millisToNanos(lease));
        return new SessionGrant(s.id, epoch, lease, context.maxValueBytes(), RegistryVersion.get(),
                durability.durable(), maxCallBytes, context.maxBatchItems());
    }

    @Override
    public long renewSession(long sessionId) {
        context.sessions().renew(sessionId);
        return epoch;
    }

    @Override
    public void closeSession(long sessionId) {
        context.sessions().close(sessionId);
    }

    @Override
    public ObjectHandle getOrCreate(long sessionId, String name, ObjectSpec spec) throws RemoteException {
        ObjectFactory.checkName(name);
        if (spec == null) {
            throw new IllegalArgumentException("null spec for '" + name + "'");
        }
        checkReplicated(name, spec);
        Entry existing = objects.get(name);
        if (existing == null) {
            ObjectHandle created = null;
            synchronized (tableLock) {
                existing = objects.get(name);
                if (existing == null) {
                    created = handle(name, create(name, spec));
                }
            }
            if (created != null) {
                durability.awaitDurable();
                return created;
            }
        }
        ObjectFactory.checkCompatible(name, existing.spec(), spec);
        return handle(name, existing);
    }

    /** In a registry group: refuses a type that the group does not replicate yet, naming it. */
    private void checkReplicated(String name, ObjectSpec spec) {
        if (replicatedTypes != null && !replicatedTypes.contains(spec.type())) {
            throw new UnsupportedOperationException("this registry group does not replicate " + spec.type()
                    + " objects yet, so " + spec.type() + " '" + name + "' was not created (a group replicates "
                    + replicatedTypes.stream().map(ObjectType::displayName).sorted().toList() + "; see"
                    + " docs/group.md). Use a single registry (no --group) for " + spec.type() + " objects");
        }
    }

    private Entry create(String name, ObjectSpec spec) throws RemoteException {
        int needed = spec.type() == ObjectType.CONDITION && !objects.containsKey(spec.linkedName()) ? 2 : 1;
        if (objects.size() + needed > maxObjects) {
            throw new io.jmanager.RegistryLimitException("the registry holds " + objects.size() + " shared objects"
                    + " and its limit is " + maxObjects + " (--max-objects); '" + name + "' was not created. Destroy"
                    + " objects you no longer need, or start the registry with a larger --max-objects");
        }
        LockObject lock = null;
        if (spec.type() == ObjectType.CONDITION) {
            String lockName = spec.linkedName();
            ObjectFactory.checkName(lockName);
            if (lockName.equals(name)) {
                throw new IllegalArgumentException("condition '" + name + "' cannot be its own lock: bind it to a"
                        + " lock or rlock of another name");
            }
            Entry lockEntry = objects.get(lockName);
            if (lockEntry == null) {
                lockEntry = create(lockName, ObjectSpec.of(ObjectType.RLOCK));
            } else if (!lockEntry.spec().type().isLock()) {
                throw new io.jmanager.ObjectTypeMismatchException("condition '" + name + "' needs a lock or rlock,"
                        + " but '" + lockName + "' is a " + lockEntry.spec().type());
            }
            lock = (LockObject) lockEntry.object();
        }
        GuardedObject object = ObjectFactory.create(name, spec, context, lock);
        long id = durability.newObjectId();
        object.attach(durability.records(id), durability);
        Entry entry = share(name, id, spec, object);
        durability.created(new Durability.StoredObject(name, id, spec));
        return entry;
    }

    /** Exports and binds an object that is ready (created, or restored). Call with the table lock held. */
    private Entry share(String name, long id, ObjectSpec spec, GuardedObject object) throws RemoteException {
        Remote stub = exporter.export((Remote) object);
        Entry entry = new Entry(id, spec, object, stub);
        objects.put(name, entry);
        try {
            rmiRegistry.rebind(name, stub);
        } catch (RemoteException e) {
            objects.remove(name);
            exporter.unexport((Remote) object);
            object.destroy(); // gives back its memory
            throw e;
        }
        return entry;
    }

    /**
     * Rebuilds every object of the data directory's catalog from its records and shares it (start-up). An object
     * whose records cannot be read stops the start-up.
     *
     * @return how many objects and records were restored
     * @throws IllegalArgumentException naming the object whose records are malformed
     */
    long[] restoreAll() throws RemoteException {
        long records = 0;
        synchronized (tableLock) {
            for (Durability.StoredObject stored : durability.catalog()) {
                LockObject lock = null;
                if (stored.spec().type() == ObjectType.CONDITION) {
                    // destroying a lock destroys its conditions, so a condition's lock is always restored before it
                    Entry lockEntry = objects.get(stored.spec().linkedName());
                    if (lockEntry == null || !(lockEntry.object() instanceof LockObject l)) {
                        String reason = "it names lock '" + stored.spec().linkedName() + "', which the data"
                                + " directory does not hold as a lock";
                        if (durability.skipObject(stored, reason)) {
                            continue;
                        }
                        throw new IllegalArgumentException("condition '" + stored.name() + "' names lock '"
                                + stored.spec().linkedName() + "', which the data directory does not hold as a lock");
                    }
                    lock = l;
                }
                List<Map.Entry<Long, byte[]>> stateRecords = durability.recordsOf(stored);
                if (stateRecords == null) {
                    continue; // unreadable, and skipped (listed by the durability)
                }
                GuardedObject object;
                try {
                    object = rebuild(stored.name(), stored.spec(), lock, stateRecords, "", "");
                } catch (IllegalArgumentException e) {
                    if (durability.skipObject(stored, "it cannot be rebuilt from its remaining records ("
                            + e.getMessage() + ")")) {
                        continue;
                    }
                    throw e;
                }
                records += stateRecords.size();
                Records sink = durability.records(stored.id());
                object.attach(sink, durability);
                if (durability.needsRewrite(stored.id())) {
                    // some records were skipped: the state rebuilt without them replaces them all
                    sink.clear();
                    object.mutex.lock();
                    try {
                        object.writeState(sink);
                        durability.flush();
                    } finally {
                        object.mutex.unlock();
                    }
                }
                share(stored.name(), stored.id(), stored.spec(), object);
            }
            durability.started();
            return new long[] {objects.size(), records};
        }
    }

    /**
     * Creates an object from its spec and restores its records; a malformed record fails with a message naming the
     * object, where it came from ({@code source}) and what followed ({@code consequence}).
     */
    private GuardedObject rebuild(String name, ObjectSpec spec, LockObject lock,
                                  List<Map.Entry<Long, byte[]>> stateRecords, String source, String consequence) {
        GuardedObject object = ObjectFactory.create(name, spec, context, lock);
        try {
            object.restore(stateRecords);
        } catch (io.jmanager.RegistryLimitException e) {
            object.destroy(); // gives back what it was charged
            throw new io.jmanager.RegistryLimitException(spec.describe() + " '" + name + "'" + source + ": "
                    + e.getMessage() + consequence);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(spec.describe() + " '" + name + "'" + source + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()) + consequence, e);
        }
        return object;
    }

    private static ObjectHandle handle(String name, Entry entry) {
        return new ObjectHandle(name, entry.spec(), entry.stub());
    }

    @Override
    public byte[] batch(long sessionId, byte[] request) {
        List<BatchCodec.Call> calls = BatchCodec.decodeCalls(request, context.maxBatchItems());
        return BatchCodec.encodeOutcomes(BatchRunner.run(calls, sessionId, this::batchTarget, durability,
                batchTimers));
    }

    private GuardedObject batchTarget(String name, BatchOp op) {
        Entry entry = existing(name);
        if (!op.appliesTo(entry.spec().type())) {
            throw new ObjectTypeMismatchException("'" + name + "' is a " + entry.spec().type() + ", not an object "
                    + op + " applies to");
        }
        return entry.object();
    }

    @Override
    public ObjectHandle lookup(String name) {
        return handle(name, existing(name));
    }

    /** The object named {@code name}; throws if there is none. */
    private Entry existing(String name) {
        Entry entry = objects.get(name);
        if (entry == null) {
            throw new NoSuchSharedObjectException("no shared object named '" + name + "' in this registry"
                    + " (never created, or destroyed)");
        }
        return entry;
    }

    @Override
    public ObjectInfo[] list() {
        List<ObjectInfo> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : objects.entrySet()) {
            out.add(new ObjectInfo(e.getKey(), e.getValue().spec(), e.getValue().object().summaryLocked()));
        }
        out.sort(Comparator.comparing(ObjectInfo::name));
        return out.toArray(new ObjectInfo[0]);
    }

    /** Every object with its summary and its waiters now, by name (status page). */
    List<ObjectStatus> objectStatuses() {
        List<ObjectStatus> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : objects.entrySet()) {
            GuardedObject object = e.getValue().object();
            out.add(new ObjectStatus(e.getKey(), e.getValue().spec().type(), object.summaryLocked(),
                    object.waitingLocked()));
        }
        out.sort(Comparator.comparing(ObjectStatus::name));
        return out;
    }

    /** What each open session holds now, across every object, by session (status page). */
    Map<Long, List<String>> holdings() {
        Map<Long, List<String>> out = new java.util.TreeMap<>();
        List<Map.Entry<String, Entry>> entries = new ArrayList<>(objects.entrySet());
        entries.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, Entry> e : entries) {
            e.getValue().object().holdingsLocked().forEach((session, what) ->
                    out.computeIfAbsent(session, k -> new ArrayList<>()).add(what));
        }
        return out;
    }

    /** What each open session waits on now ({@code "lock 'report'"}, {@code "queue 'tasks'"}), by session. */
    Map<Long, List<String>> waits() {
        Map<Long, List<String>> out = new java.util.TreeMap<>();
        List<Map.Entry<String, Entry>> entries = new ArrayList<>(objects.entrySet());
        entries.sort(Map.Entry.comparingByKey());
        for (Map.Entry<String, Entry> e : entries) {
            String what = e.getValue().spec().type().name().toLowerCase(java.util.Locale.ROOT) + " '" + e.getKey()
                    + "'";
            for (long session : e.getValue().object().waitingSessionsLocked()) {
                out.computeIfAbsent(session, k -> new ArrayList<>()).add(what);
            }
        }
        return out;
    }

    /** How many objects the registry holds now. */
    int objectCount() {
        return objects.size();
    }

    /**
     * {@inheritDoc} Destroying a lock or rlock also destroys the conditions bound to it: they cannot work without
     * it, and its name may then be reused for an object of another type.
     */
    @Override
    public boolean destroy(String name) {
        synchronized (tableLock) {
            Entry entry = objects.get(name);
            if (entry == null) {
                return false;
            }
            if (entry.spec().type().isLock()) {
                for (Map.Entry<String, Entry> e : List.copyOf(objects.entrySet())) {
                    if (e.getValue().spec().type() == ObjectType.CONDITION
                            && name.equals(e.getValue().spec().linkedName())) {
                        remove(e.getKey(), e.getValue());
                    }
                }
            }
            remove(name, entry);
        }
        durability.awaitDurable();
        return true;
    }

    /** Unbinds, destroys and forgets one object. Call with the table lock held. */
    private void remove(String name, Entry entry) {
        objects.remove(name);
        try {
            rmiRegistry.unbind(name);
        } catch (NotBoundException | RemoteException e) {
            // already unbound: nothing to do
        }
        entry.object().destroy();
        exporter.unexport((Remote) entry.object());
        durability.destroyed(new Durability.StoredObject(name, entry.id(), entry.spec()));
    }

    @Override
    public long epoch() {
        return epoch;
    }

    @Override
    public io.jmanager.wire.SessionInfo[] sessions() {
        long now = System.nanoTime();
        return context.sessions().snapshot().stream()
                .sorted(Comparator.comparingLong(s -> s.id))
                .map(s -> new io.jmanager.wire.SessionInfo(s.id, s.host, s.pid, s.leaseNanos / 1_000_000,
                        (now - s.renewedNanos) / 1_000_000, s.openedMillis, s.liveness != null))
                .toArray(io.jmanager.wire.SessionInfo[]::new);
    }

    @Override
    public long[] memory() {
        return new long[] {context.memory().used(), context.memory().limit()};
    }

    @Override
    public io.jmanager.wire.LockInfo[] locks() {
        List<io.jmanager.wire.LockInfo> out = new ArrayList<>();
        for (Entry e : objects.values()) {
            if (e.object() instanceof LockObject lock) {
                out.add(lock.info());
            }
        }
        out.sort(Comparator.comparing(io.jmanager.wire.LockInfo::name));
        return out.toArray(new io.jmanager.wire.LockInfo[0]);
    }

    /** The lock or rlock named {@code name}, for fenced writes. */
    LockObject lock(String name) {
        Entry entry = objects.get(name);
        if (entry == null) {
            throw new NoSuchSharedObjectException("no lock named '" + name + "' in this registry: a fenced write"
                    + " names the lock whose token it carries");
        }
        if (!(entry.object() instanceof LockObject lock)) {
            throw new io.jmanager.ObjectTypeMismatchException("'" + name + "' is a " + entry.spec().type()
                    + ", not a lock or rlock: a fenced write names the lock whose token it carries");
        }
        return lock;
    }

    @Override
    public boolean killSession(long sessionId) {
        return context.sessions().kill(sessionId);
    }

    /**
     * A registry group's leader starts its term: its session table holds the committed sessions, each lease started
     * afresh (docs/group.md). Then every hold of a session the table does not hold is released (a session's end is
     * written after its objects' releases, so this finds nothing unless the log says otherwise). Call after
     * {@link #restoreAll()}, before the service is shared.
     */
    void restoreSessions(ReplicatedDurability replicated) {
        SessionTable table = context.sessions();
        table.replicate(replicated.sessionRecords(), replicated.records(ReplicatedDurability.SESSIONS), replicated);
        java.util.Set<Long> open = new java.util.HashSet<>();
        table.snapshot().forEach(s -> open.add(s.id));
        for (long holder : holdings().keySet()) {
            if (!open.contains(holder)) {
                sessionEnded(holder, SessionEnd.EXPIRED);
            }
        }
    }

    /**
     * Unbinds, unexports and destroys every object, and forgets the sessions without ending them: a group member
     * that stopped serving its term. Calls still running on its objects (waits woken by it) fail with
     * {@code refusal}: the worker library then follows the new leader (a wait slice is sent again there), where a
     * destroyed object's error would have told it the object was gone.
     */
    void retire(java.util.function.Supplier<RuntimeException> refusal) {
        context.sessions().retire();
        synchronized (tableLock) {
            for (String name : objects.keySet()) {
                try {
                    rmiRegistry.unbind(name);
                } catch (NotBoundException | RemoteException e) {
                    // already unbound
                }
            }
            retireAll(refusal);
        }
    }

    /** Unexports and destroys every object (a start that failed: nobody called them yet). */
    void unexportAll() {
        for (Entry e : objects.values()) {
            e.object().destroy();
            exporter.unexport((Remote) e.object());
        }
        objects.clear();
    }

    /**
     * Unexports and destroys every object when the registry stops: a call that reached an object before it was
     * unexported, or waits in it, fails with {@code refusal} (the registry is unavailable) instead of telling the
     * worker its object was destroyed, which only a {@code destroy} may say.
     */
    void retireAll(java.util.function.Supplier<RuntimeException> refusal) {
        for (Entry e : objects.values()) {
            e.object().retire(refusal);
            exporter.unexport((Remote) e.object());
        }
        objects.clear();
    }

    static void unexportQuietly(Remote object) {
        try {
            java.rmi.server.UnicastRemoteObject.unexportObject(object, true);
        } catch (NoSuchObjectException e) {
            // not exported: nothing to do
        }
    }

    @Override
    public long[] beginExport(long sessionId) {
        context.sessions().check(sessionId);
        List<Map.Entry<String, Entry>> entries = new ArrayList<>(objects.entrySet());
        entries.sort(ARCHIVE_ORDER);
        // the snapshot holds about what the objects hold: charged before it is taken
        long charge = 0;
        for (Map.Entry<String, Entry> e : entries) {
            charge += e.getValue().object().charged();
        }
        transfers.chargeExport(charge);
        try {
            return beginExport(sessionId, entries, charge);
        } catch (RuntimeException | Error e) {
            transfers.releaseExport(charge);
            throw e;
        }
    }

    private long[] beginExport(long sessionId, List<Map.Entry<String, Entry>> entries, long charge) {
        List<StateArchive.ArchivedObject> snapshot = new ArrayList<>();
        long records = 0;
        for (Map.Entry<String, Entry> e : entries) {
            List<Map.Entry<Long, byte[]>> list = new ArrayList<>();
            GuardedObject object = e.getValue().object();
            object.mutex.lock();
            try {
                object.writeState((key, value) -> list.add(new java.util.AbstractMap.SimpleImmutableEntry<>(key,
                        value)));
            } finally {
                object.mutex.unlock();
            }
            snapshot.add(new StateArchive.ArchivedObject(e.getKey(), e.getValue().spec(), list));
            records += list.size();
        }
        return new long[] {transfers.beginExport(sessionId, snapshot, charge), snapshot.size(), records};
    }

    /** Conditions after every other object (they name their lock), then by name. */
    private static final Comparator<Map.Entry<String, Entry>> ARCHIVE_ORDER =
            Comparator.comparing((Map.Entry<String, Entry> e) -> e.getValue().spec().type() == ObjectType.CONDITION)
                    .thenComparing(Map.Entry::getKey);

    @Override
    public byte[] exportPage(long sessionId, long exportId) {
        context.sessions().check(sessionId);
        return transfers.exportPage(sessionId, exportId);
    }

    @Override
    public long beginImport(long sessionId) {
        context.sessions().check(sessionId);
        if (replicatedTypes != null) {
            throw new UnsupportedOperationException("import into a registry group is not built yet (docs/group.md):"
                    + " import into a single registry");
        }
        checkEmptyForImport();
        return transfers.beginImport(sessionId);
    }

    @Override
    public void importChunk(long sessionId, long importId, byte[] chunk) {
        context.sessions().check(sessionId);
        transfers.importChunk(sessionId, importId, chunk);
    }

    @Override
    public long[] finishImport(long sessionId, long importId) throws RemoteException {
        context.sessions().check(sessionId);
        byte[] file = transfers.takeImport(sessionId, importId);
        List<StateArchive.ArchivedObject> archived = StateArchive.read(new java.io.ByteArrayInputStream(file),
                2 * context.maxValueBytes() + 64);
        long records = 0;
        synchronized (tableLock) {
            checkEmptyForImport();
            if (archived.size() > maxObjects) {
                throw new io.jmanager.RegistryLimitException("the export file holds " + archived.size()
                        + " objects and this registry's limit is " + maxObjects + " (--max-objects); nothing was"
                        + " imported");
            }
            // build and check every object before sharing any: a bad file imports nothing
            Map<String, GuardedObject> built = new java.util.LinkedHashMap<>();
            try {
                buildImport(archived, built);
            } catch (RuntimeException e) {
                built.values().forEach(GuardedObject::destroy); // gives back the memory they were charged
                throw e;
            }
            for (StateArchive.ArchivedObject a : archived) {
                records += a.records().size();
            }
            int i = 0;
            for (GuardedObject object : built.values()) {
                StateArchive.ArchivedObject a = archived.get(i++);
                long id = durability.newObjectId();
                Records stored = durability.records(id);
                object.attach(stored, durability);
                if (stored.durable()) {
                    a.records().forEach(r -> stored.put(r.getKey(), r.getValue()));
                    durability.flush(); // before the object is shared: a worker's first change must come after
                }
                share(a.name(), id, a.spec(), object);
                durability.created(new Durability.StoredObject(a.name(), id, a.spec()));
            }
        }
        durability.awaitDurable();
        return new long[] {archived.size(), records};
    }

    /** Builds and checks every object of an import file into {@code built}, in the file's order. */
    private void buildImport(List<StateArchive.ArchivedObject> archived, Map<String, GuardedObject> built) {
        for (StateArchive.ArchivedObject a : archived) {
            ObjectFactory.checkName(a.name());
            if (built.containsKey(a.name())) {
                throw new IllegalArgumentException("the export file holds '" + a.name() + "' twice; nothing"
                        + " was imported");
            }
            LockObject lock = null;
            if (a.spec().type() == ObjectType.CONDITION) {
                if (!(built.get(a.spec().linkedName()) instanceof LockObject l)) {
                    throw new IllegalArgumentException("condition '" + a.name() + "' of the export file names"
                            + " lock '" + a.spec().linkedName() + "', which the file does not hold before it;"
                            + " nothing was imported");
                }
                lock = l;
            }
            built.put(a.name(), rebuild(a.name(), a.spec(), lock, a.records(), " of the export file",
                    "; nothing was imported"));
        }
    }

    private void checkEmptyForImport() {
        if (!objects.isEmpty()) {
            throw new IllegalStateException("import needs an empty registry, and this one holds " + objects.size()
                    + " objects; nothing was imported. Import into a new registry (or a new --data-dir), or"
                    + " destroy its objects first");
        }
    }
}
