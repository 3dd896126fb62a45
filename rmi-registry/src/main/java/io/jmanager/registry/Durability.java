package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import java.util.List;
import java.util.Map;

/**
 * Where the registry keeps its objects: nowhere ({@link #IN_MEMORY}, like Python's manager) or in a data directory
 * ({@link MvStoreDurability}). Holds the catalog (name, id and spec of every object) and each object's
 * {@link Records}. Thread-safe.
 *
 * <p>Contract of a durable implementation: a record written before {@link #awaitDurable()} returns on the same
 * thread survives a crash of the process ({@code kill -9}) or, with an interval fsync policy, is durable (against a
 * crash of the machine too) within that interval plus the duration of one commit.
 */
interface Durability extends AutoCloseable {
    /** Tells {@code observer} of every group commit from now on ({@link RegistryObserver#committed}). */
    default void observe(RegistryObserver observer) {
    }

    /** An object as the catalog keeps it. */
    record StoredObject(String name, long id, ObjectSpec spec) {
    }

    /** No data directory: every object lives in memory only. */
    Durability IN_MEMORY = new Durability() {
        @Override
        public boolean durable() {
            return false;
        }

        @Override
        public long newObjectId() {
            return 0;
        }

        @Override
        public Records records(long objectId) {
            return Records.NONE;
        }

        @Override
        public void created(StoredObject object) {
        }

        @Override
        public void destroyed(StoredObject object) {
        }

        @Override
        public List<StoredObject> catalog() {
            return List.of();
        }

        @Override
        public List<Map.Entry<Long, byte[]>> recordsOf(StoredObject object) {
            return List.of();
        }

        @Override
        public long flush() {
            return -1;
        }

        @Override
        public void awaitVersion(long version) {
        }

        @Override
        public void awaitDurable() {
        }

        @Override
        public String describe() {
            return "in memory only (like Python's manager): objects are lost when the registry stops;"
                    + " start with --data-dir DIR to keep them";
        }

        @Override
        public void close() {
        }

        @Override
        public void abandon() {
        }
    };

    boolean durable();

    /**
     * Whether objects also write what sessions hold (lock holders, permits per session) as records: only in a
     * registry group, whose sessions are replicated too and survive a leader change (docs/group.md). A single
     * registry's sessions do not survive its restart, so it never writes them.
     */
    default boolean replicatesHolds() {
        return false;
    }

    /** A new object id, never used before in this store. */
    long newObjectId();

    /** The records of object {@code objectId}, created empty if new. */
    Records records(long objectId);

    /** Adds an object to the catalog. */
    void created(StoredObject object);

    /** Removes an object from the catalog and drops its records. */
    void destroyed(StoredObject object);

    /** Every object in the catalog, conditions after all other objects (they name their lock). */
    List<StoredObject> catalog();

    /**
     * The records of one object in ascending key order, each checked against its checksum.
     *
     * @return null if the object's records cannot be read and {@link #skipObject} accepted to skip it
     * @throws StoreDamage naming the object and the record, if one is damaged (and damaged records are not skipped)
     */
    List<Map.Entry<Long, byte[]>> recordsOf(StoredObject object);

    /**
     * At start-up, an object that cannot be restored: true if the operator asked to skip damaged records (the
     * object is then listed, dropped from the catalog at {@link #started()}, and must not be restored); false if
     * the start must stop.
     */
    default boolean skipObject(StoredObject object, String reason) {
        return false;
    }

    /** At start-up, whether the object's records were repaired: its restored state must be written back whole. */
    default boolean needsRewrite(long objectId) {
        return false;
    }

    /**
     * Every object was restored and the start is accepted: a repair or an accepted rollback is written back now
     * (before it, nothing was).
     */
    default void started() {
    }

    /** What the start found and accepted (skipped records, an accepted rollback); empty for a clean start. */
    default List<String> startNotes() {
        return List.of();
    }

    /**
     * Applies the records the calling thread wrote since its last flush, all together: a commit sees all of them
     * or none. Call with the mutex of the object that wrote them still held, at the end of the mutation.
     *
     * @return the store version the changes are in, for {@link #awaitVersion}; -1 if there were none
     * @throws IllegalStateException if the data directory failed
     */
    long flush();

    /**
     * Waits until store version {@code version} is durable (for {@code --fsync always}); returns at once for a
     * negative version or with an interval policy.
     *
     * @throws IllegalStateException if the data directory failed
     */
    void awaitVersion(long version);

    /**
     * Waits until every record the calling thread wrote (and flushed) is durable (for {@code --fsync always}); returns at once if
     * it wrote none, or with an interval policy.
     *
     * @throws IllegalStateException if the data directory failed; the registry then refuses further writes
     */
    void awaitDurable();

    /** One line for the start-up message: where and how objects are kept. */
    String describe();

    /** Closes after all that was committed and synced, without writing anything more (a refused start). */
    void abandon();

    @Override
    void close();
}
