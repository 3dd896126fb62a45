package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SessionExpiredException;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedLock;
import io.jmanager.SharedQueue;
import io.jmanager.SharedSemaphore;
import io.jmanager.SharedValue;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code registry.jar --data-dir} as an operator uses it: state survives SIGKILL, workers are told what a restart
 * kept, a second registry on the same directory and damaged or foreign directories are refused without being
 * touched, and {@code worker.jar export}/{@code import} move the whole state between registries.
 */
class DurableRegistryIT {
    @TempDir
    Path tmp;

    private static RegistryJar.Started registry(int port, String... more) throws Exception {
        List<String> options = new java.util.ArrayList<>(List.of("--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--advertise", "127.0.0.1", "--lease", "2000"));
        options.addAll(List.of(more));
        return new RegistryJar.Started(options.toArray(new String[0]));
    }

    private static String output(RegistryJar.Started registry) {
        return String.join("\n", registry.output());
    }

    @Test
    void everyAcknowledgedChangeSurvivesSigkillAndWorkersAreToldWhatARestartKeeps() throws Exception {
        Path dir = tmp.resolve("data");
        int port = RegistryJar.freePort();
        long tokenBefore;
        try (RegistryJar.Started first = registry(port, "--data-dir", dir.toString())) {
            assertTrue(output(first).contains("state is kept in data directory " + dir), output(first));
            Manager m = Manager.connect(first.url);
            SharedDict<String, Object> d = m.dict("d");
            for (int i = 0; i < 500; i++) {
                d.put("k" + i, i);
            }
            d.remove("k7");
            SharedList<String> l = m.list("l");
            l.addAll(List.of("a", "b", "c"));
            l.add(0, "front");
            SharedQueue<String> q = m.queue("q");
            q.put("t1");
            q.put("t2");
            SharedValue<Long> v = m.value("v", 'q', 0L);
            v.set(41L);
            SharedSemaphore s = m.semaphore("s", 3);
            assertTrue(s.tryAcquire(2, 0, TimeUnit.MILLISECONDS)); // held by this session when the registry dies: returned by the restart
            SharedLock lock = m.lock("lk");
            tokenBefore = lock.lockAndGetToken();

            first.process.destroyForcibly(); // SIGKILL
            assertTrue(first.process.waitFor(RegistryJar.millis(10_000), TimeUnit.MILLISECONDS));
            try (RegistryJar.Started second = registry(port, "--data-dir", dir.toString())) {
                assertTrue(output(second).contains("restored 6 objects"), output(second));
                SessionExpiredException told = assertThrows(SessionExpiredException.class, () -> d.get("k1"));
                assertTrue(told.getMessage().contains("restarted on its data directory"), told.getMessage());
                // the same proxies go on in a new session
                assertEquals(499, d.size());
                assertEquals(1, d.get("k1"));
                assertNull(d.get("k7"));
                assertEquals(List.of("front", "a", "b", "c"), List.copyOf(l));
                assertEquals("t1", q.poll());
                assertEquals(41L, v.get());
                assertEquals(3, s.availablePermits());
                try (Manager other = Manager.connect(second.url)) {
                    SharedLock free = other.lock("lk");
                    long token = free.tryLockAndGetToken(0, TimeUnit.MILLISECONDS);
                    assertTrue(token != 0, "lock holds do not survive a restart");
                    assertTrue(token > tokenBefore, token + " after " + tokenBefore);
                    free.unlock();
                }
                m.close();

                // the directory is this registry's while it runs
                RegistryJar.Result busy = RegistryJar.run("--port", String.valueOf(RegistryJar.freePort()),
                        "--data-dir", dir.toString());
                assertEquals(1, busy.code(), busy.output());
                assertTrue(busy.output().contains("in use by another running registry"), busy.output());
            }
        }
    }

    @Test
    void damagedForeignAndBadOptionsAreRefusedWithoutTouchingTheDirectory() throws Exception {
        Path dir = tmp.resolve("data");
        int port = RegistryJar.freePort();
        try (RegistryJar.Started r = registry(port, "--data-dir", dir.toString());
             Manager m = Manager.connect(r.url)) {
            m.dict("d").put("k", "v");
        }
        Path file = dir.resolve("registry.mv.db");
        byte[] original = Files.readAllBytes(file);
        byte[] damaged = original.clone();
        // MVStore keeps two copies of its file header (a damaged one is survived: the other is used); damage both
        // blocks of headers and every chunk after them instead
        for (int i = 0; i < damaged.length; i += 7) {
            damaged[i] = (byte) ~damaged[i];
        }
        Files.write(file, damaged);
        RegistryJar.Result corrupted = RegistryJar.run("--port", String.valueOf(port), "--data-dir",
                dir.toString());
        assertEquals(1, corrupted.code(), corrupted.output());
        assertTrue(corrupted.output().contains("corrupted"), corrupted.output());
        assertArrayEquals(damaged, Files.readAllBytes(file), "a refused data file must not be modified");

        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "someone else's");
        RegistryJar.Result notOurs = RegistryJar.run("--port", String.valueOf(port), "--data-dir",
                foreign.toString());
        assertEquals(1, notOurs.code(), notOurs.output());
        assertTrue(notOurs.output().contains("not a jmanager data directory"), notOurs.output());
        assertEquals(List.of("notes.txt"), Files.list(foreign).map(p -> p.getFileName().toString()).toList());

