package io.jmanager.wire;

import java.rmi.RemoteException;

/** Python's {@code Event}: a flag that waiters can wait for. */
public interface RemoteEvent extends RemoteBlocking {
    void set() throws RemoteException;

    void clear() throws RemoteException;

    boolean isSet() throws RemoteException;

    /** Waits up to {@code waitNanos} for the flag; returns the flag. */
    boolean await(long session, long waitId, long waitNanos) throws RemoteException;
}
