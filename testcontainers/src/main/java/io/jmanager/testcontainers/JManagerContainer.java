package io.jmanager.testcontainers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.jmanager.AuthKey;
import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.wire.ClientTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.LazyFuture;
import org.testcontainers.utility.MountableFile;

/**
 * A jmanager registry in a container, for tests of code that uses jmanager, as Testcontainers' {@code RedisContainer}
 * is for Redis. With JUnit 5:
 * <pre>{@code
 * @Testcontainers
 * class MyTest {
 *     @Container
 *     static JManagerContainer registry = new JManagerContainer();
 *
 *     @Test
 *     void counts() {
 *         try (Manager m = Manager.connect(registry.getUrl(), registry.getAuthKey())) { ... }
 *     }
 * }
 * }</pre>
 *
 * <p><b>The image.</b> jmanager publishes no image, and the machines it is tested on reach no container registry, so
 * the image is built locally: {@code docker/build-images.sh} of the jmanager sources builds
 * {@value #DEFAULT_IMAGE} (on {@code jmanager/jre:17}, a jlinked Java runtime, pulling nothing). When the image does
 * not exist locally, the container builds one itself from a {@code registry.jar}: the one given to
 * {@link #fromJar(Path)}, else the one named by the system property {@value #REGISTRY_JAR_PROPERTY} (or the
 * environment variable {@code JMANAGER_REGISTRY_JAR}), on the base image {@value #DEFAULT_BASE_IMAGE} (or
 * {@link #fromJar(Path, String) another} with {@code java} on its {@code PATH}, such as
 * {@code eclipse-temurin:17-jre} where a container registry is reachable). Nothing is ever pulled for the
 * {@code jmanager/*} images; a missing image fails {@link #start()} with an {@link IllegalStateException} saying how
 * to build it.
 *
 * <p><b>Addresses.</b> The registry advertises a name of its own ({@link #getNetworkAlias()}, unique per container)
 * in the RMI stubs it hands out; this class maps that name to the port published on the Docker host for every
 * manager of this JVM, so that {@link #getUrl()} works from the test JVM. Containers on the same
 * {@link org.testcontainers.containers.Network} use {@link #getInternalUrl()}.
 *
 * <p><b>The key.</b> Each container gets a new random authentication key ({@link #withAuthKey(String)} to choose
 * one), given to the registry as {@code JMANAGER_AUTHKEY}; pass {@link #getAuthKey()} to {@code Manager.connect}, or
 * {@link #getAuthKeyText()} as {@code JMANAGER_AUTHKEY} to worker containers.
 *
 * <p>Not thread-safe while being configured and started, like every {@link GenericContainer}; the getters may be
 * called from any thread once it is started.
 */
public class JManagerContainer extends GenericContainer<JManagerContainer> {
    /** The registry's port inside the container. */
    public static final int PORT = 1099;
    /** The image {@code docker/build-images.sh} builds. */
    public static final String DEFAULT_IMAGE = "jmanager/registry:latest";
    /** The base image of an image built from a jar: {@code docker/build-images.sh}'s jlinked runtime. */
    public static final String DEFAULT_BASE_IMAGE = "jmanager/jre:17";
    /** The system property naming the {@code registry.jar} to build the image from when it does not exist. */
    public static final String REGISTRY_JAR_PROPERTY = "jmanager.registry.jar";
    /** Where {@link #withDataDir()} keeps the state inside the container (writable by the image's user). */
    public static final String DEFAULT_DATA_DIR = "/tmp/jmanager-data";

    private static final String READY = "jmanager registry ready at ";
    private static final String KEYSTORE_PATH = "/app/tls/registry.p12";
    private static final String HOW_TO_BUILD = "build it from the jmanager sources with `mvn -B -q package"
            + " -DskipTests && bash docker/build-images.sh`, or give JManagerContainer.fromJar(path to registry.jar)";

    private final String alias = "jmanager-" + randomHex(4);
    private String authKey = randomHex(32);
    private Duration lease;
    private String dataDir;
    private Path tlsKeyStore;
    private String tlsKeyStorePassword;
    private final List<String> extraArguments = new ArrayList<>();
    /** The host port the registry's port is published on now (a restart may change it). */
    private volatile int publishedPort;

