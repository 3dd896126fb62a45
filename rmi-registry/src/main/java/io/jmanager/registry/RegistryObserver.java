package io.jmanager.registry;

import java.lang.reflect.Method;
import java.net.InetAddress;

/**
 * What a running registry tells its operator's tools (metrics, logs) as things happen. Every method has a default
 * that does nothing; {@link #NONE} observes nothing and costs nothing (remote calls are then not even timed).
 *
 * <p>Thread-safety: methods are called from the registry's call threads, its lease reaper and its commit leader,
 * concurrently; implementations must be thread-safe. Some are called while an object's internal mutex is held (the
 * lock methods) and must therefore be quick and must never call back into the registry.
 */
public interface RegistryObserver {
    /** Observes nothing. */
    RegistryObserver NONE = new RegistryObserver() {
    };

    /**
     * The timer of one remote method of one object type, asked once per (type, method) before its first call; null
     * (the default) leaves the method untimed. Only when some type gets a timer are the exported objects wrapped.
     *
     * @param objectType the object type in lower case ({@code dict}, {@code lock}, ...) or {@code manager} for the
     *                   registry's root object (sessions, create, list, ...)
     * @param method     the remote interface's method
     */
    default OperationTimer timer(String objectType, Method method) {
        return null;
    }

    /** True if {@link #timer} gives timers: the registry then wraps every exported object to time its calls. */
    default boolean timesOperations() {
        return false;
    }

    /** A worker opened a session. */
    default void sessionOpened(long session, String host, long pid, long leaseMillis) {
    }

    /** A session ended, once, with why; {@code openMillis} is how long it was open. */
    default void sessionEnded(long session, String host, long pid, SessionEnd cause, long openMillis) {
    }

    /** A lock was granted to a new holder after the granting call waited {@code waitedNanos} (0: at once). */
    default void lockGranted(String lock, long waitedNanos) {
    }

    /** A lock's holder gave it up (unlock, or its session ended) after holding it {@code heldNanos}. */
    default void lockFreed(String lock, long heldNanos) {
    }

    /**
     * A lock held by a session that ended without releasing it (expired, connection lost, killed) was taken back
     * and is free for its {@code waiters}; its fencing {@code token} is stale from now on.
     */
    default void lockRecovered(String lock, long session, long token, long heldNanos, int waiters, SessionEnd cause) {
    }

    /** A connection was closed during its handshake (wrong key, garbage, too slow) or over the per-peer limit. */
    default void connectionRefused(InetAddress peer, String reason) {
    }

    /**
     * The data directory committed and synced a group of {@code batch} waiting writers in {@code nanos} (the store's
     * commit and sync, and the commit witness's sync).
     */
    default void committed(long nanos, int batch) {
    }

    /** Both observers, {@code first} before {@code second}; timers of both run. */
    static RegistryObserver both(RegistryObserver first, RegistryObserver second) {
        if (first == NONE) {
            return second;
        }
        if (second == NONE) {
            return first;
        }
        return new BothObservers(first, second);
    }

    /** Times one remote method of one object type. Thread-safe. */
    @FunctionalInterface
    interface OperationTimer {
        /**
         * One call ended after {@code nanos}.
         *
         * @param failure what it threw (unwrapped), or null if it returned
         */
        void ended(long nanos, Throwable failure);
    }
}
