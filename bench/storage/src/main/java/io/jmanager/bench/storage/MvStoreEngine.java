package io.jmanager.bench.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import org.h2.mvstore.Cursor;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.LongDataType;
import org.h2.mvstore.type.StringDataType;

/**
 * H2 MVStore, one file. Auto-commit is off entirely: no background writer thread
 * ({@code autoCommitDisabled()} sets autoCommitDelay=0) and no commit from a writing thread when the
 * unsaved-page buffer fills ({@code autoCommitBufferSize(0)}), so the group committer is the only
 * thread that ever stores, and {@code commit()} writes synchronously on that thread.
 * "Commit everything so far and fsync it" is then {@code store.commit(); store.sync();}.
 */
final class MvStoreEngine extends Engine {
    static final String FILE = "store.mv.db";
    /**
     * setRetentionTime: 0 (as the registry uses) by default; -1 keeps MVStore's own default (45 s), under which
     * the file grows by every chunk written in the last 45 s (hundreds of MB under a steady commit stream).
     */
    static int retentionMs = 0;
    /** Keep MVStore's background writer thread (auto-commit every second, housekeeping, auto-compaction). */
    static boolean backgroundWriter = false;
    /** If &gt; 0: the committer calls store.compact(compactFillRate, compactBytes) at most this often (ms). */
    static int compactEveryMs = 0;
    static int compactFillRate = 50;
    static int compactBytes = 16 << 20;

    @Override
    String name() {
        return "mvstore";
    }

    @Override
    Class<?> engineClass() {
        return MVStore.class;
    }

    @Override
    String nativeCode() {
        return "none (pure Java)";
    }

    static MVStore open(Path dir) throws Exception {
        Files.createDirectories(dir);
        MVStore.Builder b = new MVStore.Builder().fileName(dir.resolve(FILE).toString());
        if (!backgroundWriter) {
            b.autoCommitDisabled().autoCommitBufferSize(0);
        }
        MVStore store = b.open();
        if (retentionMs >= 0) {
            store.setRetentionTime(retentionMs);
        }
        return store;
    }

    static MVMap<Long, byte[]> logMap(MVStore store) {
        return store.openMap("log", new MVMap.Builder<Long, byte[]>()
                .keyType(LongDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    static MVMap<String, byte[]> kvMap(MVStore store) {
        return store.openMap("kv", new MVMap.Builder<String, byte[]>()
                .keyType(StringDataType.INSTANCE).valueType(ByteArrayDataType.INSTANCE));
    }

    @Override
    Writer openWriter(Path dir, Sync sync, Keys keys) throws Exception {
        MVStore store = open(dir);
        MVMap<Long, byte[]> log = logMap(store);
        MVMap<String, byte[]> kv = kvMap(store);
        boolean fsync = sync == Sync.DURABLE;
        long[] lastCompact = {System.nanoTime()};
        GroupCommitter<Void> committer = new GroupCommitter<>("mvstore-committer", batch -> {
            store.commit();     // writes the new chunk with FileChannel.write on this thread; no fsync
            if (compactEveryMs > 0 && System.nanoTime() - lastCompact[0] > compactEveryMs * 1_000_000L) {
                lastCompact[0] = System.nanoTime();
                if (store.compact(compactFillRate, compactBytes)) {
                    store.commit(); // the rewritten pages go out with this group's fsync
                }
            }
            if (fsync) {
                if (backgroundWriter) {
                    // the background thread's commits write asynchronously (H2-serialization / H2-save
                    // executors) and commit() returns -1 without waiting for them when there is nothing
                    // left to store: drain those executors before the fsync
                    store.executeFilestoreOperation(() -> store.getFileStore().sync());
                } else {
                    store.sync();   // FileChannel.force(true)
                }
            }
        });
        return new Writer() {
            @Override
            public void put(long key, byte[] value) throws Exception {
                log.put(key, value);
                committer.submit(null);
            }

            @Override
            public void put(String key, byte[] value) throws Exception {
                kv.put(key, value);
                committer.submit(null);
            }

            @Override
            public long commits() {
                return committer.commits();
            }

            @Override
            public String notes() {
                FileStore<?> fs = store.getFileStore();
                return "file " + mb(fs.size()) + " MB, fill rate " + fs.getFillRate() + "%, chunk fill rate "
                        + fs.getChunksFillRate() + "%, retention " + fs.getRetentionTime() + " ms";
            }

            @Override
            public void close() throws Exception {
                committer.close();
                store.close();
            }
        };
    }

    @Override
    void load(Path dir, int n) throws Exception {
        MVStore store = open(dir);
        try {
            MVMap<String, byte[]> kv = kvMap(store);
            for (int i = 0; i < n; i++) {
                long k = Data.permuted(i, n);
                kv.put(Data.key(k), Data.value(k));
                if (i % 50_000 == 49_999) {
                    store.commit();
                }
            }
        } finally {
            store.close();
        }
    }

    @Override
    HashMap<String, byte[]> recover(Path dir) throws Exception {
        MVStore store = open(dir);
        try {
            MVMap<String, byte[]> kv = kvMap(store);
            HashMap<String, byte[]> out = newMap(1 << 16);
            Cursor<String, byte[]> c = kv.cursor(null);
            while (c.hasNext()) {
                String k = c.next();
                out.put(k, c.getValue());
            }
            return out;
        } finally {
            store.close();
        }
    }

    @Override
    HashMap<Long, byte[]> readLog(Path dir) throws Exception {
        MVStore store = open(dir);
        try {
            MVMap<Long, byte[]> log = logMap(store);
            HashMap<Long, byte[]> out = newMap(1 << 16);
            Cursor<Long, byte[]> c = log.cursor(null);
            while (c.hasNext()) {
                Long k = c.next();
                out.put(k, c.getValue());
            }
            return out;
        } finally {
            store.close();
        }
    }

    static String mb(long bytes) {
        return String.format("%.1f", bytes / 1e6);
    }
}
