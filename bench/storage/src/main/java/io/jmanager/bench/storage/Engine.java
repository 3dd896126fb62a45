package io.jmanager.bench.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.stream.Stream;

/** One storage engine under test. Each method opens what it needs and closes it again. */
abstract class Engine {

    /** How a write is acknowledged. */
    enum Sync {
        /** acknowledged after the engine's commit and an fsync of the data (group commit) */
        DURABLE,
        /** acknowledged after the engine's commit has written the data to the OS, without fsync */
        NOSYNC
    }

    /** Which keys the write test uses. */
    enum Keys {
        /** Long keys from one global sequence: an append-only log (k INTEGER PRIMARY KEY) */
        SEQ,
        /** 16-byte String keys drawn uniformly from 100,000: updates in place */
        KV
    }

    /** Writers share one instance; put returns once the write is acknowledged (see {@link Sync}). */
    interface Writer extends AutoCloseable {
        void put(long key, byte[] value) throws Exception;

        void put(String key, byte[] value) throws Exception;

        /** Number of engine commits so far (group commits), or -1 where the engine does not say. */
        long commits();

        /** Engine-specific notes printed after a run (file fill rate, ...), or "". */
        default String notes() {
            return "";
        }

        @Override
        void close() throws Exception;
    }

    abstract String name();

    /** The class whose jar is reported as the engine's jar. */
    abstract Class<?> engineClass();

    /** Whether the engine carries native code. */
    abstract String nativeCode();

    abstract Writer openWriter(Path dir, Sync sync, Keys keys) throws Exception;

    /** Writes n entries of (16-byte String key, 100-byte value), then closes cleanly. */
    abstract void load(Path dir, int n) throws Exception;

    /** Opens the store written by {@link #load} and reads every entry into a HashMap. */
    abstract HashMap<String, byte[]> recover(Path dir) throws Exception;

    /** Opens the store written by a SEQ writer and reads every entry into a HashMap. */
    abstract HashMap<Long, byte[]> readLog(Path dir) throws Exception;

    static long sizeOf(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    static Engine byName(String name) {
        switch (name) {
            case "mvstore":
                return new MvStoreEngine();
            case "sqlite":
                return new SqliteEngine();
            case "rocksdb":
                return new RocksDbEngine();
            default:
                throw new IllegalArgumentException("unknown engine " + name + " (mvstore, sqlite, rocksdb)");
        }
    }

    static <K, V> HashMap<K, V> newMap(int expected) {
        return new HashMap<>(Math.max(16, (int) (expected / 0.75f) + 1));
    }
}
