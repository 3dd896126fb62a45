package io.jmanager;

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
}
