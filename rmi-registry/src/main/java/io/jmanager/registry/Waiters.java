package io.jmanager.registry;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The waits in progress on one object, keyed by {@code (session, waitId)}, so that a client can cancel a wait it
 * gave up (interrupt) and a closed session's waits can be cancelled. A cancel that arrives before its wait is
 * remembered as a tombstone for {@link #TOMBSTONE_NANOS}. Not thread-safe: guarded by the owning object's mutex.
 */
final class Waiters {
    static final long TOMBSTONE_NANOS = 60_000_000_000L;
    /**
     * The most tombstones kept per object: cancels of waits that never arrive (a client that died in between, or a
     * hostile one) must not grow the registry's memory without bound. Beyond it, the oldest are forgotten.
     */
    static final int MAX_TOMBSTONES = 10_000;

    /** One wait in progress. */
    static final class Waiter {
        final long session;
        final long thread;
        final long waitId;
        boolean cancelled;

        Waiter(long session, long thread, long waitId) {
            this.session = session;
            this.thread = thread;
            this.waitId = waitId;
        }
    }

    private record Key(long session, long waitId) {
    }

    private final Map<Key, Waiter> active = new HashMap<>();
    private final Map<Key, Long> tombstones = new java.util.LinkedHashMap<>();

    /** The waits in progress as {@code session:thread} (thread 0 where the wait has no owner thread). */
    java.util.List<String> describe() {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (Waiter w : active.values()) {
            out.add(w.session + ":" + w.thread);
        }
        return out;
    }

    /** The sessions with a wait in progress, each once. */
    java.util.Set<Long> sessions() {
        java.util.Set<Long> out = new java.util.TreeSet<>();
        for (Waiter w : active.values()) {
            out.add(w.session);
        }
        return out;
    }

    Waiter register(long session, long waitId) {
        return register(session, 0, waitId);
    }

    Waiter register(long session, long thread, long waitId) {
        Key key = new Key(session, waitId);
        Waiter waiter = new Waiter(session, thread, waitId);
        waiter.cancelled = tombstones.remove(key) != null;
        active.put(key, waiter);
        return waiter;
    }

    /** Consumes the tombstone of a wait cancelled before it arrived; true if there was one. */
    boolean takeTombstone(long session, long waitId) {
        return tombstones.remove(new Key(session, waitId)) != null;
    }

    void unregister(Waiter waiter) {
        active.remove(new Key(waiter.session, waiter.waitId), waiter);
    }

    /** Cancels the wait; returns true if it was waiting (the caller must wake the waiters). */
    boolean cancel(long session, long waitId) {
        Key key = new Key(session, waitId);
        Waiter waiter = active.get(key);
        if (waiter != null) {
            waiter.cancelled = true;
            return true;
        }
        purgeOldTombstones();
        for (Iterator<Key> it = tombstones.keySet().iterator(); tombstones.size() >= MAX_TOMBSTONES && it.hasNext(); ) {
            it.next();
            it.remove();
        }
        tombstones.put(key, System.nanoTime());
        return false;
    }

    /** Cancels every wait of the session; returns true if any was waiting. */
    boolean cancelSession(long session) {
        boolean any = false;
        for (Waiter waiter : active.values()) {
            if (waiter.session == session) {
                waiter.cancelled = true;
                any = true;
            }
        }
        tombstones.keySet().removeIf(key -> key.session() == session);
        return any;
    }

    int size() {
        return active.size();
    }

    private void purgeOldTombstones() {
        if (tombstones.size() < 64) {
            return;
        }
        long now = System.nanoTime();
        for (Iterator<Long> it = tombstones.values().iterator(); it.hasNext(); ) {
            if (now - it.next() > TOMBSTONE_NANOS) {
                it.remove();
            }
        }
    }
}
