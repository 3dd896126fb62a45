package io.jmanager.registry;

/**
 * The {@link Records} of one object that add each change to the calling thread's {@link RecordLog.Batch}: the
 * durability that owns the batch writes it as one log entry when the mutation flushes (a data directory's log, or
 * the group's Raft log).
 */
final class BatchedRecords implements Records {
    private final long objectId;
    private final ThreadLocal<RecordLog.Batch> pending;

    BatchedRecords(long objectId, ThreadLocal<RecordLog.Batch> pending) {
        this.objectId = objectId;
        this.pending = pending;
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
