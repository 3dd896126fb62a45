package io.jmanager.wire;

import java.rmi.RemoteException;

/**
 * A dict or a namespace: a map from encoded keys to encoded values, keys compared by their bytes. Every method is
 * atomic on the registry. Missing keys are answered with {@code null}; stored values are never {@code null}.
 */
public interface RemoteDict extends java.rmi.Remote {
    byte[] get(byte[] key) throws RemoteException;

    /** Stores the value and returns the previous one, or null. */
    byte[] put(byte[] key, byte[] value) throws RemoteException;

    byte[] putIfAbsent(byte[] key, byte[] value) throws RemoteException;

    byte[] remove(byte[] key) throws RemoteException;

    /** Removes the entry only if its value's bytes equal {@code value}. */
    boolean removeIfEquals(byte[] key, byte[] value) throws RemoteException;

    /** Replaces the value only if its bytes equal {@code expected}. */
    boolean replaceIfEquals(byte[] key, byte[] expected, byte[] value) throws RemoteException;

    /** Replaces the value only if the key is present; returns the previous value or null. */
    byte[] replace(byte[] key, byte[] value) throws RemoteException;

    boolean containsKey(byte[] key) throws RemoteException;

    boolean containsValue(byte[] value) throws RemoteException;

    int size() throws RemoteException;

    void clear() throws RemoteException;

    /** Stores all pairs in one atomic step; {@code keys.length == values.length}. */
    void putAll(byte[][] keys, byte[][] values) throws RemoteException;

    /** The values for all keys in one atomic step, {@code null} where a key is missing. */
    byte[][] getAll(byte[][] keys) throws RemoteException;

    /**
     * Adds the encoded number {@code delta} to the numeric value under {@code key} (absent counts as zero of the
     * delta's type) and returns the new encoded value.
     *
     * @throws IllegalArgumentException if the stored value is not a number, or the sum overflows its type
     */
    byte[] increment(byte[] key, byte[] delta) throws RemoteException;

    /**
     * Stores the value only if {@code token} is the current fencing token of the lock named {@code lockName}, that
     * is, only while the writer still holds that lock; returns the previous value or null.
     *
     * @throws io.jmanager.StaleTokenException if the token is not the lock's current one; nothing is written
     */
    byte[] putFenced(byte[] key, byte[] value, String lockName, long token) throws RemoteException;

    /**
     * Removes the key only if {@code token} is the current fencing token of the lock named {@code lockName}.
     *
     * @throws io.jmanager.StaleTokenException if the token is not the lock's current one; nothing is removed
     */
    byte[] removeFenced(byte[] key, String lockName, long token) throws RemoteException;

    /** A snapshot of all entries as {@code [k0, v0, k1, v1, ...]}, in insertion order. */
    byte[][] entries() throws RemoteException;

    /** Removes the keys whose entries are {@code [k0, v0, ...]} pairs that still hold those exact values. */
    int removeEntries(byte[][] pairs) throws RemoteException;
}
