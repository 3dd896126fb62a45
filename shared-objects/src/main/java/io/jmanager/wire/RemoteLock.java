package io.jmanager.wire;

import java.rmi.RemoteException;

/**
 * A lock (non-reentrant, Python's {@code Lock}) or an rlock (reentrant per owner, Python's {@code RLock}).
 * The owner is {@code (session, thread)}. Every grant carries a fencing token from a per-lock, strictly
 * increasing counter.
 */
public interface RemoteLock extends RemoteBlocking {
    /** Acquires, waiting up to {@code waitNanos}; returns the fencing token (&gt; 0), or 0 if not acquired. */
    long acquire(long session, long thread, long waitId, long waitNanos) throws RemoteException;

    /**
     * Releases one hold.
     *
     * @throws IllegalMonitorStateException if the owner does not hold the lock
     */
    void release(long session, long thread) throws RemoteException;

    /** How many times the owner holds the lock (0 or 1 for a non-reentrant lock). */
    int holdCount(long session, long thread) throws RemoteException;

    boolean isLocked() throws RemoteException;

    /** The current holder's fencing token, or 0 if the lock is free. */
    long currentToken() throws RemoteException;
}
