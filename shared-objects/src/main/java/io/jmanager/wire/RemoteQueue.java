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
}
