package io.jmanager.registry;

/**
 * The durable image of one shared object: records keyed by {@code long}, each holding bytes. An object writes the
 * records its mutation changed, with its mutex held, so that the store and the object's memory change in the same
 * order; the remote call then waits for them to be durable ({@link Durability#awaitDurable()}) before it answers.
 * Each object type documents its own record layout; restoring the records it wrote rebuilds its state.
 */
interface Records extends RecordSink {
    /** The records of a registry without a data directory: nothing is kept. */
    Records NONE = new Records() {
        @Override
        public boolean durable() {
            return false;
        }

        @Override
        public void put(long key, byte[] value) {
        }

        @Override
        public void remove(long key) {
        }

        @Override
        public void clear() {
        }
    };

    /** Whether writes are kept; objects skip building records when not. */
    boolean durable();

    /** Removes the record under {@code key}, if any. */
    void remove(long key);

    /** Removes every record. */
    void clear();
}
