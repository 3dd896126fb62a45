package io.jmanager.wire;

import java.rmi.Remote;
import java.rmi.RemoteException;

/** A shared object with blocking calls: any of them can be cancelled by its {@code (session, waitId)}. */
public interface RemoteBlocking extends Remote {
    /**
     * Cancels the wait {@code waitId} of {@code session}: if it is waiting now it returns at once without a grant;
     * if it has not arrived yet it will grant nothing when it does. Cancelling a finished wait has no effect.
     */
    void cancelWait(long session, long waitId) throws RemoteException;
}
