package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteLock;

/**
 * Python's {@code Lock} (non-reentrant: a second acquire by the holder blocks) or {@code RLock} (reentrant per
 * owner). The owner is {@code (session, thread)}. Each new grant takes the next fencing token; re-entry keeps the
 * current one.
 *
 * <p>Holds belong to sessions and sessions do not survive a restart, so a restarted registry has every lock free.
 * Fencing tokens stay monotonic across restarts: record 0 is their {@link CeilingCounter}'s ceiling.
 *
 * <p>In a registry group ({@link #holdsReplicated()}), whose sessions survive a leader change, the holder is
 * replicated too: record {@value #HOLDER} holds session ({@code long}), thread ({@code long}), hold count
 * ({@code int}), token ({@code long}) and the wait id of the newest grant ({@code long}); no record while free. A
 * worker that re-sends an acquire whose answer it lost in a leader change (same session, thread and wait id) gets
 * the grant it was given instead of a second one.
 */
final class LockObject extends GuardedObject implements RemoteLock {
    private final boolean reentrant;
    private long holderSession;
    private long holderThread;
    private int holds;
    private long token;
    private final CeilingCounter tokens = new CeilingCounter();
    private long sinceMillis;
    /** When the current holder was granted the lock ({@link System#nanoTime()}), for its hold time. */
    private long grantedNanos;
    /** The wait id of the newest grant to the holder (group mode: a re-sent acquire gets it again). */
    private long grantWaitId;
    /** The record of the holder in a registry group. */
    static final long HOLDER = 1;

    LockObject(String name, ObjectSpec spec, RegistryContext limits) {
        super(name, spec, limits);
        this.reentrant = spec.type() == ObjectType.RLOCK;
    }

    @Override
    String summary() {
        return holds == 0 ? "unlocked" : "locked by session " + holderSession + " thread " + holderThread
                + (reentrant ? " (" + holds + " holds)" : "") + ", token " + token + ", " + waiters.size()
                + " waiting";
    }

    @Override
    public long acquire(long session, long thread, long waitId, long waitNanos) {
        long called = System.nanoTime();
        mutex.lock();
        try {
            if (holdsReplicated() && holds > 0 && isHolder(session, thread) && grantWaitId == waitId) {
                checkAlive();
                limits.sessions().check(session);
                return token; // re-sent after a leader change: this grant was committed before it
            }
            Long granted = awaitGrant(session, thread, waitId, waitNanos,
                    () -> tryAcquire(session, thread, 1, waitId));
            if (granted != null && grantedNanos - called >= 0) { // a new grant in this call, not a re-entry
                limits.observer().lockGranted(name, grantedNanos - called);
            }
            return granted == null ? 0 : granted;
        } finally {
            unlock();
        }
    }

    /** Grants {@code count} holds to the owner if possible; returns the token or null. Call with the mutex held. */
    Long tryAcquire(long session, long thread, int count) {
        return tryAcquire(session, thread, count, 0);
    }

    /** {@link #tryAcquire(long, long, int)} for the wait {@code waitId} (0 for none). Call with the mutex held. */
    private Long tryAcquire(long session, long thread, int count, long waitId) {
        if (holds == 0) {
            holderSession = session;
            holderThread = thread;
            holds = count;
            token = tokens.next(records, 0);
            sinceMillis = System.currentTimeMillis();
            grantedNanos = System.nanoTime();
            grantWaitId = waitId;
            holderChanged();
            return token;
        }
        if (reentrant && isHolder(session, thread)) {
            holds += count;
            grantWaitId = waitId;
            holderChanged();
            return token;
        }
        return null;
    }

    /** In a registry group, writes the holder record (or removes it when free). Call with the mutex held. */
    private void holderChanged() {
        if (!holdsReplicated()) {
            return;
        }
        if (holds == 0) {
            records.remove(HOLDER);
        } else {
            records.put(HOLDER, java.nio.ByteBuffer.allocate(36).putLong(holderSession).putLong(holderThread)
                    .putInt(holds).putLong(token).putLong(grantWaitId).array());
        }
    }

    @Override
    public void release(long session, long thread) {
        lockedRun(() -> {
            limits.sessions().check(session);
            checkHolder(session, thread, "unlock");
            if (--holds == 0) {
                free();
            } else {
                holderChanged();
            }
        });
    }

    /** Releases every hold of the owner and returns how many there were. Call with the mutex held. */
    int releaseFully(long session, long thread, String operation) {
        checkHolder(session, thread, operation);
        int count = holds;
        free();
        return count;
    }

