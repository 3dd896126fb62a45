package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.AuthKey;
import io.jmanager.Manager;
import io.jmanager.TestKeys;
import io.jmanager.Timing;
import io.jmanager.wire.ClientTransport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keys as users meet them, with real processes and real environments: the registry writes its default key file
 * and local workers find it without configuration; {@code JMANAGER_AUTHKEY}; and workers with no key, a wrong key
 * or a key file others can read get {@link io.jmanager.AuthenticationException} naming the key source.
 */
class AuthenticationProcessTest {
    @TempDir
    Path home;

    /** No key variables: the process uses (or misses) the default key file under {@code home}. */
    private Map<String, String> noKeyVariables() {
        Map<String, String> env = new HashMap<>();
        env.put("JMANAGER_AUTHKEY", null);
        env.put("JMANAGER_AUTHKEY_FILE", null);
        return env;
    }

    private List<String> homeFlag() {
        return List.of("-Duser.home=" + home);
    }

    private static String line(WorkerProcess w) {
        List<String> out = w.awaitSuccess(Timing.seconds(30));
        String last = out.isEmpty() ? "" : out.get(out.size() - 1);
        System.out.println(w + ": " + last);
        return last;
    }

    @Test
    void theRegistryWritesItsDefaultKeyFileAndLocalWorkersFindIt() throws Exception {
        try (RegistryProcess registry = RegistryProcess.startWith(noKeyVariables(), homeFlag())) {
            Path keyFile = home.resolve(".jmanager").resolve("authkey");
            assertTrue(Files.isRegularFile(keyFile), "the registry created " + keyFile);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile.getParent())));
            String output = String.join("\n", registry.output());
            assertTrue(output.contains("authentication key: default key file " + keyFile + " (created now)"), output);
            AuthKey key = AuthKey.of(Files.readString(keyFile));
            assertTrue(output.contains(key.fingerprint()), output);
            assertFalse(output.contains(Files.readString(keyFile).trim()), "the registry never prints the key");

            // a worker of the same user and host: no configuration at all
            try (WorkerProcess worker = WorkerProcess.startWith(noKeyVariables(), homeFlag(), AuthWorker.class,
                    registry.url())) {
                assertEquals("connected", line(worker));
            }
            // a worker elsewhere (another home) without the key is refused, and told where it looked
            Path elsewhere = home.resolve("elsewhere");
            Files.createDirectories(elsewhere);
            try (WorkerProcess worker = WorkerProcess.startWith(noKeyVariables(), List.of("-Duser.home=" + elsewhere),
                    AuthWorker.class, registry.url())) {
                String refused = line(worker);
                assertTrue(refused.startsWith("refused io.jmanager.AuthenticationException"), refused);
                assertTrue(refused.contains(key.fingerprint()), refused);
                assertTrue(refused.contains("no default key file " + elsewhere.resolve(".jmanager")
                        .resolve("authkey")), refused);
            }
            // the key's text in JMANAGER_AUTHKEY: the same key as the file
            Map<String, String> env = noKeyVariables();
            env.put("JMANAGER_AUTHKEY", Files.readString(keyFile));
            try (WorkerProcess worker = WorkerProcess.startWith(env, List.of("-Duser.home=" + elsewhere),
                    AuthWorker.class, registry.url())) {
                assertEquals("connected", line(worker));
            }
            // a restarted registry reuses the file
            try (RegistryProcess second = RegistryProcess.startWith(noKeyVariables(), homeFlag())) {
                String again = String.join("\n", second.output());
                assertTrue(again.contains("authentication key: default key file " + keyFile + ", fingerprint "
                        + key.fingerprint()), again);
            }
        }
    }

    @Test
    void aWrongKeyAndAKeyFileOthersCanReadAreRefusedNamingTheirSource() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start()) { // the test key
            Path wrong = home.resolve("wrong-key");
            Files.writeString(wrong, AuthKey.generateText() + "\n");
            Files.setPosixFilePermissions(wrong, PosixFilePermissions.fromString("rw-------"));
            Map<String, String> env = noKeyVariables();
            env.put("JMANAGER_AUTHKEY_FILE", wrong.toString());
            try (WorkerProcess worker = WorkerProcess.startWith(env, homeFlag(), AuthWorker.class, registry.url())) {
                String refused = line(worker);
                assertTrue(refused.startsWith("refused io.jmanager.AuthenticationException"), refused);
                assertTrue(refused.contains("key file " + wrong + " (from JMANAGER_AUTHKEY_FILE)"), refused);
                assertTrue(refused.contains(TestKeys.key().fingerprint()), "the registry's fingerprint: " + refused);
                assertFalse(refused.contains(Files.readString(wrong).trim()), "never the key: " + refused);
            }
            Path loose = home.resolve("loose-key");
            Files.copy(TestKeys.file(), loose);
            Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
            env.put("JMANAGER_AUTHKEY_FILE", loose.toString());
            try (WorkerProcess worker = WorkerProcess.startWith(env, homeFlag(), AuthWorker.class, registry.url())) {
                String refused = line(worker);
                assertTrue(refused.startsWith("refused io.jmanager.AuthenticationException"), refused);
                assertTrue(refused.contains(loose.toString()) && refused.contains("chmod 600"), refused);
            }
            // the right key, given in code, works in this JVM whatever its environment says
            Path nowhere = home.resolve("nowhere");
            try {
                ClientTransport.setEnvironmentForTests(Map.of(), nowhere);
                try (Manager m = Manager.connect(registry.url(), AuthKey.of(Files.readString(TestKeys.file())))) {
                    m.dict("auth-in-code").put("k", 1);
                }
            } finally {
                ClientTransport.setEnvironmentForTests(null, null);
            }
        }
    }

    @Test
    void aRegistryRefusesAKeyFileOthersCanRead() throws Exception {
        Path loose = home.resolve(".jmanager").resolve("authkey");
        Files.createDirectories(loose.getParent());
        Files.writeString(loose, AuthKey.generateText() + "\n");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        Process p = JavaLauncher.start(JavaLauncher.command(homeFlag(), "io.jmanager.registry.RegistryMain",
                List.of("--port", "0", "--bind", "127.0.0.1")), noKeyVariables());
        StringBuffer err = new StringBuffer();
        Thread reader = JavaLauncher.drain(p.getErrorStream(), "loose-registry-err", l -> err.append(l).append('\n'));
        JavaLauncher.drain(p.getInputStream(), "loose-registry-out", l -> { });
        assertTrue(p.waitFor(Timing.millis(20_000), java.util.concurrent.TimeUnit.MILLISECONDS), "it exits");
        reader.join(5_000);
        assertEquals(1, p.exitValue(), err.toString());
        assertTrue(err.toString().contains(loose.toString()) && err.toString().contains("chmod 600"), err.toString());
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(loose)),
                "left as it was");
    }
}