        RegistryJar.Result badFsync = RegistryJar.run("--data-dir", dir.toString(), "--fsync", "sometimes");
        assertEquals(2, badFsync.code(), badFsync.output());
        assertTrue(badFsync.output().contains("interval=MS"), badFsync.output());

        try (RegistryJar.Started memory = registry(port)) {
            assertTrue(output(memory).contains("state is kept in memory only"), output(memory));
        }
    }

    /**
     * A flipped byte inside a value and an old copy of the store, as {@code registry.jar} reports them: exit code
     * 1, one {@code registry.jar:} line naming the file and what to do (and a {@code details} line), no stack
     * trace, the files unchanged; the option the message names starts the registry on a repaired copy or on the
     * older state, saying so, and the next plain start is clean.
     */
    @Test
    void aDamagedValueAndAnOldStoreAreRefusedInOneLineAndTheNamedOptionRecovers() throws Exception {
        Path dir = tmp.resolve("data");
        Path store = dir.resolve("registry.mv.db");
        int port = RegistryJar.freePort();
        byte[] halfway;
        try (RegistryJar.Started r = registry(port, "--data-dir", dir.toString())) {
            try (Manager m = Manager.connect(r.url)) {
                SharedDict<String, String> d = m.dict("d");
                for (int i = 0; i < 100; i++) {
                    d.put("k" + i, "a value nobody may change " + i);
                }
            }
            r.process.destroyForcibly(); // SIGKILL: the store as a crash leaves it, every put acknowledged
            assertTrue(r.process.waitFor(RegistryJar.millis(10_000), TimeUnit.MILLISECONDS));
            halfway = Files.readAllBytes(store);
        }
        try (RegistryJar.Started r = registry(port, "--data-dir", dir.toString());
             Manager m = Manager.connect(r.url)) {
            SharedDict<String, String> d = m.dict("d");
            for (int i = 100; i < 200; i++) {
                d.put("k" + i, "a value nobody may change " + i);
            }
        }
        byte[] original = Files.readAllBytes(store);
        byte[] witness = Files.readAllBytes(dir.resolve("registry.commit"));

        byte[] damaged = original.clone();
        byte[] needle = "a value nobody may change 123".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int found = 0;
        for (int i = 0; i + needle.length <= damaged.length; i++) {
            if (java.util.Arrays.equals(damaged, i, i + needle.length, needle, 0, needle.length)) {
                damaged[i + 2] ^= 0x01;
                found++;
            }
        }
        assertTrue(found > 0, "the value is in the file");
        Files.write(store, damaged);
        RegistryJar.Result refused = RegistryJar.run("--port", String.valueOf(port), "--data-dir", dir.toString());
        assertEquals(1, refused.code(), refused.output());
        assertOneLineRefusal(refused.output(), store.toString(), "dict 'd'", "fails its checksum",
                "--skip-damaged-records", "worker.jar import");
        assertArrayEquals(damaged, Files.readAllBytes(store), "a refused data file must not be modified");
        try (RegistryJar.Started repaired = registry(port, "--data-dir", dir.toString(), "--skip-damaged-records");
             Manager m = Manager.connect(repaired.url)) {
            // the value is in a stored record, or still in a log entry if the kill came before the checkpoint
            // applied it: either way the skipped damage is listed, naming the dict
            assertTrue(output(repaired).lines().anyMatch(l -> (l.startsWith("WARNING: skipped record ")
                    || l.startsWith("WARNING: skipped log entry ")) && l.contains("dict 'd'")), output(repaired));
            assertTrue(output(repaired).contains("runs on a repaired copy"), output(repaired));
            assertEquals(199, m.<String, String>dict("d").size());
        }
        try (RegistryJar.Started clean = registry(port, "--data-dir", dir.toString())) {
            assertTrue(!output(clean).contains("WARNING"), output(clean));
        }

        // the directory with an old copy of its store (as a lost tail or a restored file leaves it): MVStore alone
        // would open it without a word, 100 acknowledged puts short
        Files.write(store, halfway);
        Files.write(dir.resolve("registry.commit"), witness);
        RegistryJar.Result older = RegistryJar.run("--port", String.valueOf(port), "--data-dir", dir.toString());
        assertEquals(1, older.code(), older.output());
        assertOneLineRefusal(older.output(), store.toString(), "commit(s) older than the last state",
                "--accept-rollback");
        assertArrayEquals(halfway, Files.readAllBytes(store), "a refused data file must not be modified");
        try (RegistryJar.Started accepted = registry(port, "--data-dir", dir.toString(), "--accept-rollback");
             Manager m = Manager.connect(accepted.url)) {
            assertTrue(output(accepted).contains("WARNING: data file"), output(accepted));
            assertTrue(output(accepted).contains("commit(s) older than the last acknowledged state"),
                    output(accepted));
            assertEquals(100, m.<String, String>dict("d").size());
        }
        try (RegistryJar.Started clean = registry(port, "--data-dir", dir.toString())) {
            assertTrue(!output(clean).contains("WARNING"), output(clean));
        }
    }

    private static void assertOneLineRefusal(String output, String... parts) {
        List<String> lines = output.strip().lines().toList();
        assertEquals(1, lines.stream().filter(l -> l.startsWith("registry.jar: ")
                && !l.startsWith("registry.jar: details: ")).count(), output);
        for (String line : lines) {
            assertTrue(line.startsWith("registry.jar: "), "not a registry.jar line (a stack trace?): " + line
                    + "\n" + output);
        }
        for (String part : parts) {
            assertTrue(lines.get(0).contains(part), "'" + part + "' missing from: " + lines.get(0));
        }
    }

    @Test
    void exportFromOneRegistryImportsIntoAnEmptyOneAllOrNothing() throws Exception {
        Path export = tmp.resolve("state.jms");
        try (RegistryJar.Started source = registry(RegistryJar.freePort());
             Manager m = Manager.connect(source.url)) {
            SharedDict<String, Object> d = m.dict("d");
            for (int i = 0; i < 3000; i++) {
                d.put("k" + i, "value " + i);
            }
            m.list("l").addAll(List.of(1, 2, 3));
            m.<Double>array("a", 'd', 2000).set(1500, 2.5);
            m.event("e").set();
            m.condition("c", "cl");
            RegistryJar.Result done = RegistryJar.runJar(RegistryJar.workerJar(), "export", "-u", source.url,
                    export.toString());
            assertEquals(0, done.code(), done.output());
            assertTrue(done.output().contains("exported 6 objects"), done.output());
        }
        Path dir = tmp.resolve("imported");
        int port = RegistryJar.freePort();
        try (RegistryJar.Started target = registry(port, "--data-dir", dir.toString())) {
            byte[] whole = Files.readAllBytes(export);
            Path truncated = tmp.resolve("truncated.jms");
            Files.write(truncated, java.util.Arrays.copyOf(whole, whole.length / 2));
            RegistryJar.Result bad = RegistryJar.runJar(RegistryJar.workerJar(), "import", "-u", target.url,
                    truncated.toString());
            assertEquals(1, bad.code(), bad.output());
            assertTrue(bad.output().contains("truncated") || bad.output().contains("damaged"), bad.output());
            try (Manager m = Manager.connect(target.url)) {
                assertEquals(0, m.objects().size(), "a bad file imports nothing");
            }

            RegistryJar.Result ok = RegistryJar.runJar(RegistryJar.workerJar(), "import", "-u", target.url,
                    export.toString());
            assertEquals(0, ok.code(), ok.output());
            RegistryJar.Result again = RegistryJar.runJar(RegistryJar.workerJar(), "import", "-u", target.url,
                    export.toString());
            assertEquals(1, again.code(), again.output());
            assertTrue(again.output().contains("import needs an empty registry"), again.output());

            target.process.destroyForcibly(); // the import was acknowledged: it is on disk
            assertTrue(target.process.waitFor(RegistryJar.millis(10_000), TimeUnit.MILLISECONDS));
        }
        try (RegistryJar.Started restarted = registry(port, "--data-dir", dir.toString());
             Manager m = Manager.connect(restarted.url)) {
            SharedDict<String, Object> d = m.dict("d");
            assertEquals(3000, d.size());
            assertEquals("value 2999", d.get("k2999"));
            assertEquals(List.of(1, 2, 3), List.copyOf(m.<Integer>list("l")));
            assertEquals(2.5, m.<Double>array("a", 'd', 2000).get(1500));
            assertTrue(m.event("e").isSet());
            assertEquals(java.util.Set.of("d", "l", "a", "e", "c", "cl"), m.names());
        }
    }
}
