package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteSemaphore;
import java.util.HashMap;
import java.util.Map;

/**
 * Python's {@code Semaphore} / {@code BoundedSemaphore}. Permits are not owned (anyone may release), but the
 * registry counts what each session took and has not given back, so that the permits of a session that was
 * abandoned (its worker died, was cut off past its lease, or was killed by an operator) return. A session closed
 * cleanly gives nothing back: its permits may have been consumed as signals.
 *
 * <p>Record 0: the permits available once every session holding some has ended as abandoned, which is what a
 * restart does (sessions do not survive it): available permits plus those held by open sessions.
 *
 * <p>In a registry group ({@link #holdsReplicated()}), whose sessions survive a leader change, record
 * {@value #AVAILABLE} holds the permits available now ({@code int}), and record {@code s} (a session id) what
 * session {@code s} took and did not give back ({@code int}) followed by the wait ids of its newest
 * {@value #REMEMBERED_GRANTS} grants ({@code int} count, then {@code long}s): an acquire re-sent to a new leader
 * with the same wait id finds its grant instead of taking permits twice.
 */
final class SemaphoreObject extends GuardedObject implements RemoteSemaphore {
    private final boolean bounded;
    private final int initial;
    private int permits;
    private final Map<Long, Integer> heldBySession = new HashMap<>();
    /** Group mode: the wait ids of each session's newest grants, oldest first. */
    private final Map<Long, java.util.ArrayDeque<Long>> grantsBySession = new HashMap<>();
    /** The record of the permits available now, in a registry group. */
    static final long AVAILABLE = -1;
    /** How many of a session's newest grants a re-sent acquire is recognised among. */
    static final int REMEMBERED_GRANTS = 64;

    SemaphoreObject(String name, ObjectSpec spec, RegistryContext limits) {
        super(name, spec, limits);
        this.bounded = spec.type() == ObjectType.BOUNDED_SEMAPHORE;
        this.initial = (int) spec.size();
        this.permits = initial;
    }

    @Override
    String summary() {
        return permits + (bounded ? "/" + initial : "") + " permits available, " + waiters.size() + " waiting";
    }

    @Override
    Map<Long, String> holdings() {
        Map<Long, String> out = new HashMap<>();
        heldBySession.forEach((session, n) -> out.put(session, n + (n == 1 ? " permit" : " permits")
                + " of semaphore '" + name + "'"));
        return out;
    }

    @Override
    public boolean acquire(long session, long waitId, int count, long waitNanos) {
        checkCount(count);
        mutex.lock();
        try {
            if (holdsReplicated() && grantsBySession.getOrDefault(session, EMPTY).contains(waitId)) {
                checkAlive();
                limits.sessions().check(session);
                return true; // re-sent after a leader change: this grant was committed before it
            }
            return awaitGrant(session, waitId, waitNanos, () -> {
                if (permits < count) {
                    return null;
                }
                permits -= count;
                heldBySession.merge(session, count, Integer::sum);
                if (holdsReplicated()) {
                    java.util.ArrayDeque<Long> grants = grantsBySession.computeIfAbsent(session,
                            s -> new java.util.ArrayDeque<>());
                    grants.addLast(waitId);
                    if (grants.size() > REMEMBERED_GRANTS) {
                        grants.removeFirst();
                    }
                }
                permitsChanged();
                heldChanged(session);
                return Boolean.TRUE;
            }) != null;
        } finally {
            unlock();
        }
    }

    @Override
    public void release(long session, int count) {
        checkCount(count);
        lockedRun(() -> {
            if (bounded && (long) permits + count > initial) {
                throw new IllegalStateException("bounded semaphore '" + name + "' released too many times: "
                        + permits + " + " + count + " would exceed its initial value " + initial);
            }
            if ((long) permits + count > Integer.MAX_VALUE) {
                throw new IllegalStateException("semaphore '" + name + "' released too many times: " + permits
                        + " + " + count + " would exceed the maximum of " + Integer.MAX_VALUE + " permits");
            }
            permits += count;
            heldBySession.computeIfPresent(session, (s, held) -> held > count ? held - count : null);
            permitsChanged();
            heldChanged(session);
            signalChange();
        });
    }

    @Override
    public int availablePermits() {
        return locked(() -> permits);
    }

    @Override
    public int drainPermits(long session) {
        return locked(() -> {
            limits.sessions().check(session); // a dead session's permits would never come back
            int drained = Math.max(permits, 0);
            permits -= drained;
            if (drained > 0) {
                heldBySession.merge(session, drained, Integer::sum);
                permitsChanged();
                heldChanged(session);
            }
            return drained;
        });
    }

