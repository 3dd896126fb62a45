package io.jmanager.registry;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.RegistryLimitException;
import io.jmanager.ValueTooLargeException;
import io.jmanager.wire.ObjectSpec;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Base of every server-side state machine. Each object is guarded by one internal {@link ReentrantLock},
 * {@link #mutex}, held only for the duration of one remote call (or one wait slice, during which it is released
 * while waiting); no lock is ever held across remote calls. Blocking calls wait on {@link #changed}, which every
 * state change that might grant something signals.
 */
abstract class GuardedObject {
    final String name;
    final ObjectSpec spec;
    final RegistryContext limits;
    final ReentrantLock mutex;
    final Condition changed;
    final Waiters waiters = new Waiters();
    private boolean destroyed;
    /** Where this object's state is kept; {@link Records#NONE} in memory. Set before the object is exported. */
    Records records = Records.NONE;
    private Durability durability = Durability.IN_MEMORY;
    /** The store version of this object's newest change; -1 for none since start. Guarded by the mutex. */
    private long lastWrite = -1;
    /** What every object is charged to the memory budget for itself, whatever it holds. */
    static final long OBJECT_BYTES = 512;
    /** Bytes this object holds charged to the registry's memory budget. Guarded by the mutex. */
    private long charged;

    GuardedObject(String name, ObjectSpec spec, RegistryContext limits) {
        this.name = name;
        this.spec = spec;
        this.limits = limits;
        this.mutex = new ReentrantLock();
        this.changed = mutex.newCondition();
        charge(OBJECT_BYTES);
    }

    /** For objects that share another object's mutex and change signal (a condition shares its lock's). */
    GuardedObject(String name, ObjectSpec spec, RegistryContext limits, GuardedObject sharedWith) {
        this.name = name;
        this.spec = spec;
        this.limits = limits;
        this.mutex = sharedWith.mutex;
        this.changed = sharedWith.changed;
        charge(OBJECT_BYTES);
    }

    /**
     * Charges {@code bytes} of growth to the registry's memory budget before anything is changed; throws
     * {@link RegistryLimitException} naming {@code --memory-budget} if they do not fit (nothing was charged).
     * Call with the mutex held, or before the object is shared.
     */
    final void charge(long bytes) {
        if (bytes > 0) {
            limits.memory().charge(bytes, "storing " + bytes + " bytes in " + spec.type() + " '" + name + "'");
            charged += bytes;
        }
    }

    /** Gives back {@code bytes} this object no longer holds. Call with the mutex held. */
    final void release(long bytes) {
        long b = Math.min(bytes, charged);
        if (b > 0) {
            charged -= b;
            limits.memory().release(b);
        }
    }

    /** Charges a growth ({@code delta > 0}, refused if over budget) or gives back a shrink. Call before changing. */
    final void recharge(long delta) {
        if (delta > 0) {
            charge(delta);
        } else {
            release(-delta);
        }
    }

    /** Bytes this object holds charged to the memory budget (for tests and operators). */
    final long charged() {
        mutex.lock();
        try {
            return charged;
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Connects this object to its records. Call once, before the object is exported; restore its state first
     * ({@link #restore}) when it comes from a data directory or an import.
     */
    final void attach(Records records, Durability durability) {
        this.records = records;
        this.durability = durability;
    }

    /** Whether this object writes what sessions hold as records (a registry group's leader, docs/group.md). */
    final boolean holdsReplicated() {
        return durability.replicatesHolds();
    }

    /**
     * Rebuilds the state from records this object type wrote, given in ascending key order; the object starts
     * from its spec's initial state. Types without durable state ignore them. Called before the object is shared.
     *
     * @throws IllegalArgumentException if a record is malformed
     */
    void restore(Iterable<java.util.Map.Entry<Long, byte[]>> stored) {
    }

    /** Writes the whole state as records (what {@link #restore} reads): for exports and imports. */
    void writeState(RecordSink sink) {
    }

    /**
     * Applies the records this mutation wrote (all at once: see {@link Durability#flush()}), releases the mutex,
     * then, once the calling thread holds it no more, waits until the object's newest change is durable: a remote
     * call that changed state answers only after the change is on disk ({@code --fsync always}), and a call that
     * only read it answers only once what it saw cannot be lost (no worker acts on a change a crash undoes).
     * Once the object's changes are durable, this costs a comparison.
     */
    final void unlock() {
        boolean outermost = mutex.getHoldCount() == 1;
        long seen = -1;
        try {
            if (outermost) {
                long wrote = durability.flush();
                if (wrote >= 0) {
                    lastWrite = wrote;
                }
                seen = lastWrite;
            }
        } finally {
            mutex.unlock();
        }
        if (outermost) {
            long[] batch = DEFERRED.get();
            if (batch != null) {
                batch[0] = Math.max(batch[0], seen);
            } else {
                durability.awaitVersion(seen);
            }
        }
    }

    /** While a batch runs on this thread: the newest version its operations changed or saw, awaited at its end. */
    private static final ThreadLocal<long[]> DEFERRED = new ThreadLocal<>();

    /**
     * From now until {@link #endDeferral()}, operations on this thread do not wait for durability each: they note
     * the version to wait for. Returns -1 (nothing to wait for yet).
     */
    static long deferDurability() {
        DEFERRED.set(new long[] {-1});
        return -1;
    }

    /** Ends {@link #deferDurability()}: the version the caller must await before it answers. */
    static long endDeferral() {
        long[] batch = DEFERRED.get();
        DEFERRED.remove();
        return batch == null ? -1 : batch[0];
    }

    /** Summary of the state for listings, e.g. {@code "3 entries"}. Called with the mutex held. */
    abstract String summary();

    /** Releases what the ended session held and cancels its waits. Called with the mutex held. */
    void sessionEnded(long session, SessionEnd how) {
        if (waiters.cancelSession(session)) {
            changed.signalAll();
        }
    }

    /**
     * What each session holds in this object now, in a few words for operators ({@code "lock 'report'"},
     * {@code "2 permits of semaphore 'pool'"}); empty for types nothing is held in. Called with the mutex held.
     */
    java.util.Map<Long, String> holdings() {
        return java.util.Map.of();
    }

    /** {@link #holdings()}, taking the mutex. */
    final java.util.Map<Long, String> holdingsLocked() {
        mutex.lock();
        try {
            return holdings();
        } finally {
            mutex.unlock();
        }
    }

    /** The sessions with a call waiting on this object now (each once). */
    final java.util.Set<Long> waitingSessionsLocked() {
        mutex.lock();
        try {
            return waiters.sessions();
        } finally {
            mutex.unlock();
        }
    }

    /** How many calls wait on this object now. */
    final int waitingLocked() {
        mutex.lock();
        try {
            return waiters.size();
        } finally {
            mutex.unlock();
        }
    }

    final String summaryLocked() {
        mutex.lock();
        try {
            return summary();
        } finally {
            mutex.unlock();
        }
    }

    final void endSession(long session, SessionEnd how) {
        mutex.lock();
        try {
            sessionEnded(session, how);
        } finally {
            unlock(); // what the session's end changed (permits) is durable when its close returns
        }
    }

    /** Marks the object destroyed and wakes its waiters, who fail with {@link NoSuchSharedObjectException}. */
    final void destroy() {
        mutex.lock();
        try {
            if (!destroyed) {
                release(charged); // what it held is garbage now
            }
            destroyed = true;
            changed.signalAll();
        } finally {
            mutex.unlock();
        }
    }

    /**
     * Like {@link #destroy()} for a registry group member that stopped serving: the object is as good as destroyed
     * here, but alive on the new leader, so its calls fail with {@code refusal} (a {@code NotLeaderException}).
     */
    final void retire(java.util.function.Supplier<RuntimeException> refusal) {
        mutex.lock();
        try {
            retiredBy = refusal;
        } finally {
            mutex.unlock();
        }
        destroy();
    }

    /** Set when a group member stopped serving: what calls on this object fail with. Guarded by the mutex. */
    private java.util.function.Supplier<RuntimeException> retiredBy;

    /** Throws if the object was destroyed. Call with the mutex held. */
    void checkAlive() {
        if (destroyed && retiredBy != null) {
            throw retiredBy.get();
        }
        if (destroyed) {
            throw new NoSuchSharedObjectException(spec.type() + " '" + name + "' was destroyed;"
                    + " get it again from the manager to create a new one");
        }
    }

    /** Runs {@code action} under the mutex after checking that the object is alive. */
    final <T> T locked(Supplier<T> action) {
        mutex.lock();
        try {
            checkAlive();
            return action.get();
        } finally {
            unlock();
        }
    }

    /** Runs {@code action} under the mutex after checking that the object is alive. */
    final void lockedRun(Runnable action) {
        mutex.lock();
        try {
            checkAlive();
            action.run();
        } finally {
            unlock();
        }
    }

    /** Wakes all waiters of this object. Call with the mutex held. */
    final void signalChange() {
        changed.signalAll();
    }

    /** The wait slice actually granted: the client's wish capped by the registry's slice. */
    final long slice(long waitNanos) {
        return Math.min(waitNanos, limits.waitSliceNanos());
    }

    /**
     * The blocking template: tries {@code attempt} at once; if it yields null and {@code waitNanos > 0}, waits for
     * state changes up to one slice, retrying after each, until it yields non-null, the time is up or the wait is
     * cancelled. Returns the attempt's result or null. A wait whose cancel arrived first (a tombstone) returns null
     * without attempting anything, even with {@code waitNanos == 0}. Call with the mutex held.
     */
    final <T> T awaitGrant(long session, long waitId, long waitNanos, Supplier<T> attempt) {
        return awaitGrant(session, 0, waitId, waitNanos, attempt);
    }

    /** Like {@link #awaitGrant(long, long, long, Supplier)} for a wait owned by a client thread (locks). */
    final <T> T awaitGrant(long session, long thread, long waitId, long waitNanos, Supplier<T> attempt) {
        checkAlive();
        limits.sessions().check(session);
        if (waiters.takeTombstone(session, waitId)) {
            return null;
        }
        T result = attempt.get();
        if (result != null || waitNanos <= 0) {
            return result;
        }
        checkWaiterRoom(waiters.size());
        Waiters.Waiter waiter = waiters.register(session, thread, waitId);
        try {
            long nanos = slice(waitNanos);
            while (!waiter.cancelled && nanos > 0) {
                nanos = changed.awaitNanos(nanos);
                checkAlive();
                if (waiter.cancelled) {
                    return null;
                }
                result = attempt.get();
                if (result != null) {
                    return result;
                }
            }
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            waiters.unregister(waiter);
        }
    }

    /** Waits for a change up to {@code nanos}; returns the nanos left. Call with the mutex held. */
    final long awaitChange(long nanos) {
        try {
            return changed.awaitNanos(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** The {@code cancelWait} implementation for {@link io.jmanager.wire.RemoteBlocking} objects. */
    public final void cancelWait(long session, long waitId) {
        mutex.lock();
        try {
            if (waiters.cancel(session, waitId)) {
                changed.signalAll();
            }
        } finally {
            mutex.unlock();
        }
    }

    /** Throws {@link ValueTooLargeException} if an encoded value exceeds the limit. */
    final byte[] checkSize(byte[] value) {
        if (value == null) {
            throw new NullPointerException("null encoded value");
        }
        if (value.length > limits.maxValueBytes()) {
            throw new ValueTooLargeException("value of " + value.length + " bytes exceeds the registry's limit of "
                    + limits.maxValueBytes() + " bytes for " + spec.type() + " '" + name
                    + "'; nothing was stored. Split the value, or start the registry with a larger --max-value-size");
        }
        return value;
    }

    /** Checks every value of a batch, the batch's total size and its item count. */
    final byte[][] checkSizes(byte[][] values) {
        checkBatchItems(values.length);
        checkBatch(values.length, total(values));
        return values;
    }

    /** Checks every key and value of a batch of entries, their total size together, and the entry count. */
    final void checkSizes(byte[][] keys, byte[][] values) {
        checkBatchItems(Math.max(keys.length, values.length));
        checkBatch(keys.length + values.length, total(keys) + total(values));
    }

    /**
     * Throws {@link RegistryLimitException} if one call carries more than {@code --max-batch-size} items; nothing was
     * done. Call before taking the mutex.
     */
    final void checkBatchItems(int items) {
        if (items > limits.maxBatchItems()) {
            throw new RegistryLimitException("a batch of " + items + " items for " + spec.type() + " '" + name
                    + "' exceeds the registry's limit of " + limits.maxBatchItems() + " items per call"
                    + " (--max-batch-size); nothing was done. Send smaller batches");
        }
    }

    /**
     * Throws {@link RegistryLimitException} if {@code waiting} calls already wait on this object
     * ({@code --max-waiters-per-object}); the caller's call did nothing. Call with the mutex held.
     */
    final void checkWaiterRoom(int waiting) {
        if (waiting >= limits.maxWaitersPerObject()) {
            throw new RegistryLimitException(waiting + " calls already wait on " + spec.type() + " '" + name
                    + "', the registry's limit (--max-waiters-per-object); this call did not wait. Retry later, or"
                    + " start the registry with a larger --max-waiters-per-object");
        }
    }

    private long total(byte[][] values) {
        long total = 0;
        for (byte[] v : values) {
            total += checkSize(v).length;
        }
        return total;
    }

    private void checkBatch(int count, long total) {
        if (total > limits.maxBatchBytes()) {
            throw new ValueTooLargeException("batch of " + count + " values, " + total + " bytes, exceeds"
                    + " the registry's batch limit of " + limits.maxBatchBytes() + " bytes; nothing was stored."
                    + " Send smaller batches");
        }
    }

    static long millisToNanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }
}
