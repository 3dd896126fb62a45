package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteCondition;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Python's {@code Condition}, bound to a lock or rlock whose mutex it shares. A waiter releases the lock fully in
 * {@link #awaitBegin}, waits in FIFO order for a signal, and in {@link #awaitSlice} reacquires the lock with the
 * hold count it had.
 *
 * <p>A single registry keeps no records (waits belong to sessions, which do not survive a restart). In a registry
 * group ({@link #holdsReplicated()}) record 0 holds the wait set: a count ({@code int}), then per wait its session,
 * wait id and thread ({@code long}s), saved holds ({@code int}) and state ({@code byte}: 0 waiting, 1 signalled,
 * 2 gave up, 3 done after a signal, 4 done after giving up). A finished wait (the lock held again) stays until its
 * thread begins another, so that each call re-sent to a new leader with the same wait id finds what it did.
 */
final class ConditionObject extends GuardedObject implements RemoteCondition {
    private enum State { WAITING, SIGNALLED, GAVE_UP, DONE_SIGNALLED, DONE_GAVE_UP;

        boolean done() {
            return this == DONE_SIGNALLED || this == DONE_GAVE_UP;
        }
    }

    private static final class CondWaiter {
        final long session;
        final long thread;
        final int savedHolds;
        State state = State.WAITING;

        CondWaiter(long session, long thread, int savedHolds) {
            this.session = session;
            this.thread = thread;
            this.savedHolds = savedHolds;
        }
    }

    private record Key(long session, long waitId) {
    }

    private final LockObject lock;
    private final Map<Key, CondWaiter> waitSet = new LinkedHashMap<>();

    ConditionObject(String name, ObjectSpec spec, RegistryContext limits, LockObject lock) {
        super(name, spec, limits, lock);
        this.lock = lock;
    }

    @Override
    void checkAlive() {
        super.checkAlive();
        lock.checkAlive();
    }

    @Override
    String summary() {
        return "bound to " + lock.spec.type() + " '" + lock.name + "', "
                + waitSet.values().stream().filter(w -> !w.state.done()).count() + " waiting";
    }

    @Override
    public void awaitBegin(long session, long thread, long waitId) {
        lockedRun(() -> {
            if (holdsReplicated()) {
                if (waitSet.containsKey(new Key(session, waitId))) {
                    return; // re-sent after a leader change: it began then
                }
                // the thread's finished waits: it began a new one, so it has their answers
                waitSet.values().removeIf(w -> w.session == session && w.thread == thread && w.state.done());
            }
            checkWaiterRoom(waitSet.size());
            int holds = lock.releaseFully(session, thread, "await on condition '" + name + "'");
            waitSet.put(new Key(session, waitId), new CondWaiter(session, thread, holds));
            waitSetChanged();
        });
    }

    @Override
    public int awaitSlice(long session, long thread, long waitId, long waitNanos) {
        mutex.lock();
        try {
            checkAlive();
            limits.sessions().check(session); // an ended session's waits are gone: say why
            CondWaiter w = waiter(session, waitId);
            if (w.state.done()) {
                return w.state == State.DONE_SIGNALLED ? SIGNALLED : GAVE_UP; // re-sent: it has the lock again
            }
            Integer result = awaitGrant(session, waitId, waitNanos, () -> {
                if (w.state == State.WAITING || lock.tryAcquire(session, thread, w.savedHolds) == null) {
                    return null;
                }
                int outcome = w.state == State.SIGNALLED ? SIGNALLED : GAVE_UP;
                if (holdsReplicated()) {
                    w.state = outcome == SIGNALLED ? State.DONE_SIGNALLED : State.DONE_GAVE_UP;
                } else {
                    waitSet.remove(new Key(session, waitId));
                }
                waitSetChanged();
                return outcome;
            });
            return result == null ? WAITING : result;
        } finally {
            unlock();
        }
    }

    @Override
    public boolean awaitGiveUp(long session, long thread, long waitId) {
        return locked(() -> {
            limits.sessions().check(session);
            CondWaiter w = waiter(session, waitId);
            if (w.state == State.WAITING) {
                w.state = State.GAVE_UP;
                waitSetChanged();
                return false;
            }
            return w.state == State.SIGNALLED || w.state == State.DONE_SIGNALLED;
        });
    }

    private CondWaiter waiter(long session, long waitId) {
        CondWaiter w = waitSet.get(new Key(session, waitId));
        if (w == null) {
            throw new IllegalStateException("no await in progress on condition '" + name + "' for wait " + waitId
                    + " of session " + session + " (was the session closed?)");
        }
        return w;
    }

    @Override
    public void signal(long session, long thread) {
        lockedRun(() -> {
            lock.checkHolder(session, thread, "signal of condition '" + name + "'");
            for (CondWaiter w : waitSet.values()) {
                if (w.state == State.WAITING) {
                    w.state = State.SIGNALLED;
                    waitSetChanged();
                    signalChange();
                    return;
                }
            }
        });
    }

    @Override
    public void signalAll(long session, long thread) {
        lockedRun(() -> {
            lock.checkHolder(session, thread, "signalAll of condition '" + name + "'");
            for (CondWaiter w : waitSet.values()) {
                if (w.state == State.WAITING) {
                    w.state = State.SIGNALLED;
                }
            }
            waitSetChanged();
            signalChange();
        });
    }

    /**
     * Drops the session's waiters. A signal one of them had received but not yet acted on (it had not reacquired
     * the lock) passes to the next waiter, so that a dead party never swallows a wakeup; at worst the next waiter
     * wakes spuriously, which {@code Condition} allows.
     */
    @Override
    void sessionEnded(long session, SessionEnd how) {
        super.sessionEnded(session, how);
        int lostSignals = 0;
        boolean removed = false;
        for (Iterator<CondWaiter> it = waitSet.values().iterator(); it.hasNext(); ) {
            CondWaiter w = it.next();
            if (w.session == session) {
                if (w.state == State.SIGNALLED) {
                    lostSignals++;
                }
                it.remove();
                removed = true;
            }
        }
        if (removed) {
            waitSetChanged();
        }
        if (lostSignals > 0) {
            for (CondWaiter w : waitSet.values()) {
                if (lostSignals > 0 && w.state == State.WAITING) {
                    w.state = State.SIGNALLED;
                    lostSignals--;
                }
            }
            waitSetChanged();
            signalChange();
        }
    }

    /** In a registry group, writes record 0: the wait set. Call with the mutex held. */
    private void waitSetChanged() {
        if (!holdsReplicated()) {
            return;
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(4 + 29 * waitSet.size()).putInt(waitSet.size());
        for (Map.Entry<Key, CondWaiter> e : waitSet.entrySet()) {
            CondWaiter w = e.getValue();
            out.putLong(w.session).putLong(e.getKey().waitId()).putLong(w.thread).putInt(w.savedHolds)
                    .put((byte) w.state.ordinal());
        }
        records.put(0, out.array());
    }

    @Override
    void restore(Iterable<Map.Entry<Long, byte[]>> stored) {
        for (Map.Entry<Long, byte[]> r : stored) {
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(r.getValue());
            if (r.getKey() != 0 || r.getValue().length < 4
                    || r.getValue().length != 4 + 29L * java.nio.ByteBuffer.wrap(r.getValue()).getInt()) {
                throw new IllegalArgumentException("condition '" + name + "': malformed record " + r.getKey());
            }
            int n = in.getInt();
            for (int i = 0; i < n; i++) {
                long session = in.getLong();
                long waitId = in.getLong();
                CondWaiter w = new CondWaiter(session, in.getLong(), in.getInt());
                int state = in.get();
                if (state < 0 || state >= State.values().length || w.savedHolds <= 0) {
                    throw new IllegalArgumentException("condition '" + name + "': malformed record 0");
                }
                w.state = State.values()[state];
                waitSet.put(new Key(session, waitId), w);
            }
        }
    }
}
