package io.jmanager;

import java.util.concurrent.CompletableFuture;
import io.jmanager.wire.BatchCodec.Outcome;
import io.jmanager.wire.BatchOp;
import io.jmanager.wire.RemoteDict;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/** The {@link SharedDict} proxy: each method one round trip; iteration over a snapshot. */
final class DictProxy<K, V> extends AbstractMap<K, V> implements SharedDict<K, V>, Proxied {
    private final ProxyContext ctx;
    private final Set<Entry<K, V>> entrySet = new EntrySet();
    private final Set<K> keySet = new KeySet();

    DictProxy(ProxyContext ctx) {
        this.ctx = ctx;
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteDict remote() {
        return (RemoteDict) ctx.stub();
    }

    @Override
    public ProxyContext context() {
        return ctx;
    }

    @Override
    public String name() {
        return ctx.name();
    }

    private byte[] key(Object key) {
        return ctx.encode(Objects.requireNonNull(key, "SharedDict does not allow null keys"));
    }

    private byte[] value(Object value) {
        return ctx.encode(Objects.requireNonNull(value, "SharedDict does not allow null values"));
    }

    @Override
    public V get(Object key) {
        byte[] k = key(key);
        return ctx.decode(ctx.shared(BatchOp.DICT_GET, k, null, 0, 0, 0, Outcome::bytes, () -> remote().get(k)));
    }

    @Override
    public V put(K key, V value) {
        byte[] k = key(key);
        byte[] v = value(value);
        return ctx.decode(ctx.shared(BatchOp.DICT_PUT, k, v, 0, 0, 0, Outcome::bytes, () -> remote().put(k, v)));
    }

    @Override
    public V putIfAbsent(K key, V value) {
        byte[] k = key(key);
        byte[] v = value(value);
        return ctx.decode(ctx.shared(BatchOp.DICT_PUT_IF_ABSENT, k, v, 0, 0, 0, Outcome::bytes,
                () -> remote().putIfAbsent(k, v)));
    }

    @Override
    public V remove(Object key) {
        byte[] k = key(key);
        return ctx.decode(ctx.shared(BatchOp.DICT_REMOVE, k, null, 0, 0, 0, Outcome::bytes, () -> remote().remove(k)));
    }

    @Override
    public boolean remove(Object key, Object value) {
        byte[] k = key(key);
        if (value == null) {
            return false;
        }
        byte[] v = ctx.encode(value);
        return ctx.call(() -> remote().removeIfEquals(k, v));
    }

    @Override
    public boolean replace(K key, V oldValue, V newValue) {
        byte[] k = key(key);
        byte[] expected = value(oldValue);
        byte[] v = value(newValue);
        return ctx.call(() -> remote().replaceIfEquals(k, expected, v));
    }

    @Override
    public V replace(K key, V value) {
        byte[] k = key(key);
        byte[] v = value(value);
        return ctx.decode(ctx.call(() -> remote().replace(k, v)));
    }

    @Override
    public boolean containsKey(Object key) {
        byte[] k = key(key);
        return ctx.shared(BatchOp.DICT_CONTAINS_KEY, k, null, 0, 0, 0, ProxyContext.asBoolean(),
                () -> remote().containsKey(k));
    }

    @Override
    public boolean containsValue(Object value) {
        byte[] v = value(value);
        return ctx.call(() -> remote().containsValue(v));
    }

    @Override
    public int size() {
        return ctx.call(() -> remote().size());
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public void clear() {
        ctx.run(() -> remote().clear());
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> entries) {
        byte[][] keys = new byte[entries.size()][];
        byte[][] values = new byte[entries.size()][];
        int i = 0;
        for (Map.Entry<? extends K, ? extends V> e : entries.entrySet()) {
            keys[i] = key(e.getKey());
            values[i++] = value(e.getValue());
        }
        if (i > 0) {
            ctx.manager.checkCallBytes(keys, values);
            ctx.run(() -> remote().putAll(keys, values));
        }
    }

    @Override
    public Map<K, V> getAll(Collection<? extends K> keys) {
        List<K> asked = new ArrayList<>(keys);
        byte[][] encoded = new byte[asked.size()][];
        for (int i = 0; i < encoded.length; i++) {
            encoded[i] = key(asked.get(i));
        }
        ctx.manager.checkCallBytes(encoded);
        byte[][] values = ctx.call(() -> remote().getAll(encoded));
        Map<K, V> out = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i] != null) {
                out.put(asked.get(i), ctx.decode(values[i]));
            }
        }
        return out;
    }

    @Override
    public V increment(K key, Number delta) {
        byte[] k = key(key);
        byte[] d = ctx.encode(Objects.requireNonNull(delta, "delta"));
        return ctx.decode(ctx.shared(BatchOp.DICT_INCREMENT, k, d, 0, 0, 0, Outcome::bytes,
                () -> remote().increment(k, d)));
    }

    @Override
    public Map<K, V> copy() {
        byte[][] flat = ctx.call(() -> remote().entries());
        Map<K, V> out = new LinkedHashMap<>(flat.length);
        for (int i = 0; i + 1 < flat.length; i += 2) {
            out.put(ctx.decode(flat[i]), ctx.decode(flat[i + 1]));
        }
        return out;
    }

    @Override
    public V putFenced(K key, V value, SharedLock lock, long token) {
        byte[] k = key(key);
        byte[] v = value(value);
        String lockName = Objects.requireNonNull(lock, "lock").name();
        return ctx.decode(ctx.call(() -> remote().putFenced(k, v, lockName, token)));
    }

    @Override
    public V removeFenced(K key, SharedLock lock, long token) {
        byte[] k = key(key);
        String lockName = Objects.requireNonNull(lock, "lock").name();
        return ctx.decode(ctx.call(() -> remote().removeFenced(k, lockName, token)));
    }

    @Override
    public Set<Entry<K, V>> entrySet() {
        return entrySet;
    }

    /** A live view of the keys; it never decodes a value (its iterators walk a snapshot of the keys). */
    @Override
    public Set<K> keySet() {
        return keySet;
    }

    /** The keys of a snapshot of the entries, decoded; the values' bytes are dropped undecoded. */
    private List<K> keySnapshot() {
        byte[][] flat = ctx.call(() -> remote().entries());
        List<K> keys = new ArrayList<>(flat.length / 2);
        for (int i = 0; i + 1 < flat.length; i += 2) {
            keys.add(ctx.decode(flat[i]));
        }
        return keys;
    }

    /** Removes the key without decoding its value; true if it was there. */
    private boolean removeKey(Object key) {
        byte[] k = key(key);
        return ctx.call(() -> remote().remove(k)) != null;
    }

    /** The entries as text; a value this worker does not read shows as {@code <refused: class>}. */
    @Override
    public String toString() {
        byte[][] flat = ctx.call(() -> remote().entries());
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i + 1 < flat.length; i += 2) {
            b.append(i == 0 ? "" : ", ").append(ctx.decodeForDisplay(flat[i])).append('=')
                    .append(ctx.decodeForDisplay(flat[i + 1]));
        }
        return b.append('}').toString();
    }

    /** A live view whose iterators walk a snapshot of the keys; removal writes through. */
    private final class KeySet extends AbstractSet<K> {
        @Override
        public Iterator<K> iterator() {
            Iterator<K> snapshot = keySnapshot().iterator();
            return new Iterator<>() {
                private K last;
                private boolean canRemove;

                @Override
                public boolean hasNext() {
                    return snapshot.hasNext();
                }

                @Override
                public K next() {
                    last = snapshot.next();
                    canRemove = true;
                    return last;
                }

                @Override
                public void remove() {
                    if (!canRemove) {
                        throw new IllegalStateException("next() was not called, or remove() was already called");
                    }
                    removeKey(last);
                    canRemove = false;
                }
            };
        }

        @Override
        public int size() {
            return DictProxy.this.size();
        }

        @Override
        public boolean isEmpty() {
            return DictProxy.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            return DictProxy.this.containsKey(o);
        }

        @Override
        public boolean remove(Object o) {
            return removeKey(o);
        }

        @Override
        public void clear() {
            DictProxy.this.clear();
        }

        @Override
        public Object[] toArray() {
            return keySnapshot().toArray();
        }

        @Override
        public <T> T[] toArray(T[] a) {
            return keySnapshot().toArray(a);
        }
    }

    /** A live view whose iterators walk a snapshot; removal and setValue write through. */
    private final class EntrySet extends AbstractSet<Entry<K, V>> {
        @Override
        public Iterator<Entry<K, V>> iterator() {
            Iterator<Entry<K, V>> snapshot = new ArrayList<>(copy().entrySet()).iterator();
            return new Iterator<>() {
                private Entry<K, V> last;

                @Override
                public boolean hasNext() {
                    return snapshot.hasNext();
                }

                @Override
                public Entry<K, V> next() {
                    if (!snapshot.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    Entry<K, V> e = snapshot.next();
                    last = new WriteThroughEntry(e.getKey(), e.getValue());
                    return last;
                }

                @Override
                public void remove() {
                    if (last == null) {
                        throw new IllegalStateException("next() was not called, or remove() was already called");
                    }
                    removeKey(last.getKey());
                    last = null;
                }
            };
        }

        @Override
        public int size() {
            return DictProxy.this.size();
        }

        @Override
        public boolean isEmpty() {
            return DictProxy.this.isEmpty();
        }

        @Override
        public boolean contains(Object o) {
            if (!(o instanceof Map.Entry<?, ?> e) || e.getKey() == null || e.getValue() == null) {
                return false;
            }
            V v = get(e.getKey());
            return v != null && v.equals(e.getValue());
        }

        @Override
        public boolean remove(Object o) {
            return o instanceof Map.Entry<?, ?> e && e.getKey() != null && e.getValue() != null
                    && DictProxy.this.remove(e.getKey(), e.getValue());
        }

        @Override
        public void clear() {
            DictProxy.this.clear();
        }
    }

    /** An entry whose {@code setValue} stores the value in the registry. */
    private final class WriteThroughEntry extends SimpleEntry<K, V> {
        private static final long serialVersionUID = 1L;

        WriteThroughEntry(K key, V value) {
            super(key, value);
        }

        @Override
        public V setValue(V value) {
            V old = super.setValue(Objects.requireNonNull(value, "SharedDict does not allow null values"));
            put(getKey(), value);
            return old;
        }
    }

    @Override
    public CompletableFuture<V> getAsync(K key) {
        return ctx.async(BatchOp.DICT_GET, key(key), null, 0, 0, 0, ctx.decoded());
    }

    @Override
    public CompletableFuture<V> putAsync(K key, V value) {
        return ctx.async(BatchOp.DICT_PUT, key(key), value(value), 0, 0, 0, ctx.decoded());
    }

    @Override
    public CompletableFuture<V> putIfAbsentAsync(K key, V value) {
        return ctx.async(BatchOp.DICT_PUT_IF_ABSENT, key(key), value(value), 0, 0, 0, ctx.decoded());
    }

    @Override
    public CompletableFuture<V> removeAsync(K key) {
        return ctx.async(BatchOp.DICT_REMOVE, key(key), null, 0, 0, 0, ctx.decoded());
    }

    @Override
    public CompletableFuture<Boolean> containsKeyAsync(K key) {
        return ctx.async(BatchOp.DICT_CONTAINS_KEY, key(key), null, 0, 0, 0, ProxyContext.asBoolean());
    }

    @Override
    public CompletableFuture<V> incrementAsync(K key, Number delta) {
        return ctx.async(BatchOp.DICT_INCREMENT, key(key), ctx.encode(Objects.requireNonNull(delta, "delta")), 0, 0, 0,
                ctx.decoded());
    }
}
