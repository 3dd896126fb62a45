package io.jmanager.wire;

import java.rmi.RemoteException;

/**
 * A condition bound to a lock or rlock. An await spans several calls identified by {@code waitId}:
 * {@link #awaitBegin} releases the lock fully and enters the wait set; {@link #awaitSlice} waits for a signal and
 * then reacquires the lock with its former hold count; {@link #awaitGiveUp} leaves the wait set on a timeout or an
 * interrupt (the lock must still be reacquired with {@code awaitSlice}).
 */
public interface RemoteCondition extends RemoteBlocking {
    /** Still waiting: call {@link #awaitSlice} again. */
    int WAITING = 0;
    /** Signalled, and the lock is held again. */
    int SIGNALLED = 1;
    /** Gave up (timeout or interrupt) and the lock is held again. */
    int GAVE_UP = 2;

    /** @throws IllegalMonitorStateException if the owner does not hold the condition's lock */
    void awaitBegin(long session, long thread, long waitId) throws RemoteException;

    /** Waits up to {@code waitNanos}; returns {@link #WAITING}, {@link #SIGNALLED} or {@link #GAVE_UP}. */
    int awaitSlice(long session, long thread, long waitId, long waitNanos) throws RemoteException;

    /** Leaves the wait set; returns true if a signal had already been received. */
    boolean awaitGiveUp(long session, long thread, long waitId) throws RemoteException;

    /** @throws IllegalMonitorStateException if the owner does not hold the condition's lock */
    void signal(long session, long thread) throws RemoteException;

    /** @throws IllegalMonitorStateException if the owner does not hold the condition's lock */
    void signalAll(long session, long thread) throws RemoteException;
}