    /** Throws {@link IllegalMonitorStateException} unless the owner holds the lock. Call with the mutex held. */
    void checkHolder(long session, long thread, String operation) {
        if (holds == 0) {
            throw new IllegalMonitorStateException(operation + " of " + spec.type() + " '" + name
                    + "' by a thread that does not hold it: it is not locked");
        }
        if (!isHolder(session, thread)) {
            throw new IllegalMonitorStateException(operation + " of " + spec.type() + " '" + name
                    + "' by a thread that does not hold it (session " + session + ", thread " + thread
                    + "); it is held by session " + holderSession + ", thread " + holderThread);
        }
    }

    private boolean isHolder(long session, long thread) {
        return holds > 0 && holderSession == session && holderThread == thread;
    }

    private void free() {
        limits.observer().lockFreed(name, System.nanoTime() - grantedNanos);
        holds = 0;
        token = 0;
        holderSession = 0;
        holderThread = 0;
        grantWaitId = 0;
        holderChanged();
        signalChange();
    }

    @Override
    void sessionEnded(long session, SessionEnd how) {
        super.sessionEnded(session, how);
        if (holds > 0 && holderSession == session) {
            long held = System.nanoTime() - grantedNanos;
            long lost = token;
            free();
            if (how.abandoned()) {
                limits.observer().lockRecovered(name, session, lost, held, waiters.size(), how);
            }
        }
    }

    @Override
    java.util.Map<Long, String> holdings() {
        return holds == 0 ? java.util.Map.of() : java.util.Map.of(holderSession, spec.type().name()
                .toLowerCase(java.util.Locale.ROOT) + " '" + name + "'");
    }

    @Override
    public int holdCount(long session, long thread) {
        return locked(() -> isHolder(session, thread) ? holds : 0);
    }

    @Override
    public boolean isLocked() {
        return locked(() -> holds > 0);
    }

    @Override
    public long currentToken() {
        return locked(() -> token);
    }

    /**
     * Throws {@link io.jmanager.StaleTokenException} unless {@code given} is the current holder's token. Takes the
     * lock's mutex; callers may hold another object's mutex (a lock never takes another object's mutex, so the
     * order object, then lock, cannot deadlock).
     */
    void checkToken(long given) {
        mutex.lock();
        try {
            checkAlive();
            if (given <= 0 || holds == 0 || given != token) {
                throw new io.jmanager.StaleTokenException("stale fencing token " + given + " for " + spec.type()
                        + " '" + name + "': " + (holds == 0 ? "the lock is free now" : "it is held now with token "
                        + token) + "; the writer lost the lock (session ended, paused past its lease, or"
                        + " unlocked). Nothing was written");
            }
        } finally {
            unlock();
        }
    }

    /** The lock's state for operators. */
    io.jmanager.wire.LockInfo info() {
        mutex.lock();
        try {
            return new io.jmanager.wire.LockInfo(name, spec.type(), holderSession, holderThread, holds,
                    holds == 0 ? 0 : sinceMillis, token, java.util.List.copyOf(waiters.describe()));
        } finally {
            unlock();
        }
    }

    @Override
    void restore(Iterable<java.util.Map.Entry<Long, byte[]>> stored) {
        for (java.util.Map.Entry<Long, byte[]> r : stored) {
            if (r.getKey() == HOLDER) {
                restoreHolder(r.getValue());
            } else if (r.getKey() != 0) {
                throw new IllegalArgumentException(spec.type() + " '" + name + "': unexpected record " + r.getKey());
            } else {
                tokens.restore(r.getValue());
            }
        }
        if (holds > 0 && (token <= 0 || tokens.peekCeiling() < token)) {
            throw new IllegalArgumentException(spec.type() + " '" + name + "': the holder's token " + token
                    + " is above the recorded token ceiling " + tokens.peekCeiling());
        }
    }

    /** Reads record {@value #HOLDER}: a registry group's leader rebuilds the holder its predecessor committed. */
    private void restoreHolder(byte[] record) {
        if (record.length != 36) {
            throw new IllegalArgumentException(spec.type() + " '" + name + "': malformed holder record of "
                    + record.length + " bytes");
        }
        java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(record);
        holderSession = in.getLong();
        holderThread = in.getLong();
        holds = in.getInt();
        token = in.getLong();
        grantWaitId = in.getLong();
        if (holds <= 0 || !reentrant && holds != 1) {
            throw new IllegalArgumentException(spec.type() + " '" + name + "': holder record with " + holds
                    + " holds");
        }
        sinceMillis = System.currentTimeMillis();
        grantedNanos = System.nanoTime();
    }

    @Override
    void writeState(RecordSink sink) {
        sink.put(0, tokens.record());
    }
}
