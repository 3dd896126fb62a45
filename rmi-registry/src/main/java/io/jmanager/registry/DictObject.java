package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteDict;
import io.jmanager.wire.ValueCodec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A dict or namespace: encoded key to encoded value, in insertion order. Every method is atomic.
 *
 * <p>Records: one per entry, under a sequence number that grows with each new key (so that ascending keys give
 * insertion order), holding the key's length as an {@code int}, the key and the value.
 */
final class DictObject extends GuardedObject implements RemoteDict {
    private final Map<Bytes, byte[]> entries = new LinkedHashMap<>();
    /** Each key's record number; kept only when the records are durable. */
    private final Map<Bytes, Long> recordOf = new HashMap<>();
    private long lastRecord;
    /** What one entry costs in memory besides its key's and value's bytes (map entry, key wrapper, headers). */
    static final long ENTRY_BYTES = 96;
    /** The memory charged for the entries. Guarded by the mutex. */
    private long entryBytes;

    DictObject(String name, ObjectSpec spec, RegistryContext limits) {
        super(name, spec, limits);
    }

    @Override
    String summary() {
        return entries.size() == 1 ? "1 entry" : entries.size() + " entries";
    }

    @Override
    public byte[] get(byte[] key) {
        return locked(() -> entries.get(new Bytes(key)));
    }

    @Override
    public byte[] put(byte[] key, byte[] value) {
        checkSize(key);
        checkSize(value);
        return locked(() -> store(new Bytes(key), value));
    }

    @Override
    public byte[] putIfAbsent(byte[] key, byte[] value) {
        checkSize(key);
        checkSize(value);
        return locked(() -> {
            Bytes k = new Bytes(key);
            byte[] current = entries.get(k);
            return current != null ? current : store(k, value);
        });
    }

    @Override
    public byte[] remove(byte[] key) {
        return locked(() -> drop(new Bytes(key)));
    }

    @Override
    public boolean removeIfEquals(byte[] key, byte[] value) {
        return locked(() -> {
            Bytes k = new Bytes(key);
            byte[] current = entries.get(k);
            if (current != null && Arrays.equals(current, value)) {
                drop(k);
                return true;
            }
            return false;
        });
    }

    @Override
    public boolean replaceIfEquals(byte[] key, byte[] expected, byte[] value) {
        checkSize(value);
        return locked(() -> {
            Bytes k = new Bytes(key);
            byte[] current = entries.get(k);
            if (current != null && Arrays.equals(current, expected)) {
                store(k, value);
                return true;
            }
            return false;
        });
    }

    @Override
    public byte[] replace(byte[] key, byte[] value) {
        checkSize(value);
        return locked(() -> {
            Bytes k = new Bytes(key);
            return entries.containsKey(k) ? store(k, value) : null;
        });
    }

    @Override
    public byte[] putFenced(byte[] key, byte[] value, String lockName, long token) {
        checkSize(key);
        checkSize(value);
        LockObject lock = limits.locks().lock(lockName);
        return locked(() -> {
            lock.checkToken(token);
            return store(new Bytes(key), value);
        });
    }

    @Override
    public byte[] removeFenced(byte[] key, String lockName, long token) {
        LockObject lock = limits.locks().lock(lockName);
        return locked(() -> {
            lock.checkToken(token);
            return drop(new Bytes(key));
        });
    }

    @Override
    public boolean containsKey(byte[] key) {
        return locked(() -> entries.containsKey(new Bytes(key)));
    }

    @Override
    public boolean containsValue(byte[] value) {
        return locked(() -> entries.values().stream().anyMatch(v -> Arrays.equals(v, value)));
    }

    @Override
    public int size() {
        return locked(entries::size);
    }

    @Override
    public void clear() {
        lockedRun(() -> {
            entries.clear();
            recordOf.clear();
            records.clear();
            release(entryBytes);
            entryBytes = 0;
        });
    }

    @Override
    public void putAll(byte[][] keys, byte[][] values) {
        if (keys.length != values.length) {
            throw new IllegalArgumentException("putAll: " + keys.length + " keys but " + values.length + " values");
        }
        checkSizes(keys, values);
        lockedRun(() -> {
            // charged whole before anything is stored: a batch over the memory budget is refused whole
            Map<Bytes, byte[]> batch = new HashMap<>();
            long growth = 0;
            for (int i = 0; i < keys.length; i++) {
                Bytes k = new Bytes(keys[i]);
                byte[] before = batch.containsKey(k) ? batch.get(k) : entries.get(k);
                growth += before == null ? k.bytes().length + values[i].length + ENTRY_BYTES
                        : values[i].length - before.length;
                batch.put(k, values[i]);
            }
            recharge(growth);
            entryBytes += growth;
            for (int i = 0; i < keys.length; i++) {
                put(new Bytes(keys[i]), values[i]);
            }
        });
    }

