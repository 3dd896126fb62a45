package io.jmanager.wire;

import java.rmi.RemoteException;
import java.util.concurrent.BrokenBarrierException;

/**
 * Python's {@code Barrier}. An await spans calls identified by {@code waitId}: {@link #arrive} takes the arrival
 * index and waits a first slice; {@link #awaitTrip} waits further slices; {@link #leave} gives up (timeout or
 * interrupt), which breaks the barrier unless it had already tripped.
 */
public interface RemoteBarrier extends RemoteBlocking {
    /**
     * Arrives; returns {@link Arrival#encode encoded} (index, tripped).
     *
     * @throws BrokenBarrierException if the barrier is broken
     */
    long arrive(long session, long thread, long waitId, long waitNanos) throws RemoteException, BrokenBarrierException;

    /**
     * Waits for the trip of the generation the wait arrived in; true when tripped.
     *
     * @throws BrokenBarrierException if the barrier broke (abort, reset, timeout or a dead party)
     */
    boolean awaitTrip(long session, long waitId, long waitNanos) throws RemoteException, BrokenBarrierException;

    /** Gives up waiting: breaks the barrier unless it had tripped; returns true if it had tripped. */
    boolean leave(long session, long waitId) throws RemoteException;

    /** Breaks the barrier: current and future waiters get {@link BrokenBarrierException} until {@link #reset}. */
    void abort() throws RemoteException;

    /** Returns the barrier to its initial state; current waiters get {@link BrokenBarrierException}. */
    void reset() throws RemoteException;

    boolean isBroken() throws RemoteException;

    int parties() throws RemoteException;

    int numberWaiting() throws RemoteException;

    /** Encodes an arrival index and a tripped flag in one {@code long}. */
    final class Arrival {
        private Arrival() {
        }

        public static long encode(int index, boolean tripped) {
            return ((long) index << 1) | (tripped ? 1 : 0);
        }

        public static int index(long encoded) {
            return (int) (encoded >>> 1);
        }

        public static boolean tripped(long encoded) {
            return (encoded & 1) != 0;
        }
    }
}
