package io.jmanager.registry;

import java.util.Arrays;

/** An encoded key or value compared by its bytes: the registry's map key. Immutable (it owns its array). */
final class Bytes {
    private final byte[] bytes;
    private final int hash;

    Bytes(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    byte[] bytes() {
        return bytes;
    }

    /**
     * Removes from {@code items} every element that is (or, with {@code retain}, is not) among {@code values},
     * comparing bytes; returns how many were removed.
     */
    static int removeMatching(java.util.Collection<byte[]> items, byte[][] values, boolean retain) {
        java.util.Set<Bytes> set = new java.util.HashSet<>();
        for (byte[] v : values) {
            set.add(new Bytes(v));
        }
        int before = items.size();
        items.removeIf(item -> set.contains(new Bytes(item)) != retain);
        return before - items.size();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Bytes other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
