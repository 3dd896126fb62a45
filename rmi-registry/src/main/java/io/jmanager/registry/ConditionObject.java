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
 */
final class ConditionObject extends GuardedObject implements RemoteCondition {
    private enum State { WAITING, SIGNALLED, GAVE_UP }

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
        return "bound to " + lock.spec.type() + " '" + lock.name + "', " + waitSet.size() + " waiting";
    }

    @Override
    public void awaitBegin(long session, long thread, long waitId) {
        lockedRun(() -> {
            checkWaiterRoom(waitSet.size());
            int holds = lock.releaseFully(session, thread, "await on condition '" + name + "'");
            waitSet.put(new Key(session, waitId), new CondWaiter(session, thread, holds));
        });
    }

    @Override
    public int awaitSlice(long session, long thread, long waitId, long waitNanos) {
        mutex.lock();
        try {
            checkAlive();
            limits.sessions().check(session); // an ended session's waits are gone: say why
            CondWaiter w = waiter(session, waitId);
            Integer result = awaitGrant(session, waitId, waitNanos, () -> {
                if (w.state == State.WAITING || lock.tryAcquire(session, thread, w.savedHolds) == null) {
                    return null;
                }
                waitSet.remove(new Key(session, waitId));
                return w.state == State.SIGNALLED ? SIGNALLED : GAVE_UP;
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
                return false;
            }
            return w.state == State.SIGNALLED;
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
        for (Iterator<CondWaiter> it = waitSet.values().iterator(); it.hasNext(); ) {
            CondWaiter w = it.next();
            if (w.session == session) {
                if (w.state == State.SIGNALLED) {
                    lostSignals++;
                }
                it.remove();
            }
        }
        if (lostSignals > 0) {
            for (CondWaiter w : waitSet.values()) {
                if (lostSignals > 0 && w.state == State.WAITING) {
                    w.state = State.SIGNALLED;
                    lostSignals--;
                }
            }
            signalChange();
        }
    }
}
