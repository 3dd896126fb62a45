package io.jmanager.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.AuthenticationException;
import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.RegistryUnavailableException;
import io.jmanager.SharedDict;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import io.jmanager.registry.RegistryConfig;
import io.jmanager.wire.ClientTransport;
import io.jmanager.wire.TlsContexts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS under the key handshake: PKCS12 key stores made with {@code keytool} for the registry, a trusted client and
 * an unknown client. A plain client cannot talk to a TLS registry; mutual TLS refuses clients without a trusted
 * certificate; the right client works.
 */
class TlsTest {
    private static final char[] PASSWORD = "changeit".toCharArray();
    @TempDir
    static Path dir;
    static SSLContext registryOnly;
    static SSLContext registryMutual;
    static SSLContext clientTrusting;
    static SSLContext clientWithCertificate;
    static SSLContext clientWithUnknownCertificate;

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool hung");
        assertEquals(0, p.exitValue(), "keytool " + cmd + ": " + out);
    }

    private static Path keyPair(String name, String san) throws Exception {
        Path store = dir.resolve(name + ".p12");
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname",
                "secp256r1", "-dname", "CN=" + name, "-validity", "2", "-storetype", "PKCS12", "-keystore",
                store.toString(), "-storepass", "changeit", "-keypass", "changeit"));
        if (san != null) {
            args.addAll(List.of("-ext", "SAN=" + san));
        }
        keytool(args.toArray(String[]::new));
        keytool("-exportcert", "-alias", name, "-keystore", store.toString(), "-storepass", "changeit", "-file",
                dir.resolve(name + ".cer").toString());
        return store;
    }

    private static Path trustStore(String name, String... certs) throws Exception {
        Path store = dir.resolve(name + ".p12");
        for (String cert : certs) {
            keytool("-importcert", "-noprompt", "-alias", cert, "-file", dir.resolve(cert + ".cer").toString(),
                    "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit");
        }
        return store;
    }

    @BeforeAll
    static void keys() throws Exception {
        Path registry = keyPair("registry", "ip:127.0.0.1,dns:localhost");
        Path client = keyPair("client", null);
        Path stranger = keyPair("stranger", null);
        Path registryTrust = trustStore("registry-trust", "client");
        Path clientTrust = trustStore("client-trust", "registry");
        registryOnly = TlsContexts.load(registry, PASSWORD, null, null);
        registryMutual = TlsContexts.load(registry, PASSWORD, registryTrust, PASSWORD);
        clientTrusting = TlsContexts.load(null, null, clientTrust, PASSWORD);
        clientWithCertificate = TlsContexts.load(client, PASSWORD, clientTrust, PASSWORD);
        clientWithUnknownCertificate = TlsContexts.load(stranger, PASSWORD, clientTrust, PASSWORD);
    }

    @AfterEach
    void plainAgain() {
        ClientTransport.setTlsContext(null);
    }

    @AfterAll
    static void resetTls() {
        ClientTransport.setTlsContext(null);
    }

    private static ManagerOptions fast() {
        return ManagerOptions.defaults().withConnectTimeout(Duration.ofMillis(Timing.millis(1_500)))
                .withReconnect(0, Duration.ZERO);
    }

    private static void works(String url, ManagerOptions options) {
        try (Manager m = Manager.connect(url, options)) {
            SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("tls"));
            d.put("k", 1);
            assertEquals(2, d.increment("k", 1));
        }
    }

    @Test
    void aTlsWorkerWorksAndAPlainOneCannotTalkToATlsRegistry() throws Exception {
        try (TestRegistry registry = TestRegistry.start(RegistryConfig.defaults()
                .withTls(new RegistryConfig.Tls(registryOnly, false)))) {
            works(registry.url(), fast().withTls(clientTrusting));

            long start = System.nanoTime();
            RegistryUnavailableException plain = assertThrows(RegistryUnavailableException.class,
                    () -> Manager.connect(registry.url(), fast().withoutTls()));
            assertTrue(plain.getMessage().contains("--tls"), plain.getMessage());
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(Timing.millis(10_000)));

            // raw JRMP at a TLS registry is no TLS record: dropped, nothing deserialized
            Canary.RUNS.set(0);
            try (RawJrmp raw = RawJrmp.connect(registry.server().port(), null)) {
                try {
                    raw.writeHeader();
                    raw.send(RawJrmp.callBody(RawJrmp.DGC, 1, RawJrmp.DGC_HASH,
                            out -> out.writeObject(new Canary("over plain TCP"))));
                } catch (java.io.IOException closedAlready) {
                    // fine
                }
                byte[] got = raw.readToEnd();
                assertTrue(got.length < 16, "at most a TLS alert came back: " + got.length + " bytes");
            }
            assertEquals(0, Canary.RUNS.get());
            works(registry.url(), fast().withTls(clientTrusting));
        }
    }

    @Test
    void aTlsWorkerCannotTalkToAPlainRegistry() {
        try (TestRegistry registry = TestRegistry.start()) {
            RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                    () -> Manager.connect(registry.url(), fast().withTls(clientTrusting)));
            assertTrue(e.getMessage().contains("does not speak TLS"), e.getMessage());
        }
    }

    @Test
    void aWorkerThatDoesNotTrustTheRegistrysCertificateIsRefused() throws Exception {
        try (TestRegistry registry = TestRegistry.start(RegistryConfig.defaults()
                .withTls(new RegistryConfig.Tls(registryOnly, false)))) {
            SSLContext trustsNobody = TlsContexts.load(null, null, dir.resolve("registry-trust.p12"), PASSWORD);
            AuthenticationException e = assertThrows(AuthenticationException.class,
                    () -> Manager.connect(registry.url(), fast().withTls(trustsNobody)));
            assertTrue(e.getMessage().contains("TLS"), e.getMessage());
        }
    }

    @Test
    void mutualTlsRefusesClientsWithoutATrustedCertificate() throws Exception {
        try (TestRegistry registry = TestRegistry.start(RegistryConfig.defaults()
                .withTls(new RegistryConfig.Tls(registryMutual, true)))) {
            works(registry.url(), fast().withTls(clientWithCertificate));
            long refusedBefore = registry.server().refusedConnections();
            for (SSLContext refused : new SSLContext[] {clientTrusting, clientWithUnknownCertificate}) {
                RuntimeException e = assertThrows(RuntimeException.class,
                        () -> Manager.connect(registry.url(), fast().withTls(refused)));
                assertInstanceOf(AuthenticationException.class, e, e.toString());
                assertTrue(e.getMessage().contains("TLS"), e.getMessage());
            }
            assertTrue(registry.server().refusedConnections() >= refusedBefore + 2);
            works(registry.url(), fast().withTls(clientWithCertificate));
        }
    }

    /** The status port of a TLS registry speaks HTTPS only, with its certificate, and with --tls-mutual wants one. */
    @Test
    void theStatusPortSpeaksHttpsWithTheRegistrysCertificate() throws Exception {
        String key = java.nio.file.Files.readString(io.jmanager.TestKeys.file()).trim();
        try (TestRegistry registry = TestRegistry.start()) {
            io.jmanager.registry.metrics.RegistryMetrics metrics = new io.jmanager.registry.metrics.RegistryMetrics(
                    false);
            metrics.bind(registry.server());
            java.net.InetSocketAddress loopback = new java.net.InetSocketAddress(
                    java.net.InetAddress.getLoopbackAddress(), 0);
            try (io.jmanager.registry.http.StatusServer https = io.jmanager.registry.http.StatusServer.start(loopback,
                    registry.server(), metrics, io.jmanager.TestKeys.key(), registryOnly, false)) {
                assertTrue(https.url().startsWith("https://127.0.0.1:"), https.url());
                assertEquals(200, metricsStatus(clientTrusting, https.url(), key));
                assertEquals(401, metricsStatus(clientTrusting, https.url(), null));
                // plain HTTP on the HTTPS port gets no answer a client can read
                String plain = https.url().replace("https://", "http://");
                assertThrows(java.io.IOException.class, () -> metricsStatus(null, plain, key));
            }
            try (io.jmanager.registry.http.StatusServer mutual = io.jmanager.registry.http.StatusServer.start(loopback,
                    registry.server(), metrics, io.jmanager.TestKeys.key(), registryMutual, true)) {
                assertEquals(200, metricsStatus(clientWithCertificate, mutual.url(), key));
                assertThrows(java.io.IOException.class, () -> metricsStatus(clientTrusting, mutual.url(), key));
            }
        }
    }

    private static int metricsStatus(SSLContext tls, String url, String key) throws Exception {
        java.net.http.HttpClient.Builder client = java.net.http.HttpClient.newBuilder()
                .connectTimeout(Duration.ofMillis(Timing.millis(10_000)));
        if (tls != null) {
            client.sslContext(tls);
        }
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create(url + "metrics")).timeout(Duration.ofMillis(Timing.millis(10_000)));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return client.build().send(request.build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
