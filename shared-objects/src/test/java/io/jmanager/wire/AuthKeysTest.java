package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jmanager.AuthKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files, their permissions, and where registry and workers look for keys. */
class AuthKeysTest {
    @TempDir
    Path dir;

    private static boolean posix(Path p) {
        return Files.getFileAttributeView(p, PosixFileAttributeView.class) != null;
    }

    private Path write(String name, String text, String permissions) throws IOException {
        Path file = dir.resolve(name);
        Files.writeString(file, text, StandardCharsets.UTF_8);
        if (posix(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(permissions));
        }
        return file;
    }

    @Test
    void aMissingKeyFileIsCreatedOwnerOnlyWithARandomKey() throws Exception {
        Path file = dir.resolve("sub").resolve(".jmanager").resolve("authkey");
        AuthKeys.Loaded first = AuthKeys.loadOrCreate(file, "test file");
        assertTrue(first.created());
        assertEquals(file, first.file());
        String text = Files.readString(file).trim();
        assertTrue(text.matches("[0-9a-f]{64}"), "64 hex characters: " + text.length());
        assertEquals(AuthKey.of(text), first.key());
        if (posix(file)) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        }
        AuthKeys.Loaded again = AuthKeys.loadOrCreate(file, "test file");
        assertFalse(again.created());
        assertEquals(first.key(), again.key());
        try (var files = Files.list(file.getParent())) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void registriesStartingAtOnceAllGetTheOneKeyWrittenFirst() throws Exception {
        Path file = dir.resolve("race").resolve("authkey");
        int n = 16;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<AuthKeys.Loaded>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<AuthKeys.Loaded> task = () -> {
                    go.await();
                    return AuthKeys.loadOrCreate(file, "race file");
                };
                results.add(pool.submit(task));
            }
            go.countDown();
            Set<AuthKey> keys = new HashSet<>();
            int created = 0;
            for (Future<AuthKeys.Loaded> f : results) {
                AuthKeys.Loaded loaded = f.get();
                keys.add(loaded.key());
                created += loaded.created() ? 1 : 0;
            }
            assertEquals(1, keys.size(), "every caller got the same key");
            assertEquals(1, created, "exactly one caller created the file");
            assertEquals(AuthKey.of(Files.readString(file)), keys.iterator().next());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aKeyFileOthersMayReadIsRefusedNamingTheFileAndTheFix() throws Exception {
        assumeTrue(posix(dir), "POSIX permissions");
        for (String loose : new String[] {"rw-r--r--", "rw-rw----", "rw----r--", "rw-----w-"}) {
            Path file = write("loose-" + loose, "0123456789abcdef0123456789abcdef\n", loose);
            IOException e = assertThrows(IOException.class, () -> AuthKeys.read(file, "key file " + file));
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertTrue(e.getMessage().contains("chmod 600"), e.getMessage());
            assertTrue(e.getMessage().contains(loose), e.getMessage());
            assertFalse(e.getMessage().contains("0123456789abcdef"), "never the key: " + e.getMessage());
            // the registry refuses it too, rather than overwrite or use it
            assertThrows(IOException.class, () -> AuthKeys.loadOrCreate(file, "key file " + file));
        }
        Path owner = write("owner-only", "0123456789abcdef0123456789abcdef\n", "r--------");
        assertEquals(AuthKey.of("0123456789abcdef0123456789abcdef"), AuthKeys.read(owner, "ok"));
    }