    /**
     * The registry of the image {@value #DEFAULT_IMAGE}; if it does not exist locally, an image built from the jar
     * named by {@value #REGISTRY_JAR_PROPERTY} (see the type's Javadoc).
     */
    public JManagerContainer() {
        this(DockerImageName.parse(DEFAULT_IMAGE));
    }

    /**
     * The registry of {@code image} (a jmanager registry image, whose entry point is {@code java -jar registry.jar});
     * if it does not exist locally, an image built from the jar named by {@value #REGISTRY_JAR_PROPERTY}.
     */
    public JManagerContainer(DockerImageName image) {
        this(new LocalImage(Objects.requireNonNull(image, "image").asCanonicalNameString(), null,
                DEFAULT_BASE_IMAGE));
    }

    private JManagerContainer(LocalImage image) {
        super(image);
        withImagePullPolicy(name -> false); // nothing to pull: jmanager's images exist only where they were built
        withExposedPorts(PORT);
        withNetworkAliases(alias);
        waitingFor(Wait.forLogMessage(".*" + Pattern.quote(READY) + ".*\\n", 1)
                .withStartupTimeout(Duration.ofSeconds(120)));
    }

    /**
     * A registry running {@code registryJar} (the shaded {@code registry.jar}), on an image built from it on
     * {@value #DEFAULT_BASE_IMAGE} and tagged {@code jmanager/registry:jar-<first 12 hex digits of its SHA-256>}: built
     * once, reused while the jar is the same.
     */
    public static JManagerContainer fromJar(Path registryJar) {
        return fromJar(registryJar, DEFAULT_BASE_IMAGE);
    }

    /** As {@link #fromJar(Path)}, on {@code baseImage}, any image with Java 17 or later as {@code java} on its PATH. */
    public static JManagerContainer fromJar(Path registryJar, String baseImage) {
        Objects.requireNonNull(registryJar, "registryJar");
        Objects.requireNonNull(baseImage, "baseImage");
        return new JManagerContainer(new LocalImage(null, registryJar, baseImage));
    }

    /** The registry's {@code --lease}: how long a worker that stops renewing keeps its session and locks. */
    public JManagerContainer withLease(Duration lease) {
        if (lease.isNegative() || lease.isZero()) {
            throw new IllegalArgumentException("the lease must be positive, got " + lease);
        }
        this.lease = lease;
        return this;
    }

    /** {@code --data-dir} {@value #DEFAULT_DATA_DIR}: state survives a crash or {@link #restartRegistry()}. */
    public JManagerContainer withDataDir() {
        return withDataDir(DEFAULT_DATA_DIR);
    }

    /**
     * {@code --data-dir containerPath}: a directory inside the container, writable by the image's user (uid 10001 on
     * {@value #DEFAULT_BASE_IMAGE}); mount a volume there to keep it beyond the container.
     */
    public JManagerContainer withDataDir(String containerPath) {
        if (containerPath == null || !containerPath.startsWith("/")) {
            throw new IllegalArgumentException("the data directory is a path inside the container, starting with /,"
                    + " got " + containerPath);
        }
        this.dataDir = containerPath;
        return this;
    }

    /**
     * {@code --tls}: every connection over TLS with the registry's key and certificate from {@code pkcs12KeyStore}
     * (copied into the container). Workers then connect with
     * {@code ManagerOptions.defaults().withTls(TlsContexts.load(null, null, trustStore, password))}, a trust store
     * holding the registry's certificate ({@link #connect(ManagerOptions)}).
     */
    public JManagerContainer withTls(Path pkcs12KeyStore, String password) {
        if (!Files.isRegularFile(pkcs12KeyStore)) {
            throw new IllegalArgumentException("no key store file at " + pkcs12KeyStore.toAbsolutePath());
        }
        this.tlsKeyStore = pkcs12KeyStore;
        this.tlsKeyStorePassword = Objects.requireNonNull(password, "password");
        return this;
    }

