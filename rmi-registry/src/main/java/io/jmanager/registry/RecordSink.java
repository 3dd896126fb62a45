package io.jmanager.registry;

/** Receives records: a store, an export, or a test. */
@FunctionalInterface
interface RecordSink {
    /** Sets the record under {@code key}; the sink may keep {@code value} (callers never change it afterwards). */
    void put(long key, byte[] value);
}
