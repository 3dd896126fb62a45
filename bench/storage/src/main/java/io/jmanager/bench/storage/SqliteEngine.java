package io.jmanager.bench.storage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;

/**
 * SQLite (xerial sqlite-jdbc) in WAL mode. One connection, used only by the committer thread: writers
 * hand their row to the group committer, which runs each group in one transaction. Durable runs use
 * synchronous=FULL (the WAL is fsynced at every commit), no-sync runs synchronous=OFF.
 */
final class SqliteEngine extends Engine {
    static final String FILE = "store.db";

    @Override
    String name() {
        return "sqlite";
    }

    @Override
    Class<?> engineClass() {
        return org.sqlite.JDBC.class;
    }

    @Override
    String nativeCode() {
        return "JNI: libsqlitejdbc for many OS/arch pairs inside the jar, extracted to java.io.tmpdir at start";
    }

    static Connection open(Path dir, String synchronous) throws Exception {
        Files.createDirectories(dir);
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve(FILE));
        try (Statement s = c.createStatement()) {
            s.execute("PRAGMA journal_mode=WAL");
            s.execute("PRAGMA synchronous=" + synchronous);
            s.execute("CREATE TABLE IF NOT EXISTS log (k INTEGER PRIMARY KEY, v BLOB NOT NULL)");
            s.execute("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v BLOB NOT NULL) WITHOUT ROWID");
        }
        c.setAutoCommit(false);
        return c;
    }

    private record Row(long key, String skey, byte[] value) {
    }

    @Override
    Writer openWriter(Path dir, Sync sync, Keys keys) throws Exception {
        Connection c = open(dir, sync == Sync.DURABLE ? "FULL" : "OFF");
        PreparedStatement insertLog = c.prepareStatement("INSERT INTO log(k, v) VALUES (?, ?)");
        PreparedStatement upsertKv = c.prepareStatement("INSERT OR REPLACE INTO kv(k, v) VALUES (?, ?)");
        GroupCommitter<Row> committer = new GroupCommitter<>("sqlite-committer", batch -> {
            for (Row r : batch) {
                PreparedStatement ps;
                if (r.skey == null) {
                    ps = insertLog;
                    ps.setLong(1, r.key);
                } else {
                    ps = upsertKv;
                    ps.setString(1, r.skey);
                }
                ps.setBytes(2, r.value);
                ps.executeUpdate();
            }
            c.commit();
        });
        return new Writer() {
            @Override
            public void put(long key, byte[] value) throws Exception {
                committer.submit(new Row(key, null, value));
            }

            @Override
            public void put(String key, byte[] value) throws Exception {
                committer.submit(new Row(0, key, value));
            }

            @Override
            public long commits() {
                return committer.commits();
            }

            @Override
            public void close() throws Exception {
                committer.close();
                insertLog.close();
                upsertKv.close();
                c.close();
            }
        };
    }

    @Override
    void load(Path dir, int n) throws Exception {
        try (Connection c = open(dir, "NORMAL");
             PreparedStatement ps = c.prepareStatement("INSERT OR REPLACE INTO kv(k, v) VALUES (?, ?)")) {
            for (int i = 0; i < n; i++) {
                long k = Data.permuted(i, n);
                ps.setString(1, Data.key(k));
                ps.setBytes(2, Data.value(k));
                ps.executeUpdate();
                if (i % 50_000 == 49_999) {
                    c.commit();
                }
            }
            c.commit();
        }
    }

    @Override
    HashMap<String, byte[]> recover(Path dir) throws Exception {
        try (Connection c = open(dir, "FULL");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k, v FROM kv")) {
            HashMap<String, byte[]> out = newMap(1 << 16);
            while (rs.next()) {
                out.put(rs.getString(1), rs.getBytes(2));
            }
            return out;
        }
    }

    @Override
    HashMap<Long, byte[]> readLog(Path dir) throws Exception {
        try (Connection c = open(dir, "FULL");
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT k, v FROM log")) {
            HashMap<Long, byte[]> out = newMap(1 << 16);
            while (rs.next()) {
                out.put(rs.getLong(1), rs.getBytes(2));
            }
            return out;
        }
    }
}