    /** The authentication key's text (instead of a new random one), as {@code JMANAGER_AUTHKEY} takes it. */
    public JManagerContainer withAuthKey(String keyText) {
        if (keyText == null || keyText.isBlank()) {
            throw new IllegalArgumentException("the key text must not be empty");
        }
        this.authKey = keyText.trim();
        return this;
    }

    /** More {@code registry.jar} options (e.g. {@code "--max-objects", "100"}), after the ones set here. */
    public JManagerContainer withRegistryArguments(String... arguments) {
        extraArguments.addAll(List.of(arguments));
        return this;
    }

    @Override
    protected void configure() {
        List<String> command = new ArrayList<>(List.of("--port", String.valueOf(PORT), "--advertise", alias));
        if (lease != null) {
            command.addAll(List.of("--lease", String.valueOf(lease.toMillis())));
        }
        if (dataDir != null) {
            command.addAll(List.of("--data-dir", dataDir));
        }
        if (tlsKeyStore != null) {
            command.addAll(List.of("--tls", "--tls-keystore", KEYSTORE_PATH));
            withCopyFileToContainer(MountableFile.forHostPath(tlsKeyStore, 0644), KEYSTORE_PATH);
            withEnv("JMANAGER_TLS_KEYSTORE_PASSWORD", tlsKeyStorePassword);
        }
        command.addAll(extraArguments);
        withCommand(command.toArray(String[]::new));
        withEnv("JMANAGER_AUTHKEY", authKey);
    }

    @Override
    protected void containerIsStarted(InspectContainerResponse containerInfo) {
        mapAdvertisedName();
    }

    @Override
    protected void containerIsStopped(InspectContainerResponse containerInfo) {
        publishedPort = 0; // getUrl() of a stopped container fails instead of naming a port that is gone
    }

    /** Points the name the registry advertises at the port published on this host, for this JVM's managers. */
    private void mapAdvertisedName() {
        Ports.Binding[] bindings = DockerClientFactory.instance().client().inspectContainerCmd(getContainerId()).exec()
                .getNetworkSettings().getPorts().getBindings().get(ExposedPort.tcp(PORT));
        if (bindings == null || bindings.length == 0) {
            throw new IllegalStateException("the registry's port " + PORT + " is not published");
        }
        publishedPort = Integer.parseInt(bindings[0].getHostPortSpec());
        ClientTransport.overrideAddress(alias, PORT, new InetSocketAddress(getHost(), publishedPort));
    }

    /**
     * The URL for {@code Manager.connect} from the test JVM: {@code rmi://<Docker host>:<published port>}.
     *
     * @throws IllegalStateException if the container is not started
     */
    public String getUrl() {
        if (publishedPort == 0) {
            throw new IllegalStateException("the registry container is not started");
        }
        return "rmi://" + getHost() + ":" + publishedPort;
    }

    /** The URL for other containers on the same network: {@code rmi://<network alias>:1099}. */
    public String getInternalUrl() {
        return "rmi://" + alias + ":" + PORT;
    }

    /** The registry's name on its networks, which it advertises in its stubs: {@code jmanager-<8 hex digits>}. */
    public String getNetworkAlias() {
        return alias;
    }

    /** The authentication key for {@code Manager.connect(getUrl(), getAuthKey())}. */
    public AuthKey getAuthKey() {
        return AuthKey.fromText(authKey, "the key of the jmanager container " + alias);
    }

    /** The key's text, for {@code JMANAGER_AUTHKEY} of worker processes and containers. */
    public String getAuthKeyText() {
        return authKey;
    }

    /** A manager connected to this registry with its key; the caller closes it. */
    public Manager connect() {
        return connect(ManagerOptions.defaults());
    }

    /** A manager connected with {@code options} (e.g. {@code withTls(...)}) and the key; the caller closes it. */
    public Manager connect(ManagerOptions options) {
        return Manager.connect(getUrl(), getAuthKey(), options);
    }

