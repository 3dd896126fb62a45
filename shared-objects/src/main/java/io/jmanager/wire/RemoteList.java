package io.jmanager.wire;

import java.rmi.RemoteException;

/**
 * A list of encoded values ({@code null} elements are stored as the encoded null). Every method is atomic on the
 * registry. Indexes are checked on the registry: a bad one gives {@link IndexOutOfBoundsException}.
 */
public interface RemoteList extends java.rmi.Remote {
    byte[] get(int index) throws RemoteException;

    byte[] set(int index, byte[] value) throws RemoteException;

    void append(byte[] value) throws RemoteException;

    void insert(int index, byte[] value) throws RemoteException;

    void extend(byte[][] values) throws RemoteException;

    void insertAll(int index, byte[][] values) throws RemoteException;

    /** Removes and returns the element at {@code index}; negative indexes count from the end, as in Python. */
    byte[] pop(int index) throws RemoteException;

    /** Removes the first element equal to {@code value} (by bytes); false if none. */
    boolean removeFirst(byte[] value) throws RemoteException;

    /** Removes every element that is (or, with {@code retain}, is not) among {@code values}; returns the count. */
    int removeMatching(byte[][] values, boolean retain) throws RemoteException;

    int size() throws RemoteException;

    void clear() throws RemoteException;

    /** All elements, in one atomic step. */
    byte[][] snapshot() throws RemoteException;

    /** Elements {@code from} (inclusive) to {@code to} (exclusive). */
    byte[][] slice(int from, int to) throws RemoteException;

    /** Replaces elements {@code from..to} with {@code values} (Python's slice assignment; lengths may differ). */
    void setSlice(int from, int to, byte[][] values) throws RemoteException;

    /** The first index of {@code value} within {@code [from, to)}, or -1. */
    int indexOf(byte[] value, int from, int to) throws RemoteException;

    int lastIndexOf(byte[] value) throws RemoteException;

    int count(byte[] value) throws RemoteException;

    /**
     * Sorts on the registry: numbers numerically, strings lexicographically.
     *
     * @throws IllegalArgumentException if the elements are not all numbers or all strings
     */
    void sort(boolean reverse) throws RemoteException;
}
