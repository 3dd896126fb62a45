package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.RegistryUnavailableException;
import io.jmanager.SharedDict;
import io.jmanager.wire.ClientSocketFactory;
import io.jmanager.wire.RemoteDict;
import io.jmanager.wire.ValueCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.Naming;
import java.rmi.registry.LocateRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The packaged {@code registry.jar} as a user runs it: {@code java -jar registry.jar} with options, a worker and a
 * plain RMI client against it, SIGTERM, and the errors for bad options, a busy port and an unreachable registry.
 */
class RegistryJarIT {
    @Test
    void startsWithOptionsServesWorkersAndPlainRmiClientsAndStopsOnSigterm() throws Exception {
        int port = RegistryJar.freePort();
        try (RegistryJar.Started registry = new RegistryJar.Started("--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--advertise", "127.0.0.1")) {
            assertEquals("rmi://127.0.0.1:" + port, registry.url);
            System.out.println("registry.jar start-up to ready line: " + registry.readyMillis + " ms (JVM included)");
            assertTrue(registry.readyMillis < RegistryJar.millis(5_000), "start-up took " + registry.readyMillis + " ms");

            try (Manager m = Manager.connect(registry.url)) {
                SharedDict<String, Integer> d = m.dict("scores");
                d.put("alice", 1);
                assertEquals(2, d.increment("alice", 1));
            }
            // The registry prints where its key is; this test JVM found it there (the default key file).
            assertTrue(String.join("\n", registry.output()).contains("authentication key: "),
                    () -> String.join("\n", registry.output()));
            // A plain RMI client, with jmanager's socket factory (which authenticates), looks the object up by
            // name and calls its wire interface; without it (Naming.lookup), the registry does not talk to it.
            RemoteDict plain = (RemoteDict) LocateRegistry.getRegistry("127.0.0.1", port, new ClientSocketFactory())
                    .lookup("scores");
            assertEquals(1, plain.size());
            assertThrows(java.rmi.ConnectIOException.class, () -> Naming.lookup(registry.url + "/scores"));
            assertEquals(2, ValueCodec.decode(plain.get(ValueCodec.encode("alice", null)), null));

            registry.process.destroy(); // SIGTERM
            assertTrue(registry.process.waitFor(RegistryJar.millis(10_000), TimeUnit.MILLISECONDS), "no exit after SIGTERM");
            assertTrue(registry.output().contains("jmanager registry stopped"), "exit code "
                    + registry.process.exitValue() + ", output: " + registry.output());
        }
    }

    @Test
    void helpVersionAndBadOptions() throws Exception {
        RegistryJar.Result help = RegistryJar.run("--help");
        assertEquals(0, help.code());
        assertTrue(help.output().contains("--advertise"), help.output());
        RegistryJar.Result version = RegistryJar.run("--version");
        assertEquals(0, version.code());
        assertTrue(version.output().startsWith("jmanager registry "), version.output());
        RegistryJar.Result bad = RegistryJar.run("--bogus");
        assertEquals(2, bad.code(), bad.output());
        assertTrue(bad.output().startsWith("registry.jar: Unknown option: '--bogus'"), bad.output());
        assertTrue(bad.output().contains("Usage:"), bad.output());
        RegistryJar.Result badPort = RegistryJar.run("--port", "seventy");
        assertEquals(2, badPort.code(), badPort.output());
    }

    @Test
    void busyPortIsAClearErrorWithExitCode1() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            RegistryJar.Result r = RegistryJar.run("--port", String.valueOf(busy.getLocalPort()), "--bind", "127.0.0.1");
            assertEquals(1, r.code(), r.output());
            assertTrue(r.output().contains("cannot listen on port " + busy.getLocalPort()), r.output());
            assertTrue(r.output().contains("--port"), r.output());
        }
    }

    @Test
    void unreachableRegistryFailsWithItsUrlInsteadOfHanging() throws Exception {
        int closed = RegistryJar.freePort();
        String url = "rmi://127.0.0.1:" + closed;
        RegistryUnavailableException refused = assertThrows(RegistryUnavailableException.class,
                () -> Manager.connect(url));
        assertTrue(refused.getMessage().contains(url), refused.getMessage());

        // A port that accepts connections but never answers: the read timeout ends the wait.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            String silentUrl = "rmi://127.0.0.1:" + silent.getLocalPort();
            long start = System.nanoTime();
            ManagerOptions options = ManagerOptions.defaults().withReadTimeout(Duration.ofMillis(RegistryJar.millis(2_000)))
                    .withConnectTimeout(Duration.ofMillis(RegistryJar.millis(1_000)));
            RegistryUnavailableException silentError = assertThrows(RegistryUnavailableException.class,
                    () -> Manager.connect(silentUrl, options));
            long took = (System.nanoTime() - start) / 1_000_000;
            assertTrue(silentError.getMessage().contains(silentUrl), silentError.getMessage());
            assertTrue(took < RegistryJar.millis(10_000), "took " + took + " ms");
        }
        assertFalse(url.isEmpty());
    }
}