    @Override
    void sessionEnded(long session, SessionEnd how) {
        super.sessionEnded(session, how);
        Integer held = heldBySession.remove(session);
        boolean remembered = grantsBySession.remove(session) != null;
        // Permits are not owned: a worker that closes cleanly may have consumed them as signals, so only an
        // abandoned session (died, cut off, killed) gives back what it took and did not release.
        if (held != null && how.abandoned()) {
            permits = (int) Math.min(bounded ? initial : Integer.MAX_VALUE, (long) permits + held);
            signalChange();
        }
        if (held != null) {
            permitsChanged();
        }
        if (held != null || remembered) {
            heldChanged(session);
        }
    }

    private static final java.util.ArrayDeque<Long> EMPTY = new java.util.ArrayDeque<>();

    /** In a registry group, writes what {@code session} holds and its newest grants. Call with the mutex held. */
    private void heldChanged(long session) {
        if (!holdsReplicated()) {
            return;
        }
        Integer held = heldBySession.get(session);
        java.util.ArrayDeque<Long> grants = grantsBySession.get(session);
        if (held == null && grants == null) {
            records.remove(session);
            return;
        }
        int n = grants == null ? 0 : grants.size();
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 + 8 * n).putInt(held == null ? 0 : held).putInt(n);
        if (grants != null) {
            grants.forEach(out::putLong);
        }
        records.put(session, out.array());
    }

    private static void checkCount(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("permit count must be positive, got " + count);
        }
    }

    /** The permits there would be if every holding session ended abandoned. */
    private int permitsAfterRestart() {
        long total = permits;
        for (int held : heldBySession.values()) {
            total += held;
        }
        return (int) Math.min(bounded ? initial : Integer.MAX_VALUE, total);
    }

    /** Writes record 0 (and in a group the permits available now). Call with the mutex held. */
    private void permitsChanged() {
        if (records.durable()) {
            records.put(0, java.nio.ByteBuffer.allocate(4).putInt(permitsAfterRestart()).array());
        }
        if (holdsReplicated()) {
            records.put(AVAILABLE, java.nio.ByteBuffer.allocate(4).putInt(permits).array());
        }
    }

    @Override
    void restore(Iterable<java.util.Map.Entry<Long, byte[]>> stored) {
        Integer available = null;
        for (java.util.Map.Entry<Long, byte[]> r : stored) {
            if (r.getKey() == AVAILABLE && r.getValue().length == 4) {
                available = java.nio.ByteBuffer.wrap(r.getValue()).getInt(); // a group's: comes first
                continue;
            }
            if (r.getKey() > 0) {
                restoreHeld(r.getKey(), r.getValue());
                continue;
            }
            if (r.getKey() != 0 || r.getValue().length != 4) {
                throw new IllegalArgumentException("semaphore '" + name + "': malformed record " + r.getKey());
            }
            int count = java.nio.ByteBuffer.wrap(r.getValue()).getInt();
            if (count < 0 || bounded && count > initial) {
                // never written: permits are not negative, and a bounded semaphore holds at most its initial value
                throw new IllegalArgumentException("semaphore '" + name + "': record 0 holds " + count
                        + " permits, outside 0.." + (bounded ? initial : Integer.MAX_VALUE));
            }
            permits = count;
        }
        if (available != null) {
            if (available < 0 || bounded && available > initial) {
                throw new IllegalArgumentException("semaphore '" + name + "': record " + AVAILABLE + " holds "
                        + available + " permits, outside 0.." + (bounded ? initial : Integer.MAX_VALUE));
            }
            permits = available;
        }
    }

    /** Reads a registry group's record of what session {@code session} holds and its newest grants. */
    private void restoreHeld(long session, byte[] record) {
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(record);
        if (record.length < 8) {
            throw new IllegalArgumentException("semaphore '" + name + "': malformed record " + session);
        }
        int held = in.getInt();
        int n = in.getInt();
        if (held < 0 || n < 0 || n > REMEMBERED_GRANTS || record.length != 8 + 8 * n) {
            throw new IllegalArgumentException("semaphore '" + name + "': malformed record " + session);
        }
        if (held > 0) {
            heldBySession.put(session, held);
        }
        java.util.ArrayDeque<Long> grants = new java.util.ArrayDeque<>();
        for (int i = 0; i < n; i++) {
            grants.addLast(in.getLong());
        }
        grantsBySession.put(session, grants);
    }

    @Override
    void writeState(RecordSink sink) {
        sink.put(0, java.nio.ByteBuffer.allocate(4).putInt(permitsAfterRestart()).array());
    }
}
