package io.jmanager;

import java.util.concurrent.CompletableFuture;

/**
 * A shared typed value, Python's {@code manager.Value(typecode, v)} / {@code multiprocessing.Value}. Every value is
 * range-checked against the typecode (storing 300 in {@code 'b'} fails, as in Python). Arithmetic and
 * compare-and-set are atomic (on the registry, or by atomic instructions in shared memory), so {@code v.addAndGet(1)}
 * needs no lock.
 *
 * @param <T> the Java type of the typecode ({@link TypeCode#javaType()})
 */
public interface SharedValue<T> extends SharedObject {
    TypeCode typeCode();

    T get();

    /** @throws IllegalArgumentException if the value does not fit the typecode */
    void set(T value);

    /** Adds atomically and returns the new value. @throws IllegalArgumentException if the sum overflows */
    T addAndGet(Number delta);

    /** Sets to {@code update} if the current value equals {@code expect}, atomically. */
    boolean compareAndSet(T expect, T update);

    T getAndSet(T value);

    // Asynchronous operations (see AsyncOptions). A shared-memory value completes them at once.

    /** {@link #get()}, asynchronously. */
    default CompletableFuture<T> getAsync() {
        return Async.now(this::get);
    }

    /** {@link #set(Object)}, asynchronously. */
    default CompletableFuture<Void> setAsync(T value) {
        return Async.run(() -> set(value));
    }

    /** {@link #addAndGet(Number)}, asynchronously. */
    default CompletableFuture<T> addAndGetAsync(Number delta) {
        return Async.now(() -> addAndGet(delta));
    }

    /** {@link #compareAndSet(Object, Object)}, asynchronously. */
    default CompletableFuture<Boolean> compareAndSetAsync(T expect, T update) {
        return Async.now(() -> compareAndSet(expect, update));
    }

    /** {@link #getAndSet(Object)}, asynchronously. */
    default CompletableFuture<T> getAndSetAsync(T value) {
        return Async.now(() -> getAndSet(value));
    }
}