    /**
     * Kills the registry process ({@code SIGKILL}, as a crash) and starts it again in the same container: with
     * {@link #withDataDir()} its objects come back; without it, it starts empty. Workers' next call fails once with
     * {@code SessionExpiredException}, then they go on. Waits until the registry is ready again; the published port
     * may change, and {@link #getUrl()} follows it.
     *
     * @throws IllegalStateException if the registry is not ready again within two minutes
     */
    public void restartRegistry() {
        String id = getContainerId();
        if (id == null) {
            throw new IllegalStateException("the registry container is not started");
        }
        DockerClient docker = DockerClientFactory.instance().client();
        int readyBefore = readyLines();
        docker.killContainerCmd(id).exec(); // SIGKILL: nothing is flushed or closed on the way down
        docker.startContainerCmd(id).exec();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (readyLines() <= readyBefore) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the registry did not get ready after its restart:\n" + getLogs());
            }
            try {
                Thread.sleep(50); // polling its log: Docker sends no event for a line
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the registry's restart", e);
            }
        }
        mapAdvertisedName();
    }

    private int readyLines() {
        return (int) getLogs().lines().filter(l -> l.contains(READY)).count();
    }

    private static String randomHex(int bytes) {
        byte[] b = new byte[bytes];
        new SecureRandom().nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /**
     * The image name, resolved when the container starts: {@code image} if it exists locally, else one built from
     * a registry jar (the one given, or the system property's), else a clear error.
     */
    private static final class LocalImage extends LazyFuture<String> {
        private final String image;
        private final Path jar;
        private final String baseImage;

        LocalImage(String image, Path jar, String baseImage) {
            this.image = image;
            this.jar = jar;
            this.baseImage = baseImage;
        }

        @Override
        protected String resolve() {
            if (image != null && exists(image)) {
                return image;
            }
            Path registryJar = jar != null ? jar : configuredJar();
            if (registryJar == null) {
                throw new IllegalStateException("the image " + image + " does not exist locally and cannot be pulled"
                        + " (jmanager publishes no image): " + HOW_TO_BUILD + ", or set -D" + REGISTRY_JAR_PROPERTY
                        + "=path/to/registry.jar to build it from that jar");
            }
            return buildFrom(registryJar);
        }

        private static Path configuredJar() {
            String path = System.getProperty(REGISTRY_JAR_PROPERTY, System.getenv("JMANAGER_REGISTRY_JAR"));
            return path == null || path.isBlank() ? null : Path.of(path);
        }

        private String buildFrom(Path registryJar) {
            if (!Files.isRegularFile(registryJar)) {
                throw new IllegalStateException("cannot build the registry image: no registry.jar at "
                        + registryJar.toAbsolutePath() + " (`mvn -B -q package -DskipTests` of the jmanager sources"
                        + " makes rmi-registry/target/registry.jar)");
            }
            String tag = "jmanager/registry:jar-" + sha256(registryJar).substring(0, 12);
            if (exists(tag)) {
                return tag;
            }
            if (!exists(baseImage) && baseImage.equals(DEFAULT_BASE_IMAGE)) {
                throw new IllegalStateException("cannot build the registry image: its base image " + baseImage
                        + " does not exist locally; `bash docker/build-images.sh` of the jmanager sources builds it"
                        + " (pulling nothing), or give JManagerContainer.fromJar(jar, \"eclipse-temurin:17-jre\")"
                        + " where a container registry is reachable");
            }
            String dockerfile = "FROM " + baseImage + "\n"
                    + "COPY registry.jar /app/registry.jar\n"
                    + "EXPOSE " + PORT + "\n"
                    + "ENTRYPOINT [\"java\", \"-jar\", \"/app/registry.jar\"]\n"
                    + "CMD [\"--port\", \"" + PORT + "\"]\n";
            return new ImageFromDockerfile(tag, false)
                    .withFileFromString("Dockerfile", dockerfile)
                    .withFileFromPath("registry.jar", registryJar)
                    .get();
        }

        private static boolean exists(String image) {
            try {
                DockerClientFactory.instance().client().inspectImageCmd(image).exec();
                return true;
            } catch (NotFoundException e) {
                return false;
            }
        }

        private static String sha256(Path file) {
            try (InputStream in = Files.newInputStream(file)) {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = in.read(buffer)) > 0; ) {
                    digest.update(buffer, 0, n);
                }
                return HexFormat.of().formatHex(digest.digest());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("no SHA-256 in this JVM", e);
            }
        }
    }
}
