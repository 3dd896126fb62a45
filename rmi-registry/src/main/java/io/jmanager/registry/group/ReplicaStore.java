package io.jmanager.registry.group;

import io.jmanager.registry.RecordLog;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The committed state of a group member: every object's records, as the committed Raft log entries wrote them,
 * applied in log order by {@link RecordStateMachine}. Object id 0 is the catalog (see
 * {@code io.jmanager.registry.ReplicatedDurability}). The leader rebuilds its live objects from here when it starts
 * to serve; followers only keep it current. Thread-safe.
 */
public final class ReplicaStore {
    private Map<Long, TreeMap<Long, byte[]>> objects = new HashMap<>();

    /**
     * Applies one {@link RecordLog} entry, all its changes or none.
     *
     * @throws IllegalArgumentException if the entry is malformed (nothing was applied)
     */
    public synchronized void apply(byte[] recordEntry) {
        // decoded whole before anything is applied: a malformed entry changes nothing
        List<Runnable> changes = new ArrayList<>();
        RecordLog.apply(recordEntry, new RecordLog.Target() {
            @Override
            public void put(long objectId, long key, byte[] value) {
                changes.add(() -> objects.computeIfAbsent(objectId, id -> new TreeMap<>()).put(key, value));
            }

            @Override
            public void remove(long objectId, long key) {
                changes.add(() -> {
                    TreeMap<Long, byte[]> records = objects.get(objectId);
                    if (records != null) {
                        records.remove(key);
                    }
                });
            }

            @Override
            public void clear(long objectId) {
                changes.add(() -> objects.remove(objectId));
            }
        });
        for (Runnable change : changes) {
            change.run();
        }
    }

    /** A copy of every object's records in ascending key order, by object id. */
    public synchronized Map<Long, List<Map.Entry<Long, byte[]>>> copy() {
        Map<Long, List<Map.Entry<Long, byte[]>>> out = new HashMap<>();
        for (Map.Entry<Long, TreeMap<Long, byte[]>> o : objects.entrySet()) {
            List<Map.Entry<Long, byte[]>> records = new ArrayList<>(o.getValue().size());
            for (Map.Entry<Long, byte[]> r : o.getValue().entrySet()) {
                records.add(new AbstractMap.SimpleImmutableEntry<>(r.getKey(), r.getValue()));
            }
            out.put(o.getKey(), records);
        }
        return out;
    }

    /** Record {@code key} of object {@code objectId}, or null. */
    public synchronized byte[] record(long objectId, long key) {
        TreeMap<Long, byte[]> records = objects.get(objectId);
        return records == null ? null : records.get(key);
    }

    /** Takes every record out of this store (which is left empty). */
    synchronized Map<Long, TreeMap<Long, byte[]>> detach() {
        Map<Long, TreeMap<Long, byte[]>> out = objects;
        objects = new HashMap<>();
        return out;
    }

    /**
     * Writes this store as the state after log entry ({@code term}, {@code index}) to the snapshot file
     * {@code file} ({@link StoreSnapshot}); the caller applies no entry meanwhile.
     */
    void writeSnapshot(long term, long index, java.nio.file.Path file) throws java.io.IOException {
        StoreSnapshot.write(copy(), term, index, file);
    }

    /**
     * Replaces every record of this store with those of the snapshot file {@code file}, or changes nothing if it
     * cannot be read whole.
     *
     * @return what the file held
     * @throws java.io.IOException naming the file and what is wrong with it
     */
    StoreSnapshot.Contents loadSnapshot(java.nio.file.Path file) throws java.io.IOException {
        StoreSnapshot.Contents contents = StoreSnapshot.read(file);
        synchronized (this) {
            objects = new HashMap<>(contents.objects());
        }
        return contents;
    }

    /** How many records the store holds (for logs and tests). */
    public synchronized long size() {
        long n = 0;
        for (TreeMap<Long, byte[]> r : objects.values()) {
            n += r.size();
        }
        return n;
    }
}
