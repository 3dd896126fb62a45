package io.jmanager.wire;

import java.rmi.RemoteException;

/** A FIFO queue of encoded values, optionally bounded, with Python JoinableQueue's task accounting. */
public interface RemoteQueue extends RemoteBlocking {
    /** Appends the value, waiting up to {@code waitNanos} for space; false if still full. */
    boolean offer(long session, long waitId, byte[] value, long waitNanos) throws RemoteException;

    /** Appends as many values as fit now, in order; returns how many were appended. */
    int offerAll(byte[][] values) throws RemoteException;

    /** Removes the head, waiting up to {@code waitNanos} for one; null if still empty. */
    byte[] poll(long session, long waitId, long waitNanos) throws RemoteException;

    byte[] peek() throws RemoteException;

    /** Removes up to {@code max} elements from the head. */
    byte[][] drain(int max) throws RemoteException;

    int size() throws RemoteException;

    /** Space left, or {@link Integer#MAX_VALUE} if unbounded. */
    int remainingCapacity() throws RemoteException;

    byte[][] snapshot() throws RemoteException;

    boolean removeFirst(byte[] value) throws RemoteException;

    int removeMatching(byte[][] values, boolean retain) throws RemoteException;

    void clear() throws RemoteException;

    /**
     * Marks {@code count} tasks done (Python's {@code task_done}).
     *
     * @throws IllegalStateException if called more times than items were put
     */
    void taskDone(int count) throws RemoteException;

    /** Waits up to {@code waitNanos} until every put item was marked done; true when none is unfinished. */
    boolean join(long session, long waitId, long waitNanos) throws RemoteException;

    int unfinishedTasks() throws RemoteException;

    /**
     * At-least-once queues only: removes the head as a delivery owned by {@code session} until it is acknowledged,
     * waiting up to {@code waitNanos} for one. Returns the 8-byte big-endian delivery id followed by the item's
     * bytes, or null if still empty. An unacknowledged delivery returns to the head of the queue when its
     * visibility timeout passes or its session ends.
     *
     * @throws IllegalStateException for a plain queue
     */
    byte[] pollDelivery(long session, long waitId, long waitNanos) throws RemoteException;

    /**
     * Acknowledges a delivery: its item is gone for good. Returns false if the delivery is no longer out (it
     * expired and went back to the queue, or was acknowledged already).
     */
    boolean ack(long session, long deliveryId) throws RemoteException;

    /** Returns an unacknowledged delivery to the head of the queue now; false if it is no longer out. */
    boolean nack(long session, long deliveryId) throws RemoteException;

    /** How many deliveries are out, unacknowledged. */
    int inFlight() throws RemoteException;
}
