package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteDict;
import io.jmanager.wire.ValueCodec;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** A dict or namespace: encoded key to encoded value, in insertion order. Every method is atomic. */
final class DictObject extends GuardedObject implements RemoteDict {
    private final Map<Bytes, byte[]> entries = new LinkedHashMap<>();

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
        return locked(() -> entries.put(new Bytes(key), value));
    }

    @Override
    public byte[] putIfAbsent(byte[] key, byte[] value) {
        checkSize(key);
        checkSize(value);
        return locked(() -> entries.putIfAbsent(new Bytes(key), value));
    }

    @Override
    public byte[] remove(byte[] key) {
        return locked(() -> entries.remove(new Bytes(key)));
    }

    @Override
    public boolean removeIfEquals(byte[] key, byte[] value) {
        return locked(() -> {
            Bytes k = new Bytes(key);
            byte[] current = entries.get(k);
            if (current != null && Arrays.equals(current, value)) {
                entries.remove(k);
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
                entries.put(k, value);
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
            return entries.containsKey(k) ? entries.put(k, value) : null;
        });
    }

    @Override
    public byte[] putFenced(byte[] key, byte[] value, String lockName, long token) {
        checkSize(key);
        checkSize(value);
        LockObject lock = limits.locks().lock(lockName);
        return locked(() -> {
            lock.checkToken(token);
            return entries.put(new Bytes(key), value);
        });
    }

    @Override
    public byte[] removeFenced(byte[] key, String lockName, long token) {
        LockObject lock = limits.locks().lock(lockName);
        return locked(() -> {
            lock.checkToken(token);
            return entries.remove(new Bytes(key));
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
        lockedRun(entries::clear);
    }

    @Override
    public void putAll(byte[][] keys, byte[][] values) {
        if (keys.length != values.length) {
            throw new IllegalArgumentException("putAll: " + keys.length + " keys but " + values.length + " values");
        }
        checkSizes(keys, values);
        lockedRun(() -> {
            for (int i = 0; i < keys.length; i++) {
                entries.put(new Bytes(keys[i]), values[i]);
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
            entries.put(k, sum);
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
                    entries.remove(k);
                    removed++;
                }
            }
            return removed;
        });
    }
}
