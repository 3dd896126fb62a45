package io.jmanager.registry;

import java.nio.ByteBuffer;

/**
 * A counter whose values keep increasing across restarts (fencing tokens, delivery ids) without a record write for
 * every value: its ceiling, one record, is raised in blocks of {@value #BLOCK} before a value passes it, and a
 * restored counter continues above it. Guarded by its object's mutex.
 */
final class CeilingCounter {
    static final long BLOCK = 1 << 20;
    private long last;
    private long ceiling;

    /** The next value; first writes a new ceiling as record {@code key} when the value would pass the old one. */
    long next(Records records, long key) {
        long value = ++last;
        if (value > ceiling) {
            ceiling = value + BLOCK;
            records.put(key, record());
        }
        return value;
    }

    /** The ceiling as a record, for {@link #restore}. */
    byte[] record() {
        return ByteBuffer.allocate(8).putLong(Math.max(ceiling, last)).array();
    }

    /** The ceiling as restored or raised: every value given so far is at most this. */
    long peekCeiling() {
        return Math.max(ceiling, last);
    }

    /**
     * Continues above a stored ceiling.
     *
     * @throws IllegalArgumentException if {@code record} is not one {@link #record()} wrote
     */
    void restore(byte[] record) {
        if (record.length != 8) {
            throw new IllegalArgumentException("malformed counter record of " + record.length + " bytes");
        }
        ceiling = ByteBuffer.wrap(record).getLong();
        last = ceiling;
    }
}
