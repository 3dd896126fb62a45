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
 *
 * <p>A single registry keeps no records (arrivals belong to sessions, which do not survive a restart). In a registry
 * group ({@link #holdsReplicated()}) record 0 holds the whole state: broken ({@code byte}), generation
 * ({@code long}, counts trips and breaks), then the arrivals (session, wait id: {@code long}s; index: {@code int};
 * generation: {@code long}; state: {@code byte}, 0 waiting, 1 tripped, 2 broken). An arrival re-sent to a new leader
 * with the same wait id is the same arrival, and a tripped or broken arrival is kept until its generation is two
 * behind, so that a party whose answer was lost in a leader change still collects it.
 */
final class BarrierObject extends GuardedObject implements RemoteBarrier {
    private static final class Arrived {
        final long session;
        final int index;
        /** The barrier's generation when it arrived. */
        final long generation;
        boolean tripped;
        boolean broken;

        Arrived(long session, int index, long generation) {
            this.session = session;
            this.index = index;
            this.generation = generation;
        }
    }

    private record Key(long session, long waitId) {
    }

    private final int parties;
    private final Map<Key, Arrived> arrivals = new java.util.LinkedHashMap<>();
    /** Trips and breaks so far (group mode: finished arrivals are kept until two generations later). */
    private long generationNumber;
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
            Arrived arrived = holdsReplicated() ? arrivals.get(new Key(session, waitId)) : null;
            if (arrived == null) { // else re-sent to a new leader: the arrival it made before
                if (broken) {
                    throw brokenException();
                }
                arrived = new Arrived(session, generation.size(), generationNumber);
                generation.add(arrived);
                arrivals.put(new Key(session, waitId), arrived);
                if (generation.size() == parties) {
                    trip();
                }
                stateChanged();
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
        if (arrived.tripped || arrived.broken) {
            if (!holdsReplicated()) { // a group keeps it for a re-sent call (see the class comment)
                arrivals.remove(key);
            }
            if (arrived.broken) {
                throw brokenException();
            }
            return true;
        }
        return false;
    }

    @Override
    public boolean leave(long session, long waitId) {
        return locked(() -> {
            Arrived arrived = arrivals.remove(new Key(session, waitId));
            if (arrived != null) {
                stateChanged();
            }
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
        nextGeneration();
        signalChange();
    }

    private void breakBarrier() {
        broken = true;
        for (Arrived a : generation) {
            a.broken = true;
        }
        generation.clear();
        nextGeneration();
        signalChange();
    }

    /** Counts a trip or break; a group forgets the finished arrivals two generations old. */
    private void nextGeneration() {
        generationNumber++;
        if (holdsReplicated()) {
            arrivals.values().removeIf(a -> (a.tripped || a.broken) && a.generation < generationNumber - 2);
            stateChanged();
        }
    }

    /** In a registry group, writes record 0: the whole state. Call with the mutex held. */
    private void stateChanged() {
        if (!holdsReplicated()) {
            return;
        }
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(13 + 29 * arrivals.size());
        out.put((byte) (broken ? 1 : 0)).putLong(generationNumber).putInt(arrivals.size());
        for (Map.Entry<Key, Arrived> e : arrivals.entrySet()) {
            Arrived a = e.getValue();
            out.putLong(e.getKey().session()).putLong(e.getKey().waitId()).putInt(a.index).putLong(a.generation)
                    .put((byte) (a.tripped ? 1 : a.broken ? 2 : 0));
        }
        records.put(0, out.array());
    }

    @Override
    void restore(Iterable<Map.Entry<Long, byte[]>> stored) {
        for (Map.Entry<Long, byte[]> r : stored) {
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(r.getValue());
            if (r.getKey() != 0 || r.getValue().length < 13
                    || r.getValue().length != 13 + 29L * java.nio.ByteBuffer.wrap(r.getValue(), 9, 4).getInt()) {
                throw new IllegalArgumentException("barrier '" + name + "': malformed record " + r.getKey());
            }
            broken = in.get() == 1;
            generationNumber = in.getLong();
            int n = in.getInt();
            List<Arrived> waiting = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                long session = in.getLong();
                long waitId = in.getLong();
                Arrived a = new Arrived(session, in.getInt(), in.getLong());
                byte state = in.get();
                a.tripped = state == 1;
                a.broken = state == 2;
                arrivals.put(new Key(session, waitId), a);
                if (state == 0) {
                    waiting.add(a);
                }
            }
            waiting.sort(java.util.Comparator.comparingInt(a -> a.index));
            generation.addAll(waiting);
        }
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
            stateChanged();
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
        if (arrivals.entrySet().removeIf(e -> e.getKey().session() == session)) {
            stateChanged();
        }
    }
}
