package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteEvent;

/** Python's {@code Event}: a flag; waiters wake when it is set. */
final class EventObject extends GuardedObject implements RemoteEvent {
    private boolean flag;

    EventObject(String name, ObjectSpec spec, RegistryContext limits) {
        super(name, spec, limits);
    }

    @Override
    String summary() {
        return (flag ? "set" : "clear") + ", " + waiters.size() + " waiting";
    }

    @Override
    public void set() {
        lockedRun(() -> {
            flag = true;
            signalChange();
        });
    }

    @Override
    public void clear() {
        lockedRun(() -> flag = false);
    }

    @Override
    public boolean isSet() {
        return locked(() -> flag);
    }

    @Override
    public boolean await(long session, long waitId, long waitNanos) {
        mutex.lock();
        try {
            return awaitGrant(session, waitId, waitNanos, () -> flag ? Boolean.TRUE : null) != null;
        } finally {
            mutex.unlock();
        }
    }
}
