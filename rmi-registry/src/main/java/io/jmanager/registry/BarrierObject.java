package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteBarrier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BrokenBarrierException;

/**
 * Python's {@code Barrier} (and Java's {@code CyclicBarrier}): {@code parties} arrivals trip it, each arrival of a
 * generation gets a distinct index {@code 0..parties-1}. Abort, reset, a waiter's timeout or the end of a waiting
 * session break it: every waiter of the generation gets {@link BrokenBarrierException}.
 */
final class BarrierObject extends GuardedObject implements RemoteBarrier {
    private static final class Arrived {
        final long session;
        final int index;
        boolean tripped;
        boolean broken;

        Arrived(long session, int index) {
            this.session = session;
            this.index = index;
        }
    }

    private record Key(long session, long waitId) {
    }

    private final int parties;
    private final Map<Key, Arrived> arrivals = new HashMap<>();
    private final List<Arrived> generation = new ArrayList<>();
    private boolean broken;

    BarrierObject(String name, ObjectSpec spec, RegistryContext limits) {
        super(name, spec, limits);
        this.parties = (int) spec.size();
    }

    @Override
    String summary() {
        return broken ? "broken" : generation.size() + "/" + parties + " waiting";
    }

    @Override
    public long arrive(long session, long thread, long waitId, long waitNanos) throws BrokenBarrierException {
        mutex.lock();
        try {
            checkAlive();
            // before arriving: a dead session's arrival would count as a party that never leaves
            limits.sessions().check(session);
            if (broken) {
                throw brokenException();
            }
            Arrived arrived = new Arrived(session, generation.size());
            generation.add(arrived);
            arrivals.put(new Key(session, waitId), arrived);
            if (generation.size() == parties) {
                trip();
            }
            boolean tripped = awaitTripLocked(session, waitId, waitNanos);
            return Arrival.encode(arrived.index, tripped);
        } finally {
            unlock();
        }
    }

    @Override
    public boolean awaitTrip(long session, long waitId, long waitNanos) throws BrokenBarrierException {
        mutex.lock();
        try {
            return awaitTripLocked(session, waitId, waitNanos);
        } finally {
            unlock();
        }
    }

    private boolean awaitTripLocked(long session, long waitId, long waitNanos) throws BrokenBarrierException {
        checkAlive();
        limits.sessions().check(session); // an ended session's arrivals are gone: say why
        Key key = new Key(session, waitId);
        Arrived arrived = arrivals.get(key);
        if (arrived == null) {
            throw new IllegalStateException("no wait in progress on barrier '" + name + "' for wait " + waitId
                    + " of session " + session + " (was the session closed?)");
        }
        awaitGrant(session, waitId, waitNanos, () -> arrived.tripped || arrived.broken ? Boolean.TRUE : null);
        if (arrived.tripped) {
            arrivals.remove(key);
            return true;
        }
        if (arrived.broken) {
            arrivals.remove(key);
            throw brokenException();
        }
        return false;
    }

    @Override
    public boolean leave(long session, long waitId) {
        return locked(() -> {
            Arrived arrived = arrivals.remove(new Key(session, waitId));
            if (arrived == null || arrived.tripped) {
                return arrived != null;
            }
            if (!arrived.broken) {
                breakBarrier();
            }
            return false;
        });
    }

    private void trip() {
        for (Arrived a : generation) {
            a.tripped = true;
        }
        generation.clear();
        signalChange();
    }

    private void breakBarrier() {
        broken = true;
        for (Arrived a : generation) {
            a.broken = true;
        }
        generation.clear();
        signalChange();
    }

    private BrokenBarrierException brokenException() {
        return new BrokenBarrierException("barrier '" + name + "' is broken (aborted, reset, a party timed out"
                + " or a party's session ended); call reset() to use it again");
    }

    @Override
    public void abort() {
        lockedRun(this::breakBarrier);
    }

    @Override
    public void reset() {
        lockedRun(() -> {
            breakBarrier();
            broken = false;
        });
    }

    @Override
    public boolean isBroken() {
        return locked(() -> broken);
    }

    @Override
    public int parties() {
        return parties;
    }

    @Override
    public int numberWaiting() {
        return locked(generation::size);
    }

    @Override
    void sessionEnded(long session, SessionEnd how) {
        super.sessionEnded(session, how);
        if (generation.stream().anyMatch(a -> a.session == session)) {
            breakBarrier();
        }
        arrivals.entrySet().removeIf(e -> e.getKey().session() == session);
    }
}
