package io.jmanager.shm;

import io.jmanager.SharedLock;
import java.util.Objects;

/**
 * How a shared-memory value or array is synchronized, Python's {@code lock=} argument of
 * {@code multiprocessing.Value} and {@code Array}:
 * <ul>
 *   <li>{@link #OWN} ({@code lock=True}, the default): the object gets a reentrant lock of its own, named
 *       {@code <name>/lock}; every operation takes it, so single operations are atomic with respect to compound
 *       updates made under {@link MappedObject#getLock()};</li>
 *   <li>{@link #with(SharedLock)} ({@code lock=some_lock}): the object is synchronized by a lock of the same area,
 *       which several objects may share;</li>
 *   <li>{@link #NONE} ({@code lock=False}): no lock; every single read, write, {@code addAndGet},
 *       {@code compareAndSet} and {@code getAndSet} of an element is still atomic (lock-free, by the processor's
 *       atomic instructions), but a slice or a read-modify-write in your code is not.</li>
 * </ul>
 * An operation of a synchronized object called by a thread that already holds the object's lock does not take it
 * again, so a plain (non-reentrant) lock may synchronize objects too.
 *
 * <p>When the object already exists, {@link #OWN} accepts it as it was created; {@link #NONE} and
 * {@link #with(SharedLock)} require that it was created the same way.
 */
public final class Locking {
    /** A reentrant lock of the object's own (Python's {@code lock=True}); the default. */
    public static final Locking OWN = new Locking(null, "its own lock");
    /** No lock (Python's {@code lock=False}). */
    public static final Locking NONE = new Locking(null, "no lock");

    private final SharedLock lock;
    private final String description;

    private Locking(SharedLock lock, String description) {
        this.lock = lock;
        this.description = description;
    }

    /**
     * Synchronizes with a lock of the same area (Python's {@code lock=lock}).
     *
     * @throws NullPointerException if {@code lock} is null
     */
    public static Locking with(SharedLock lock) {
        Objects.requireNonNull(lock, "lock must not be null: use Locking.NONE for no lock");
        return new Locking(lock, "lock '" + lock.name() + "'");
    }

    SharedLock lock() {
        return lock;
    }

    @Override
    public String toString() {
        return description;
    }
}
