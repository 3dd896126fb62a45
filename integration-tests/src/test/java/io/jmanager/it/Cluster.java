package io.jmanager.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Ports;
import io.jmanager.AuthKey;
import io.jmanager.Manager;
import io.jmanager.wire.ClientTransport;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * One Docker network with a registry container (alias {@code registry}, started with {@code --advertise registry})
 * and the worker containers of one test, plus managers of the test JVM on the host. Everything it started is
 * removed by {@link #close()}, also when a test fails (Ryuk, the usual reaper, is off: it would be pulled).
 *
 * <p>The containers run this build's jars: registry.jar and worker.jar are copied over the images' own copies, and
 * the worker mains of {@code io.jmanager.it.containers} from the test classes, so an image built from an older
 * build cannot hide a change.
 */
final class Cluster implements AutoCloseable {
    static final String ALIAS = "registry";
    static final int PORT = 1099;
    /** The URL worker containers use. */
    static final String URL = "rmi://" + ALIAS + ":" + PORT;
    static final String READY = "jmanager registry ready at " + URL;
    static final int WORKERS = Integer.getInteger("jmanager.it.workers", 4);
    /** On every container and network these tests create, so that scripts/test-all.sh can remove what a killed
     *  run left behind (Ryuk, which would do it, is off). */
    static final String LABEL = "io.jmanager.it";
    static final String CONTAINERS_PACKAGE = "io/jmanager/it/containers";
    /** JVM options of the worker containers: small and quick to start (many JVMs share 2 cores). */
    static final List<String> WORKER_JVM = List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
            "-Xmx128m", "-XX:-UsePerfData");

    final Network network;
    final GenericContainer<?> registry;
    /** The registry's authentication key, new for each cluster; the containers get it as {@code JMANAGER_AUTHKEY}. */
    private final String authKey;
    private final Map<GenericContainer<?>, String> names = new LinkedHashMap<>();
    /** Everything each container printed, as it came: kept when a failed container is removed. */
    private final Map<GenericContainer<?>, StringBuffer> output = new LinkedHashMap<>();
    private final List<Manager> managers = new ArrayList<>();

    private Cluster(Network network, GenericContainer<?> registry, String authKey) {
        this.network = network;
        this.registry = registry;
        this.authKey = authKey;
    }

    /** Starts the network and the registry with {@code --port 1099 --advertise registry} plus {@code options}. */
    static Cluster start(String... options) {
        DockerGuard.assumeContainersCanRun();
        List<String> command = new ArrayList<>(List.of("--port", String.valueOf(PORT), "--advertise", ALIAS));
        command.addAll(Arrays.asList(options));
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        String authKey = HexFormat.of().formatHex(key);
        Network network = Network.builder()
                .createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(LABEL, "true"))).build();
        GenericContainer<?> registry = new GenericContainer<>(DockerImageName.parse(DockerGuard.REGISTRY_IMAGE))
                .withImagePullPolicy(image -> false)
                .withLabel(LABEL, "true")
                .withNetwork(network)
                .withNetworkAliases(ALIAS)
                .withEnv("JMANAGER_AUTHKEY", authKey)
                .withExposedPorts(PORT)
                .withCopyFileToContainer(MountableFile.forHostPath(jar("jmanager.registry.jar")), "/app/registry.jar")
                .withCommand(command.toArray(String[]::new))
                .waitingFor(Wait.forLogMessage(".*" + Pattern.quote(READY) + ".*\\n", 1)
                        .withStartupTimeout(Duration.ofSeconds(60)));
        Cluster cluster = new Cluster(network, registry, authKey);
        cluster.register(registry, "registry");
        try {
            long start = System.nanoTime();
            registry.start();
            System.out.printf("registry container ready in %d ms (%s)%n", (System.nanoTime() - start) / 1_000_000,
                    String.join(" ", command));
        } catch (RuntimeException | Error e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** The registry's authentication key (text), for processes of the host that take it as a key file. */
    String authKey() {
        return authKey;
    }

    static Path jar(String property) {
        Path jar = Path.of(System.getProperty(property, "missing-" + property));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(property + " not built at " + jar.toAbsolutePath());
        }
        return jar;
    }

    /** A worker container (not started) running {@code main} with {@code URL} and {@code args}. */
    GenericContainer<?> worker(String name, Class<?> main, String... args) {
        Path classes = Path.of(System.getProperty("jmanager.it.testClasses", "target/test-classes"))
                .resolve(CONTAINERS_PACKAGE);
        List<String> command = new ArrayList<>(WORKER_JVM);
        command.addAll(List.of("-cp", "/app/lib/*:/app/classes", main.getName(), URL));
        command.addAll(Arrays.asList(args));
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(DockerGuard.WORKER_IMAGE))
                .withImagePullPolicy(image -> false)
                .withLabel(LABEL, "true")
                .withNetwork(network)
                .withNetworkAliases(name)
                .withEnv("JMANAGER_AUTHKEY", authKey)
                .withCopyFileToContainer(MountableFile.forHostPath(jar("jmanager.worker.jar")), "/app/lib/worker.jar")
                .withCopyFileToContainer(MountableFile.forHostPath(classes), "/app/classes/" + CONTAINERS_PACKAGE)
                .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("java"))
                .withCommand(command.toArray(String[]::new));
        register(c, name);
        return c;
    }

    private void register(GenericContainer<?> c, String name) {
        StringBuffer out = new StringBuffer();
        c.withLogConsumer(frame -> out.append(frame.getUtf8String()));
        names.put(c, name);
        output.put(c, out);
    }

    /** A worker that runs its job and exits: started means exited with 0 within {@code timeout}. */
    GenericContainer<?> job(Duration timeout, String name, Class<?> main, String... args) {
        return worker(name, main, args).withStartupCheckStrategy(
                new OneShotStartupCheckStrategy().withTimeout(timeout));
    }

    /** A worker that keeps running: started means it printed a line containing {@code readyText}. */
    GenericContainer<?> service(String readyText, String name, Class<?> main, String... args) {
        return worker(name, main, args).waitingFor(Wait.forLogMessage(".*" + Pattern.quote(readyText) + ".*\\n", 1)
                .withStartupTimeout(Duration.ofSeconds(60)));
    }

    /**
     * Starts the containers at once ({@link Startables#deepStart}) and waits until all are started (one-shot jobs:
     * exited with 0). On a failure: an {@link AssertionError} with every container's log.
     */
    void startAll(Duration timeout, List<? extends GenericContainer<?>> containers) {
        try {
            Startables.deepStart(containers).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a container failed: " + e.getCause() + "\n" + logs(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("containers not started within " + timeout + "\n" + logs(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Waits until the (started) container exits; returns its exit code. */
    long awaitExit(GenericContainer<?> c, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            InspectContainerResponse.ContainerState state = docker().inspectContainerCmd(c.getContainerId()).exec()
                    .getState();
            if (!Boolean.TRUE.equals(state.getRunning())) {
                return state.getExitCodeLong();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(names.get(c) + " still running after " + timeout + "\n" + logs());
            }
            Thread.sleep(50); // polling the engine: it has no exit notification in this API
        }
    }

    /** Asserts that the container exits with 0 within {@code timeout}. */
    void assertExitsCleanly(GenericContainer<?> c, Duration timeout) throws InterruptedException {
        long code = awaitExit(c, timeout);
        if (code != 0) {
            throw new AssertionError(names.get(c) + " exited with " + code + "\n" + logs());
        }
    }

    /** The container's standard output lines. */
    static List<String> stdout(GenericContainer<?> c) {
        return c.getLogs(OutputFrame.OutputType.STDOUT).lines().toList();
    }

    /** The value after {@code key } on the first stdout line starting with it, or null. */
    static String value(GenericContainer<?> c, String key) {
        for (String line : stdout(c)) {
            if (line.startsWith(key + " ")) {
                return line.substring(key.length() + 1);
            }
        }
        return null;
    }

    DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    /** The registry port published on the host now (it can change when the container restarts). */
    int publishedPort() {
        Ports.Binding[] bindings = docker().inspectContainerCmd(registry.getContainerId()).exec().getNetworkSettings()
                .getPorts().getBindings().get(ExposedPort.tcp(PORT));
        if (bindings == null || bindings.length == 0) {
            throw new AssertionError("registry port " + PORT + " is not published\n" + logs());
        }
        return Integer.parseInt(bindings[0].getHostPortSpec());
    }

    /**
     * A manager of the test JVM on the host. Stubs from the registry say {@code registry:1099}, which only the
     * containers resolve: the transport override maps that address to the published port.
     */
    Manager connectFromHost() {
        int port = publishedPort();
        String host = registry.getHost();
        ClientTransport.overrideAddress(ALIAS, PORT, new InetSocketAddress(host, port));
        Manager m = Manager.connect("rmi://" + host + ":" + port, AuthKey.of(authKey));
        managers.add(m);
        return m;
    }

    /** All containers' logs, for failure messages. */
    String logs() {
        StringBuilder out = new StringBuilder();
        names.forEach((c, name) -> {
            out.append("---- ").append(name).append(" ----\n");
            String logs = null;
            try {
                if (c.getContainerId() != null) {
                    logs = c.getLogs();
                }
            } catch (RuntimeException e) {
                // removed already: what the log consumer received
            }
            out.append(logs != null ? logs : output.get(c));
        });
        return out.toString();
    }

    @Override
    public void close() {
        for (Manager m : managers) {
            try {
                m.close();
            } catch (RuntimeException e) {
                // the registry is gone already
            }
        }
        List<GenericContainer<?>> all = new ArrayList<>(names.keySet());
        java.util.Collections.reverse(all); // workers first, the registry last
        for (GenericContainer<?> c : all) {
            try {
                c.stop();
            } catch (RuntimeException e) {
                System.err.println("could not remove container " + names.get(c) + ": " + e);
            }
        }
        try {
            network.close();
        } catch (RuntimeException e) {
            System.err.println("could not remove network " + network.getId() + ": " + e);
        }
    }
}