    @Test
    void badKeyFilesAreRefusedWithoutShowingTheirContent() throws Exception {
        Path shortKey = write("short", "tooshort\n", "rw-------");
        IOException e = assertThrows(IOException.class, () -> AuthKeys.read(shortKey, "key file short"));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
        assertFalse(e.getMessage().contains("tooshort"), e.getMessage());
        Path big = write("big", "x".repeat(10_000), "rw-------");
        assertTrue(assertThrows(IOException.class, () -> AuthKeys.read(big, "key file big")).getMessage()
                .contains("not a key file"));
        Path notText = dir.resolve("binary");
        Files.write(notText, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14});
        if (posix(notText)) {
            Files.setPosixFilePermissions(notText, PosixFilePermissions.fromString("rw-------"));
        }
        assertTrue(assertThrows(IOException.class, () -> AuthKeys.read(notText, "key file binary")).getMessage()
                .contains("UTF-8"));
        assertThrows(IOException.class, () -> AuthKeys.read(dir.resolve("missing"), "key file missing"));
        assertThrows(IOException.class, () -> AuthKeys.read(dir, "a directory"));
    }

    @Test
    void aWorkerLooksAtTheVariableThenTheNamedFileThenTheDefaultFile() throws Exception {
        Path defaultFile = write("default", "default-key-0123456789\n", "rw-------");
        Path named = write("named", "named-key-0123456789\n", "rw-------");
        AuthKey fromEnv = AuthKeys.forWorker(Map.of("JMANAGER_AUTHKEY", "env-key-0123456789",
                "JMANAGER_AUTHKEY_FILE", named.toString()), defaultFile);
        assertEquals(AuthKey.of("env-key-0123456789"), fromEnv);
        assertEquals("environment variable JMANAGER_AUTHKEY", fromEnv.source());
        AuthKey fromFile = AuthKeys.forWorker(Map.of("JMANAGER_AUTHKEY_FILE", named.toString()), defaultFile);
        assertEquals(AuthKey.of("named-key-0123456789"), fromFile);
        assertTrue(fromFile.source().contains("JMANAGER_AUTHKEY_FILE") && fromFile.source().contains(named.toString()),
                fromFile.source());
        AuthKey fromDefault = AuthKeys.forWorker(Map.of(), defaultFile);
        assertEquals(AuthKey.of("default-key-0123456789"), fromDefault);
        assertTrue(fromDefault.source().startsWith("default key file"), fromDefault.source());
        assertNull(AuthKeys.forWorker(Map.of(), dir.resolve("none")), "no key anywhere: none, nothing created");
        assertFalse(Files.exists(dir.resolve("none")));
        IOException missingNamed = assertThrows(IOException.class,
                () -> AuthKeys.forWorker(Map.of("JMANAGER_AUTHKEY_FILE", dir.resolve("gone").toString()), defaultFile));
        assertTrue(missingNamed.getMessage().contains("JMANAGER_AUTHKEY_FILE"), missingNamed.getMessage());
    }

    @Test
    void theRegistryLooksAtItsOptionThenTheVariablesThenTheDefaultFileAndCreatesFiles() throws Exception {
        Path defaultFile = dir.resolve("home").resolve(".jmanager").resolve("authkey");
        Path option = dir.resolve("option-key");
        AuthKeys.Loaded fromOption = AuthKeys.forRegistry(option, Map.of("JMANAGER_AUTHKEY", "env-key-0123456789"),
                defaultFile);
        assertTrue(fromOption.created());
        assertTrue(fromOption.key().source().contains("--authkey-file"), fromOption.key().source());
        AuthKeys.Loaded fromEnv = AuthKeys.forRegistry(null, Map.of("JMANAGER_AUTHKEY", "env-key-0123456789"),
                defaultFile);
        assertNull(fromEnv.file());
        assertEquals(AuthKey.of("env-key-0123456789"), fromEnv.key());
        Path named = dir.resolve("named-new");
        AuthKeys.Loaded fromNamed = AuthKeys.forRegistry(null, Map.of("JMANAGER_AUTHKEY_FILE", named.toString()),
                defaultFile);
        assertTrue(fromNamed.created() && Files.exists(named));
        AuthKeys.Loaded fromDefault = AuthKeys.forRegistry(null, Map.of(), defaultFile);
        assertTrue(fromDefault.created() && Files.exists(defaultFile));
        assertEquals(fromDefault.key(), AuthKeys.forWorker(Map.of(), defaultFile), "a local worker finds it");
        assertThrows(IOException.class, () -> AuthKeys.forRegistry(null, Map.of("JMANAGER_AUTHKEY", "short"),
                defaultFile));
    }

    @Test
    void theClientTransportFindsItsKeyByTheRegistrysFingerprintAndSaysWhyNot() throws Exception {
        Path defaultFile = write("transport-default", "transport-default-key-0123\n", "rw-------");
        AuthKey fileKey = AuthKey.of("transport-default-key-0123");
        AuthKey added = AuthKey.of("transport-added-key-0123456").withSource("added in a test");
        try {
            ClientTransport.setEnvironmentForTests(Map.of(), defaultFile);
            ClientTransport.addAuthKey(added);
            assertEquals(fileKey, ClientTransport.KEY_CHOOSER.choose(fileKey.fingerprint(), "r:1"));
            assertEquals(added, ClientTransport.KEY_CHOOSER.choose(added.fingerprint(), "r:1"));
            HandshakeException e = assertThrows(HandshakeException.class,
                    () -> ClientTransport.KEY_CHOOSER.choose("00112233aabbccdd", "r:1"));
            assertTrue(e.isAuthentication());
            assertTrue(e.getMessage().contains("00112233aabbccdd"), e.getMessage());
            assertTrue(e.getMessage().contains("default key file " + defaultFile), e.getMessage());
            assertTrue(e.getMessage().contains(fileKey.fingerprint()), e.getMessage());
            assertFalse(e.getMessage().contains("transport-default-key"), e.getMessage());

            // the file is re-read when it changes (a registry that generated a new key)
            Files.writeString(defaultFile, "transport-default-key-changed\n");
            AuthKey changed = AuthKey.of("transport-default-key-changed");
            assertEquals(changed, ClientTransport.KEY_CHOOSER.choose(changed.fingerprint(), "r:1"));

            if (posix(defaultFile)) {
                Files.setPosixFilePermissions(defaultFile, PosixFilePermissions.fromString("rw-r--r--"));
                HandshakeException loose = assertThrows(HandshakeException.class,
                        () -> ClientTransport.KEY_CHOOSER.choose(changed.fingerprint(), "r:1"));
                assertTrue(loose.getMessage().contains("chmod 600"), loose.getMessage());
            }
            ClientTransport.setEnvironmentForTests(Map.of(), dir.resolve("nothing-here"));
            HandshakeException none = assertThrows(HandshakeException.class,
                    () -> ClientTransport.KEY_CHOOSER.choose("00112233aabbccdd", "r:1"));
            assertTrue(none.getMessage().contains("JMANAGER_AUTHKEY_FILE"), none.getMessage());
        } finally {
            ClientTransport.setEnvironmentForTests(null, null);
        }
    }
}
