package io.jmanager.wire;

import java.rmi.RemoteException;

/** A counting semaphore, optionally bounded (releasing above the initial value is an error). */
public interface RemoteSemaphore extends RemoteBlocking {
    /** Takes {@code permits}, waiting up to {@code waitNanos}; false if they were not available in time. */
    boolean acquire(long session, long waitId, int permits, long waitNanos) throws RemoteException;

    /** @throws IllegalStateException for a bounded semaphore released above its initial value */
    void release(long session, int permits) throws RemoteException;

    int availablePermits() throws RemoteException;

    int drainPermits(long session) throws RemoteException;
}
