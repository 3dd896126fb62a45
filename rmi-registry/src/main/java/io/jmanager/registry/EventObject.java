package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteEvent;

/** Python's {@code Event}: a flag; waiters wake when it is set. Record 0: the flag (one byte, 1 when set). */
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
            records.put(0, new byte[] {1});
            signalChange();
        });
    }

    @Override
    public void clear() {
        lockedRun(() -> {
            flag = false;
            records.put(0, new byte[] {0});
        });
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
            unlock();
        }
    }

    @Override
    void restore(Iterable<java.util.Map.Entry<Long, byte[]>> stored) {
        for (java.util.Map.Entry<Long, byte[]> r : stored) {
            if (r.getKey() != 0 || r.getValue().length != 1 || (r.getValue()[0] & 0xfe) != 0) {
                // only 0 and 1 are written: any other byte is damage, not a cleared flag
                throw new IllegalArgumentException("event '" + name + "': malformed record " + r.getKey());
            }
            flag = r.getValue()[0] == 1;
        }
    }

    @Override
    void writeState(RecordSink sink) {
        sink.put(0, new byte[] {(byte) (flag ? 1 : 0)});
    }
}
