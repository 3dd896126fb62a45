package io.jmanager.bench.storage;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import org.rocksdb.FlushOptions;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksIterator;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;

/**
 * RocksDB (rocksdbjni). Writers call put themselves with WriteOptions.setSync(durable): RocksDB's
 * write path groups concurrent writers into one WAL write (and one fsync when sync is set).
 */
final class RocksDbEngine extends Engine {

    @Override
    String name() {
        return "rocksdb";
    }

    @Override
    Class<?> engineClass() {
        return RocksDB.class;
    }

    @Override
    String nativeCode() {
        return "JNI: librocksdbjni (C++), extracted to java.io.tmpdir at start; this jar: Linux x86-64 only";
    }

    static RocksDB open(Path dir) throws Exception {
        RocksDB.loadLibrary();
        Files.createDirectories(dir);
        try (Options options = new Options().setCreateIfMissing(true)) {
            return RocksDB.open(options, dir.toString());
        }
    }

    @Override
    Writer openWriter(Path dir, Sync sync, Keys keys) throws Exception {
        RocksDB db = open(dir);
        WriteOptions wo = new WriteOptions().setSync(sync == Sync.DURABLE);
        return new Writer() {
            @Override
            public void put(long key, byte[] value) throws Exception {
                db.put(wo, Data.longBytes(key), value);
            }

            @Override
            public void put(String key, byte[] value) throws Exception {
                db.put(wo, key.getBytes(StandardCharsets.ISO_8859_1), value);
            }

            @Override
            public long commits() {
                return -1;
            }

            @Override
            public void close() throws Exception {
                wo.close();
                db.close();
            }
        };
    }

    @Override
    void load(Path dir, int n) throws Exception {
        try (RocksDB db = open(dir); WriteOptions wo = new WriteOptions()) {
            WriteBatch batch = new WriteBatch();
            for (int i = 0; i < n; i++) {
                long k = Data.permuted(i, n);
                batch.put(Data.key(k).getBytes(StandardCharsets.ISO_8859_1), Data.value(k));
                if (i % 50_000 == 49_999 || i == n - 1) {
                    db.write(wo, batch);
                    batch.close();
                    batch = new WriteBatch();
                }
            }
            batch.close();
            try (FlushOptions fo = new FlushOptions().setWaitForFlush(true)) {
                db.flush(fo);
            }
        }
    }

    @Override
    HashMap<String, byte[]> recover(Path dir) throws Exception {
        try (RocksDB db = open(dir); RocksIterator it = db.newIterator()) {
            HashMap<String, byte[]> out = newMap(1 << 16);
            for (it.seekToFirst(); it.isValid(); it.next()) {
                out.put(new String(it.key(), StandardCharsets.ISO_8859_1), it.value());
            }
            return out;
        }
    }

    @Override
    HashMap<Long, byte[]> readLog(Path dir) throws Exception {
        try (RocksDB db = open(dir); RocksIterator it = db.newIterator()) {
            HashMap<Long, byte[]> out = newMap(1 << 16);
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k = it.key();
                if (k.length == 8) { // the Long keys of the log (the 16-byte keys belong to the kv workload)
                    out.put(Data.bytesLong(k), it.value());
                }
            }
            return out;
        }
    }
}