    @Override
    public byte[][] getAll(byte[][] keys) {
        checkBatchItems(keys.length);
        return locked(() -> {
            byte[][] out = new byte[keys.length][];
            for (int i = 0; i < keys.length; i++) {
                out[i] = entries.get(new Bytes(keys[i]));
            }
            return out;
        });
    }

    @Override
    public byte[] increment(byte[] key, byte[] delta) {
        checkSize(key);
        return locked(() -> {
            Bytes k = new Bytes(key);
            byte[] sum = ValueCodec.add(entries.get(k), delta);
            store(k, sum);
            return sum;
        });
    }

    @Override
    public byte[][] entries() {
        return locked(() -> {
            byte[][] out = new byte[entries.size() * 2][];
            int i = 0;
            for (Map.Entry<Bytes, byte[]> e : entries.entrySet()) {
                out[i++] = e.getKey().bytes();
                out[i++] = e.getValue();
            }
            return out;
        });
    }

    @Override
    public int removeEntries(byte[][] pairs) {
        checkBatchItems(pairs.length / 2);
        return locked(() -> {
            int removed = 0;
            for (int i = 0; i + 1 < pairs.length; i += 2) {
                Bytes k = new Bytes(pairs[i]);
                byte[] current = entries.get(k);
                if (current != null && Arrays.equals(current, pairs[i + 1])) {
                    drop(k);
                    removed++;
                }
            }
            return removed;
        });
    }

    /** What storing {@code key -> value} adds to the memory held (negative: gives back). */
    private long growth(Bytes key, byte[] value) {
        byte[] old = entries.get(key);
        return old == null ? key.bytes().length + value.length + ENTRY_BYTES : value.length - old.length;
    }

    /**
     * Stores {@code key -> value} in memory and in the records, charging the memory budget first (refused over
     * it, with nothing changed). Call with the mutex held.
     */
    private byte[] store(Bytes key, byte[] value) {
        long growth = growth(key, value);
        recharge(growth);
        entryBytes += growth;
        return put(key, value);
    }

    /** Stores {@code key -> value}, charged already, in memory and in the records. Call with the mutex held. */
    private byte[] put(Bytes key, byte[] value) {
        byte[] old = entries.put(key, value);
        if (records.durable()) {
            long n = recordOf.computeIfAbsent(key, k -> ++lastRecord);
            records.put(n, record(key, value));
        }
        return old;
    }

    /** Removes {@code key} from memory and from the records. Call with the mutex held. */
    private byte[] drop(Bytes key) {
        byte[] old = entries.remove(key);
        if (old != null) {
            long freed = key.bytes().length + old.length + ENTRY_BYTES;
            release(freed);
            entryBytes -= freed;
        }
        if (old != null && records.durable()) {
            records.remove(recordOf.remove(key));
        }
        return old;
    }

    private static byte[] record(Bytes key, byte[] value) {
        byte[] k = key.bytes();
        return ByteBuffer.allocate(4 + k.length + value.length).putInt(k.length).put(k).put(value).array();
    }

    @Override
    void restore(Iterable<Map.Entry<Long, byte[]>> stored) {
        for (Map.Entry<Long, byte[]> r : stored) {
            byte[] bytes = r.getValue();
            if (bytes.length < 4) {
                throw new IllegalArgumentException("dict '" + name + "': malformed record " + r.getKey());
            }
            ByteBuffer in = ByteBuffer.wrap(bytes);
            int keyLength = in.getInt();
            if (keyLength < 0 || keyLength > bytes.length - 4) {
                throw new IllegalArgumentException("dict '" + name + "': malformed record " + r.getKey());
            }
            Bytes key = new Bytes(Arrays.copyOfRange(bytes, 4, 4 + keyLength));
            byte[] value = Arrays.copyOfRange(bytes, 4 + keyLength, bytes.length);
            long growth = growth(key, value);
            recharge(growth);
            entryBytes += growth;
            entries.put(key, value);
            recordOf.put(key, r.getKey()); // restored before being attached: kept whatever the records
            lastRecord = Math.max(lastRecord, r.getKey());
        }
    }

    @Override
    void writeState(RecordSink sink) {
        long n = 0;
        for (Map.Entry<Bytes, byte[]> e : entries.entrySet()) {
            sink.put(++n, record(e.getKey(), e.getValue()));
        }
    }
}
