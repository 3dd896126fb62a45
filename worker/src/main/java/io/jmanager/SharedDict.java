package io.jmanager;

import java.util.concurrent.CompletableFuture;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentMap;

/**
 * A shared dict, Python's {@code manager.dict()}: a {@link ConcurrentMap} whose every method is atomic on the
 * registry, so the {@code ConcurrentMap} defaults ({@code merge}, {@code compute}, ...) are correct across
 * workers (they retry with compare-and-set).
 *
 * <p><b>Keys and values are copies.</b> Keys compare by their encoded bytes: use strings, numbers, booleans,
 * UUIDs, enums or records of those. A mutable value read from the dict is a copy: changing it changes nothing
 * in the registry until it is put back (as in Python). Nulls are refused ({@link NullPointerException}), as in
 * {@link java.util.concurrent.ConcurrentHashMap}.
 *
 * <p><b>Iteration</b> ({@code entrySet()}, {@code keySet()}, {@code values()}) walks a snapshot taken in one round
 * trip when the iterator is created: it never hangs or fails while other workers change the dict, and it does not
 * see their later changes. {@code Iterator.remove} and {@code Entry.setValue} write through to the registry.
 *
 * <p><b>Reading values</b> deserializes only the classes this worker admits ({@link ManagerOptions#allowClasses});
 * any other fails with {@link ValueClassRefusedException} before its code runs. {@code keySet()},
 * {@code containsKey}, {@code size} and {@code isEmpty} never decode a value.
 *
 * @param <K> key type
 * @param <V> value type
 */
public interface SharedDict<K, V> extends ConcurrentMap<K, V>, SharedObject {
    /**
     * Atomically adds {@code delta} to the number stored under {@code key} and returns the new value, in one round
     * trip. A missing key starts from {@code delta} (stored with the delta's type); an existing value keeps its type.
     *
     * @throws IllegalArgumentException if the stored value is not a number, a fractional delta meets an integral
     *                                  value, or the sum overflows the stored type
     */
    V increment(K key, Number delta);

    /** The values of the given keys in one atomic round trip; missing keys are absent from the result. */
    Map<K, V> getAll(Collection<? extends K> keys);

    /** Stores all entries in one atomic round trip. */
    @Override
    void putAll(Map<? extends K, ? extends V> entries);

    /** A copy of all entries in one round trip, in insertion order. */
    Map<K, V> copy();

    /**
     * Stores the value only while {@code token} is the current fencing token of {@code lock}, that is, only if the
     * caller still holds the lock it got the token from ({@link SharedLock#lockAndGetToken()}); atomic on the
     * registry. A holder that was paused past its lease, or whose session ended, is refused instead of
     * overwriting what the lock's next holder wrote.
     *
     * @return the previous value, or null
     * @throws StaleTokenException if the token is not the lock's current one; nothing is written
     */
    V putFenced(K key, V value, SharedLock lock, long token);

    /**
     * Removes the key only while {@code token} is the current fencing token of {@code lock}.
     *
     * @return the removed value, or null
     * @throws StaleTokenException if the token is not the lock's current one; nothing is removed
     */
    V removeFenced(K key, SharedLock lock, long token);

    // Asynchronous operations: issued at once, answered by the future; batched with others issued meanwhile
    // (see AsyncOptions: the operations on one object are applied in the order issued). Arguments are checked
    // and encoded when the operation is issued, so an invalid one throws here.

    /** {@link #get(Object)}, asynchronously. */
    default CompletableFuture<V> getAsync(K key) {
        return Async.now(() -> get(key));
    }

    /** {@link #put(Object, Object)}, asynchronously: the future gives the previous value (or null). */
    default CompletableFuture<V> putAsync(K key, V value) {
        return Async.now(() -> put(key, value));
    }

    /** {@link #putIfAbsent(Object, Object)}, asynchronously. */
    default CompletableFuture<V> putIfAbsentAsync(K key, V value) {
        return Async.now(() -> putIfAbsent(key, value));
    }

    /** {@link #remove(Object)}, asynchronously: the future gives the removed value (or null). */
    default CompletableFuture<V> removeAsync(K key) {
        return Async.now(() -> remove(key));
    }

    /** {@link #containsKey(Object)}, asynchronously. */
    default CompletableFuture<Boolean> containsKeyAsync(K key) {
        return Async.now(() -> containsKey(key));
    }

    /** {@link #increment(Object, Number)}, asynchronously: the future gives the new value. */
    default CompletableFuture<V> incrementAsync(K key, Number delta) {
        return Async.now(() -> increment(key, delta));
    }
}
