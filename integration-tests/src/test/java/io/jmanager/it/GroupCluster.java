package io.jmanager.it;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Volume;
import io.jmanager.AuthKey;
import io.jmanager.JManagerException;
import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.RegistryGroupStatus;
import io.jmanager.wire.GroupStatus;
import io.jmanager.wire.ClientTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * A registry group of three {@code registry.jar} containers (issue 12, docs/group.md) and the faults a test makes
 * to it: SIGKILL of a member, a partition of a member from the others, healing it, and a wiped data directory.
 *
 * <p><b>Two networks.</b> The members' Raft traffic runs on the {@code peers} network, where each member has its id
 * ({@code r1}, {@code r2}, {@code r3}) as alias; the {@code --group} list names those aliases. Every member is also
 * on a {@code clients} network, and the test JVM (the workers: one {@link Manager} per worker thread) reaches each
 * member at its address there (the host routes to Docker's bridge networks; stubs say {@code rN:1099}, which
 * {@link ClientTransport#overrideAddress} maps to that address). So {@link #partition} (docker network disconnect
 * from {@code peers}) cuts a member off from the other members, a real partition of the group, while the workers
 * can still call it: a test sees what a cut-off leader answers.
 *
 * <p><b>Data.</b> Each member's {@code --data-dir} is a host directory bind-mounted at {@code /data}, so a killed
 * member restarts on its log ({@link #start}), and {@link #wipe} empties it.
 *
 * <p>A member that rejoins the peers network or restarts may get a new address; the members' JVMs run with
 * Java's defaults for DNS caching, so that the registry's own {@code PeerAddressCaching} is what lets the others
 * find it there. Not thread-safe: one test thread makes the faults. Everything it
 * started is removed by {@link #close()}.
 */
final class GroupCluster implements AutoCloseable {
    static final String[] IDS = {"r1", "r2", "r3"};
    static final int RMI_PORT = 1099;
    static final int RAFT_PORT = 1100;
    static final String GROUP = String.join(",", Stream.of(IDS).map(id -> id + "=" + id + ":" + RMI_PORT + ":"
            + RAFT_PORT).toList());
    /** The URL workers connect with: every member. */
    static final String URLS = "rmi://" + String.join(",", Stream.of(IDS).map(id -> id + ":" + RMI_PORT).toList());
    private static final Pattern LEADS = Pattern.compile("group member (r\\d) leads in term (\\d+) and serves");
    private static final Duration START_TIMEOUT = Duration.ofMillis(RegistryJar.millis(120_000));

    final Network peers;
    final Network clients;
    private final String clientsName;
    private final String authKey;
    private final Path dataRoot;
    private final long leaseMillis;
    final List<GenericContainer<?>> members = new ArrayList<>();
    private final List<Manager> managers = new ArrayList<>();

    private GroupCluster(Path dataRoot, long leaseMillis) {
        this.dataRoot = dataRoot;
        this.leaseMillis = leaseMillis;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        this.authKey = HexFormat.of().formatHex(key);
        this.peers = Network.builder().createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(Cluster.LABEL, "true")))
                .build();
        this.clients = Network.builder()
                .createNetworkCmdModifier(cmd -> cmd.withLabels(Map.of(Cluster.LABEL, "true"))).build();
        this.clientsName = docker().inspectNetworkCmd().withNetworkId(clients.getId()).exec().getName();
    }

    /**
     * Starts three members with data directories under {@code dataRoot} and session lease {@code leaseMillis},
     * waits until one leads and serves, and points the transport at the members' client addresses.
     */
    static GroupCluster start(Path dataRoot, long leaseMillis) {
        DockerGuard.assumeContainersCanRun();
        GroupCluster g = new GroupCluster(dataRoot, leaseMillis);
        try {
            for (String id : IDS) {
                g.members.add(g.member(id));
            }
            long t0 = System.nanoTime();
            Startables.deepStart(g.members).get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            for (GenericContainer<?> m : g.members) {
                g.docker().connectToNetworkCmd().withNetworkId(g.clients.getId()).withContainerId(m.getContainerId())
                        .exec();
            }
            g.refreshAddresses();
            int leader = g.awaitLeader(START_TIMEOUT);
            System.out.printf("[group] 3 members started, %s leads, in %d ms%n", IDS[leader],
                    (System.nanoTime() - t0) / 1_000_000);
            return g;
        } catch (Exception | Error e) {
            String logs = g.logs();
            g.close();
            throw new AssertionError("the group did not start: " + e + "\n" + logs, e);
        }
    }

    private GenericContainer<?> member(String id) throws IOException {
        Path data = dataRoot.resolve(id);
        Files.createDirectories(data);
        // the image runs as user 10001, the host directory belongs to the test's user
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        return new GenericContainer<>(DockerImageName.parse(DockerGuard.REGISTRY_IMAGE))
                .withImagePullPolicy(image -> false)
                .withLabel(Cluster.LABEL, "true")
                .withNetwork(peers)
                .withNetworkAliases(id)
                .withEnv("JMANAGER_AUTHKEY", authKey)
                .withEnv("JAVA_TOOL_OPTIONS", System.getProperty("jmanager.it.member.options", "").strip())
                // a bind made here, not with withFileSystemBind, which pulls alpine to check the path
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withBinds(new Bind(data.toString(), new Volume("/data"))))
                .withCopyFileToContainer(MountableFile.forHostPath(Cluster.jar("jmanager.registry.jar")),
                        "/app/registry.jar")
                .withCommand("--group", GROUP, "--id", id, "--data-dir", "/data",
                        "--bind", "0.0.0.0", "--advertise", id, "--lease", String.valueOf(leaseMillis))
                .waitingFor(Wait.forLogMessage(".*jmanager registry ready at.*\\n", 1)
                        .withStartupTimeout(START_TIMEOUT));
    }

    DockerClient docker() {
        return DockerClientFactory.instance().client();
    }

    private String containerId(int member) {
        return members.get(member).getContainerId();
    }

    /** Points {@code rN:1099} at each running member's address on the clients network (it changes on restart). */
    void refreshAddresses() {
        for (int i = 0; i < IDS.length; i++) {
            var state = docker().inspectContainerCmd(containerId(i)).exec();
            if (!Boolean.TRUE.equals(state.getState().getRunning())) {
                continue;
            }
            ContainerNetwork net = state.getNetworkSettings().getNetworks().get(clientsName);
            if (net == null || net.getIpAddress() == null || net.getIpAddress().isEmpty()) {
                throw new AssertionError(IDS[i] + " has no address on the clients network " + clientsName);
            }
            ClientTransport.overrideAddress(IDS[i], RMI_PORT, new InetSocketAddress(net.getIpAddress(), RMI_PORT));
        }
    }

    /** A new manager of the test JVM connected to the whole group (retried while no member serves). */
    Manager connect() throws InterruptedException {
        return connect(URLS, Duration.ofMillis(RegistryJar.millis(60_000)));
    }

    /** A new manager connected to {@code url} (one member: a single-registry connection that never follows). */
    Manager connect(String url, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Manager m = Manager.connect(url, AuthKey.of(authKey));
                synchronized (managers) {
                    managers.add(m);
                }
                return m;
            } catch (JManagerException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not connect to " + url + " within " + timeout + ": " + e + "\n"
                            + logs(), e);
                }
                Thread.sleep(100); // an election has no event a worker could wait for
            }
        }
    }

    /** One attempt to connect to the whole group; the caller closes the manager. */
    Manager tryConnect() {
        return Manager.connect(URLS, AuthKey.of(authKey));
    }

    /**
     * Milliseconds from {@code sinceNanos} to the first acknowledged write of a new manager, connecting afresh until
     * one succeeds (bounded: 60 s): what a worker that starts after a fault waits.
     */
    long millisToFirstWriteOfNewWorker(long sinceNanos) throws InterruptedException {
        long deadline = sinceNanos + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(60_000));
        for (long i = 1; System.nanoTime() < deadline; i++) {
            try (Manager m = tryConnect()) {
                m.value("probe", 'q', 0L).set(i);
                return (System.nanoTime() - sinceNanos) / 1_000_000;
            } catch (JManagerException e) {
                Thread.sleep(20); // an election has no event a worker could wait for
            }
        }
        throw new AssertionError("no new worker could write within 60 s\n" + logs());
    }

    /** The URL of member {@code i} alone. */
    static String url(int member) {
        return "rmi://" + IDS[member] + ":" + RMI_PORT;
    }

    boolean running(int member) {
        return Boolean.TRUE.equals(docker().inspectContainerCmd(containerId(member)).exec().getState().getRunning());
    }

    /** Member {@code i}'s output (stdout and stderr) since it was created, across restarts. */
    String log(int member) {
        try {
            return members.get(member).getLogs();
        } catch (RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The highest term in which member {@code i} reported that it leads and serves, or -1. */
    long servingTerm(int member) {
        Matcher m = LEADS.matcher(log(member));
        long term = -1;
        while (m.find()) {
            term = Math.max(term, Long.parseLong(m.group(2)));
        }
        return term;
    }

    /**
     * The running member that reported serving in the highest term, or -1. (A partitioned old leader reported a
     * lower term than the member the majority elected after it.)
     */
    int leader() {
        int best = -1;
        long bestTerm = -1;
        for (int i = 0; i < IDS.length; i++) {
            if (!running(i)) {
                continue;
            }
            long t = servingTerm(i);
            if (t > bestTerm) {
                bestTerm = t;
                best = i;
            }
        }
        return best;
    }

    /** Waits until a running member serves in a term above {@code aboveTerm}; returns it. */
    int awaitLeaderAbove(long aboveTerm, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            int l = leader();
            if (l >= 0 && servingTerm(l) > aboveTerm) {
                return l;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no member serves in a term above " + aboveTerm + " within " + timeout
                        + "\n" + logs());
            }
            Thread.sleep(100); // polling the members' logs: there is no event to wait for
        }
    }

    int awaitLeader(Duration timeout) throws InterruptedException {
        return awaitLeaderAbove(-1, timeout);
    }

    /** SIGKILL of member {@code i} ({@code docker kill --signal KILL}). */
    void kill(int member) {
        docker().killContainerCmd(containerId(member)).withSignal("KILL").exec();
        System.out.printf("[group] %s killed (SIGKILL)%n", IDS[member]);
    }

    /** Starts the (killed) member {@code i} again on its data directory and waits for its ready line. */
    void start(int member) throws InterruptedException {
        int readyBefore = count(log(member), "jmanager registry ready at");
        docker().startContainerCmd(containerId(member)).exec();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (count(log(member), "jmanager registry ready at") <= readyBefore) {
            if (System.nanoTime() > deadline || !running(member)) {
                throw new AssertionError(IDS[member] + " did not restart\n" + log(member));
            }
            Thread.sleep(100); // polling its log for the ready line
        }
        refreshAddresses();
        System.out.printf("[group] %s restarted on its data directory%n", IDS[member]);
    }

    /**
     * Waits until member {@code i} has caught up with the group: it applied every entry the serving leader had
     * committed when the wait began (asked with {@code worker.jar group}'s {@link RegistryGroupStatus}, every
     * 100 ms). Returns the milliseconds waited.
     */
    long awaitCaughtUp(int member, Duration timeout) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long target = -1;
        String last = "no answer yet";
        while (System.nanoTime() < deadline) {
            GroupStatus leader = null;
            GroupStatus self = null;
            // the workers' options: asking sets this JVM's connection timeouts, which the load's workers share
            for (RegistryGroupStatus.Answer a : RegistryGroupStatus.ask(URLS, AuthKey.of(authKey),
                    ManagerOptions.defaults())) {
                if (a.status() != null && a.status().serving()) {
                    leader = a.status();
                }
                if (a.status() != null && a.status().self().equals(IDS[member])) {
                    self = a.status();
                }
            }
            if (target < 0 && leader != null) {
                target = leader.commitIndex();
            }
            if (target >= 0 && self != null && self.appliedIndex() >= target) {
                return (System.nanoTime() - start) / 1_000_000;
            }
            last = (self == null ? IDS[member] + " did not answer" : IDS[member] + " applied " + self.appliedIndex())
                    + ", target " + target;
            Thread.sleep(100); // polling the members' status: catching up has no event to wait for
        }
        throw new AssertionError(IDS[member] + " did not catch up within " + timeout + " (" + last + ")\n" + logs());
    }

    /** Kills member {@code i}, deletes everything in its data directory, and starts it again. */
    void wipe(int member) throws InterruptedException {
        if (running(member)) {
            kill(member);
        }
        Path data = dataRoot.resolve(IDS[member]);
        try (Stream<Path> files = Files.walk(data)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                if (!p.equals(data)) {
                    Files.delete(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not wipe " + data, e);
        }
        System.out.printf("[group] %s's data directory wiped%n", IDS[member]);
        start(member);
    }

    /** Disconnects member {@code i} from the peers network: it can no longer reach the other members, nor they it. */
    void partition(int member) {
        docker().disconnectFromNetworkCmd().withNetworkId(peers.getId()).withContainerId(containerId(member))
                .withForce(true).exec();
        System.out.printf("[group] %s partitioned from the other members%n", IDS[member]);
    }

    /** Connects member {@code i} to the peers network again, under its id. */
    void heal(int member) {
        docker().connectToNetworkCmd().withNetworkId(peers.getId()).withContainerId(containerId(member))
                .withContainerNetwork(new ContainerNetwork().withAliases(IDS[member])).exec();
        System.out.printf("[group] %s healed%n", IDS[member]);
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int at = text.indexOf(what); at >= 0; at = text.indexOf(what, at + 1)) {
            n++;
        }
        return n;
    }

    /**
     * Every member's output, for failure messages: the tail of each log, after each running member was asked for a
     * thread dump (SIGQUIT) whose Raft threads are shown; each whole log, dump included, is written to
     * {@code target/group-logs/} and its path given.
     */
    String logs() {
        StringBuilder out = new StringBuilder();
        long stamp = System.currentTimeMillis();
        for (int i = 0; i < members.size(); i++) {
            out.append("---- ").append(IDS[i]).append(" ----\n");
            if (members.get(i).getContainerId() == null) {
                out.append("(not created)\n");
                continue;
            }
            String log = log(i);
            String dump = threadDump(i, log);
            String whole = dump.isEmpty() ? log : log(i);
            // the tail is what explains a failure; a whole run's log is long
            out.append(log.length() > 20_000 ? "...\n" + log.substring(log.length() - 20_000) : log).append('\n');
            if (!dump.isEmpty()) {
                String raft = ThreadDumps.threadsNamed(dump, "server-thread", "SegmentedRaftLogWorker",
                        "StateMachineUpdater");
                out.append("[Raft threads of ").append(IDS[i]).append("]\n")
                        .append(raft.length() > 12_000 ? raft.substring(0, 12_000) + "\n..." : raft).append('\n');
            }
            out.append("[whole log: ").append(saveLog(IDS[i] + "-" + stamp, whole)).append("]\n");
        }
        return out.toString();
    }

    /**
     * Asks member {@code i}'s JVM for a thread dump (SIGQUIT, printed to its output) and returns it, or "" if the
     * member does not run or printed none within 10 s. {@code before} is its log before the signal.
     */
    private String threadDump(int i, String before) {
        if (!members.get(i).isRunning()) {
            return "";
        }
        try {
            docker().killContainerCmd(containerId(i)).withSignal("QUIT").exec();
        } catch (RuntimeException e) {
            return "";
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String log = log(i);
            int start = log.indexOf("Full thread dump", before.length() - Math.min(before.length(), 100));
            int end = start < 0 ? -1 : log.indexOf("JNI global refs", start);
            if (end > 0) {
                return log.substring(start, end);
            }
            try {
                Thread.sleep(100); // the JVM prints the dump asynchronously; its end marker is what we wait for
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "";
            }
        }
        return "";
    }

    /** Writes {@code text} to target/group-logs/{@code name}.log; returns its path or why it was not written. */
    private static String saveLog(String name, String text) {
        Path file = Path.of("target", "group-logs", name + ".log").toAbsolutePath();
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
            return file.toString();
        } catch (IOException e) {
            return "not written (" + e + ")";
        }
    }

    @Override
    public void close() {
        synchronized (managers) {
            for (Manager m : managers) {
                try {
                    m.close();
                } catch (RuntimeException e) {
                    // its member is gone already
                }
            }
        }
        for (GenericContainer<?> c : members) {
            try {
                c.stop();
            } catch (RuntimeException e) {
                System.err.println("could not remove a group member container: " + e);
            }
        }
        for (Network n : List.of(peers, clients)) {
            try {
                n.close();
            } catch (RuntimeException e) {
                System.err.println("could not remove network " + n.getId() + ": " + e);
            }
        }
    }
}
