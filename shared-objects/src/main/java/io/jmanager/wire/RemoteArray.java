package io.jmanager.wire;

import java.rmi.RemoteException;

/**
 * A typed value (length 1), array or struct array. Elements are typecode bits (see {@link io.jmanager.TypeCode});
 * a struct array of {@code n} elements with {@code f} fields has {@code n * f} slots, slot {@code i * f + k} being
 * field {@code k} of element {@code i}. The registry checks every slot's range against its field's typecode.
 */
public interface RemoteArray extends java.rmi.Remote {
    /** Number of slots. */
    int slots() throws RemoteException;

    long get(int slot) throws RemoteException;

    long[] getRange(int from, int to) throws RemoteException;

    void set(int slot, long bits) throws RemoteException;

    void setRange(int from, long[] bits) throws RemoteException;

    /** Adds a delta (see {@link io.jmanager.TypeCode#deltaBits}) and returns the new bits, range-checked. */
    long addAndGet(int slot, long deltaBits) throws RemoteException;

    boolean compareAndSet(int slot, long expectBits, long updateBits) throws RemoteException;

    long getAndSet(int slot, long bits) throws RemoteException;
}
