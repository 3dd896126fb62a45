package io.jmanager.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.AuthenticationException;
import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.RegistryUnavailableException;
import io.jmanager.SharedList;
import io.jmanager.wire.SessionInfo;
import io.jmanager.wire.TlsContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * JManagerContainer's options, each against a real registry container: {@code --lease}, {@code --data-dir} across a
 * registry restart, TLS, the image built from registry.jar, two containers in one JVM, and the error for an image
 * that does not exist.
 */
@Timeout(300)
class JManagerContainerIT {
    @BeforeAll
    static void docker() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            if (Boolean.getBoolean("docker.required")) {
                fail("docker.required=true but no Docker engine answers: run `bash docker/build-images.sh`");
            }
            Assumptions.abort("no Docker engine answers (set -Ddocker.required=true to make this fail)");
        }
    }

    private static Path registryJar() {
        Path jar = Path.of(System.getProperty(JManagerContainer.REGISTRY_JAR_PROPERTY, "missing"));
        assertTrue(Files.isRegularFile(jar), "registry.jar is built before these tests: " + jar.toAbsolutePath());
        return jar;
    }

    @Test
    void leaseIsTheRegistrysDefaultLeaseOfASession() {
        try (JManagerContainer registry = new JManagerContainer().withLease(Duration.ofMillis(3_210))) {
            registry.start();
            try (Manager m = registry.connect()) {
                List<SessionInfo> sessions = m.sessions();
                assertEquals(1, sessions.size(), sessions.toString());
                assertEquals(3_210, sessions.get(0).leaseMillis());
            }
            registry.stop();
            assertThrows(IllegalStateException.class, registry::getUrl, "a stopped registry has no URL");
        }
    }

    @Test
    void dataDirKeepsTheObjectsAcrossARestartOfTheRegistry() {
        try (JManagerContainer registry = new JManagerContainer().withDataDir()) {
            registry.start();
            try (Manager m = registry.connect()) {
                SharedList<Integer> list = m.list("kept");
                list.add(1);
                list.add(2);
            }
            registry.restartRegistry();
            try (Manager m = registry.connect()) {
                assertEquals(List.of(1, 2), m.<Integer>list("kept").copy());
            }
            assertTrue(registry.getLogs().contains("restored 1 objects"), registry.getLogs());
        }
    }

    @Test
    void tlsRegistryServesTlsWorkersOnly(@TempDir Path dir) throws Exception {
        Path keyStore = dir.resolve("registry.p12");
        keytool("-genkeypair", "-alias", "registry", "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=registry", "-validity", "2", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                "-storepass", "changeit", "-keypass", "changeit");
        keytool("-exportcert", "-alias", "registry", "-keystore", keyStore.toString(), "-storepass", "changeit",
                "-file", dir.resolve("registry.cer").toString());
        Path trust = dir.resolve("trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "registry", "-file", dir.resolve("registry.cer").toString(),
                "-storetype", "PKCS12", "-keystore", trust.toString(), "-storepass", "changeit");
        SSLContext trusting = TlsContexts.load(null, null, trust, "changeit".toCharArray());
        try (JManagerContainer registry = new JManagerContainer().withTls(keyStore, "changeit")) {
            registry.start();
            assertTrue(registry.getLogs().contains("TLS on every connection"), registry.getLogs());
            try (Manager m = registry.connect(ManagerOptions.defaults().withTls(trusting))) {
                m.dict("secret").put("k", "v");
                assertEquals("v", m.dict("secret").get("k"));
            }
            ManagerOptions plain = ManagerOptions.defaults().withoutTls().withReconnect(0, Duration.ZERO)
                    .withConnectTimeout(Duration.ofSeconds(1));
            RuntimeException refused = assertThrows(RuntimeException.class, () -> registry.connect(plain).close());
            assertTrue(refused instanceof RegistryUnavailableException || refused instanceof AuthenticationException,
                    refused.toString());
        }
    }

    @Test
    void fromJarBuildsTheImageFromRegistryJarAndTwoContainersRunSideBySide() {
        try (JManagerContainer built = JManagerContainer.fromJar(registryJar());
             JManagerContainer other = new JManagerContainer()) {
            built.start();
            other.start();
            assertTrue(built.getDockerImageName().startsWith("jmanager/registry:jar-"), built.getDockerImageName());
            try (Manager a = built.connect(); Manager b = other.connect()) {
                a.dict("where").put("k", "built");
                b.dict("where").put("k", "other");
                assertEquals("built", a.dict("where").get("k"));
                assertEquals("other", b.dict("where").get("k"));
            }
            assertNotEquals(built.getAuthKeyText(), other.getAuthKeyText(), "each container has its own key");
            assertNotEquals(built.getNetworkAlias(), other.getNetworkAlias());
        }
    }

    @Test
    void aContainerOnTheSameNetworkUsesTheInternalUrlAndTheKeyText() {
        try (Network network = Network.newNetwork();
             JManagerContainer registry = new JManagerContainer().withNetwork(network)) {
            registry.start();
            try (Manager m = registry.connect()) {
                m.list("seen-from-a-container").add("x");
            }
            // worker.jar in the worker image (docker/build-images.sh), as a user's worker container would run it;
            // this build's jar replaces the image's, so that an image from an older build cannot hide a change
            Path workerJar = Path.of(System.getProperty("jmanager.worker.jar", "missing"));
            assertTrue(Files.isRegularFile(workerJar), "worker.jar is built first: " + workerJar.toAbsolutePath());
            try (GenericContainer<?> worker = new GenericContainer<>(DockerImageName.parse("jmanager/worker:latest"))
                    .withImagePullPolicy(name -> false)
                    .withCopyFileToContainer(MountableFile.forHostPath(workerJar), "/app/lib/worker.jar")
                    .withNetwork(network)
                    .withEnv("JMANAGER_URL", registry.getInternalUrl())
                    .withEnv("JMANAGER_AUTHKEY", registry.getAuthKeyText())
                    .withCommand("show", "seen-from-a-container")
                    .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofSeconds(60)))) {
                worker.start();
                assertEquals("seen-from-a-container (list)\n  1 item\n  [0] \"x\"\n",
                        worker.getLogs(OutputFrame.OutputType.STDOUT), worker.getLogs());
            }
        }
    }

    @Test
    void aMissingImageWithoutAJarSaysHowToBuildIt() {
        String jar = System.clearProperty(JManagerContainer.REGISTRY_JAR_PROPERTY);
        try (JManagerContainer registry = new JManagerContainer(
                DockerImageName.parse("jmanager/registry:no-such-tag"))) {
            RuntimeException e = assertThrows(RuntimeException.class, registry::start);
            String all = messages(e);
            assertTrue(all.contains("the image jmanager/registry:no-such-tag does not exist locally and cannot be"
                    + " pulled (jmanager publishes no image): build it from the jmanager sources with `mvn -B -q"
                    + " package -DskipTests && bash docker/build-images.sh`"), all);
        } finally {
            if (jar != null) {
                System.setProperty(JManagerContainer.REGISTRY_JAR_PROPERTY, jar);
            }
        }
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t).append('\n');
        }
        return all.toString();
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "keytool hung");
        assertEquals(0, p.exitValue(), "keytool " + cmd + ": " + out);
    }
}
