package io.jmanager.registry;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The log entry of one mutation: every record change it made, of one or more objects, in order. Encoded as a
 * count, then per change an object id ({@code long}), a kind (1 put, 2 remove, 3 clear), a record key
 * ({@code long}) and, for a put, a length ({@code int}) and the bytes. Every change is a blind write, so applying
 * an entry twice gives what applying it once gives.
 *
 * <p>Public for the registry group ({@code io.jmanager.registry.group}), whose Raft log entries carry these bytes.
 */
public final class RecordLog {
    private static final byte PUT = 1;
    private static final byte REMOVE = 2;
    private static final byte CLEAR = 3;

    private RecordLog() {
    }

    /** Receives each change of an entry, to apply to the object's records. */
    public interface Target {
        void put(long objectId, long key, byte[] value);

        void remove(long objectId, long key);

        void clear(long objectId);
    }

    /** The changes of the mutation in progress on one thread. Not thread-safe. */
    static final class Batch {
        private record Change(long objectId, byte kind, long key, byte[] value) {
        }

        private final List<Change> changes = new ArrayList<>();
        private int bytes;

        void put(long objectId, long key, byte[] value) {
            changes.add(new Change(objectId, PUT, key, value));
            bytes += 21 + value.length;
        }

        void remove(long objectId, long key) {
            changes.add(new Change(objectId, REMOVE, key, null));
            bytes += 17;
        }

        void clear(long objectId) {
            changes.add(new Change(objectId, CLEAR, 0, null));
            bytes += 17;
        }

        boolean isEmpty() {
            return changes.isEmpty();
        }

        byte[] encode() {
            ByteBuffer out = ByteBuffer.allocate(4 + bytes).putInt(changes.size());
            for (Change c : changes) {
                out.putLong(c.objectId()).put(c.kind()).putLong(c.key());
                if (c.kind() == PUT) {
                    out.putInt(c.value().length).put(c.value());
                }
            }
            return out.array();
        }

        void clear() {
            changes.clear();
            bytes = 0;
        }
    }

    /**
     * The entry that puts {@code records} (keys and bytes) into object {@code objectId}: how a registry group's
     * snapshot writes a member's store (the snapshot is the log compacted to one put per record).
     */
    public static byte[] puts(long objectId, java.util.List<java.util.Map.Entry<Long, byte[]>> records) {
        Batch batch = new Batch();
        for (java.util.Map.Entry<Long, byte[]> r : records) {
            batch.put(objectId, r.getKey(), r.getValue());
        }
        return batch.encode();
    }

    /**
     * One entry with every change of {@code entries}, in their order: applying it is applying them one after the
     * other (the registry group's leader coalesces concurrent mutations this way).
     */
    static byte[] concatenate(java.util.List<byte[]> entries) {
        int changes = 0;
        int bytes = 4;
        for (byte[] e : entries) {
            changes += ByteBuffer.wrap(e).getInt();
            bytes += e.length - 4;
        }
        ByteBuffer out = ByteBuffer.allocate(bytes).putInt(changes);
        for (byte[] e : entries) {
            out.put(e, 4, e.length - 4);
        }
        return out.array();
    }

    /**
     * Hands each change of {@code entry} to {@code target}, in order.
     *
     * @throws IllegalArgumentException if the entry is malformed
     */
    public static void apply(byte[] entry, Target target) {
        try {
            ByteBuffer in = ByteBuffer.wrap(entry);
            int n = in.getInt();
            for (int i = 0; i < n; i++) {
                long objectId = in.getLong();
                byte kind = in.get();
                long key = in.getLong();
                switch (kind) {
                    case PUT -> {
                        int length = in.getInt();
                        if (length < 0 || length > in.remaining()) {
                            throw new IllegalArgumentException("malformed log entry: a record of " + length
                                    + " bytes with " + in.remaining() + " left");
                        }
                        byte[] value = new byte[length];
                        in.get(value);
                        target.put(objectId, key, value);
                    }
                    case REMOVE -> target.remove(objectId, key);
                    case CLEAR -> target.clear(objectId);
                    default -> throw new IllegalArgumentException("malformed log entry: change kind " + kind);
                }
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("malformed log entry: " + in.remaining() + " trailing bytes");
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("malformed log entry: truncated", e);
        }
    }
}
