package io.jmanager;

import java.util.concurrent.CompletableFuture;
import java.util.List;

/**
 * A shared fixed-length typed array, Python's {@code manager.Array(typecode, seq)} / {@code multiprocessing.Array}.
 * Element and slice reads and writes are atomic; every written element is range-checked against the typecode.
 *
 * @param <T> the Java type of the typecode ({@link TypeCode#javaType()})
 */
public interface SharedArray<T> extends SharedObject {
    TypeCode typeCode();

    int length();

    T get(int index);

    void set(int index, T value);

    /** A copy of elements {@code from..to} in one round trip. */
    List<T> slice(int from, int to);

    /** Writes {@code values} starting at {@code from}, atomically. */
    void setSlice(int from, List<? extends T> values);

    /** A copy of the whole array in one round trip. */
    List<T> toList();

    T addAndGet(int index, Number delta);

    boolean compareAndSet(int index, T expect, T update);

    T getAndSet(int index, T value);

    /**
     * The contents of a {@code 'c'} (char) array as bytes, like Python's {@code arr.value}.
     *
     * @throws IllegalStateException for other typecodes
     */
    byte[] bytes();

    /**
     * Writes bytes into a {@code 'c'} array from index 0 (the rest is unchanged).
     *
     * @throws IllegalStateException for other typecodes; IndexOutOfBoundsException if longer than the array
     */
    void setBytes(byte[] bytes);

    // Asynchronous operations (see AsyncOptions). A shared-memory array completes them at once.

    /** {@link #get(int)}, asynchronously. */
    default CompletableFuture<T> getAsync(int index) {
        return Async.now(() -> get(index));
    }

    /** {@link #set(int, Object)}, asynchronously. */
    default CompletableFuture<Void> setAsync(int index, T value) {
        return Async.run(() -> set(index, value));
    }

    /** {@link #addAndGet(int, Number)}, asynchronously. */
    default CompletableFuture<T> addAndGetAsync(int index, Number delta) {
        return Async.now(() -> addAndGet(index, delta));
    }

    /** {@link #compareAndSet(int, Object, Object)}, asynchronously. */
    default CompletableFuture<Boolean> compareAndSetAsync(int index, T expect, T update) {
        return Async.now(() -> compareAndSet(index, expect, update));
    }

    /** {@link #getAndSet(int, Object)}, asynchronously. */
    default CompletableFuture<T> getAndSetAsync(int index, T value) {
        return Async.now(() -> getAndSet(index, value));
    }
}
