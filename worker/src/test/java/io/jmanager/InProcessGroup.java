package io.jmanager;

import io.jmanager.registry.RegistryConfig;
import io.jmanager.registry.RegistryServer;
import io.jmanager.registry.group.GroupConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * Three registry group members in this JVM on loopback, each with its data directory under one folder: started,
 * stopped and restarted one by one, with the key and group options a test chooses. Closing it stops every member.
 */
final class InProcessGroup implements AutoCloseable {
    static final int SIZE = 3;
    final RegistryServer[] members = new RegistryServer[SIZE];
    final String spec;
    final String urls;
    final int[] raftPorts = new int[SIZE];
    private final Path dir;

    InProcessGroup(Path dir) throws IOException {
        this.dir = dir;
        StringBuilder g = new StringBuilder();
        StringBuilder u = new StringBuilder("rmi://");
        for (int i = 0; i < SIZE; i++) {
            int rmi = TestPorts.free();
            raftPorts[i] = TestPorts.free();
            g.append(i == 0 ? "" : ",").append(id(i)).append("=127.0.0.1:").append(rmi).append(':')
                    .append(raftPorts[i]);
            u.append(i == 0 ? "" : ",").append("127.0.0.1:").append(rmi);
        }
        spec = g.toString();
        urls = u.toString();
    }


    static String id(int i) {
        return "r" + (i + 1);
    }

    /** Member {@code i}'s data directory. */
    Path dataDir(int i) {
        return dir.resolve(id(i));
    }

    /** Starts every member with the test key and default group options. */
    InProcessGroup startAll() throws IOException {
        for (int i = 0; i < SIZE; i++) {
            start(i);
        }
        return this;
    }

    void start(int i) throws IOException {
        start(i, TestKeys.key(), UnaryOperator.identity());
    }

    /** Starts member {@code i} with {@code key} and the group options {@code options} makes. */
    void start(int i, AuthKey key, UnaryOperator<GroupConfig> options) throws IOException {
        members[i] = RegistryServer.startGroup(RegistryConfig.defaults().withAuthKey(key)
                        .withBindAddress("127.0.0.1").withAdvertiseHost("127.0.0.1").withLeaseMillis(2000),
                options.apply(GroupConfig.parse(spec, id(i), dataDir(i))));
    }

    void stop(int i) {
        if (members[i] != null) {
            members[i].close();
            members[i] = null;
        }
    }

    /** The member that serves now, waiting (bounded) for an election. */
    int leader() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(30_000));
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < SIZE; i++) {
                if (members[i] != null && members[i].groupMember().servingTerm() >= 0) {
                    return i;
                }
            }
            Thread.sleep(20); // an election has no event a test could wait for
        }
        throw new AssertionError("no member serves within 30 s");
    }

    /** A worker connection to the group, retried (bounded) while no member serves (an election). */
    Manager connect() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(30_000));
        while (true) {
            try {
                return Manager.connect(urls);
            } catch (RegistryUnavailableException | NotLeaderException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20); // an election has no event a worker could wait for
            }
        }
    }

    /**
     * Runs an idempotent call until it is answered, retrying (bounded) while the group changes leader: a loaded
     * machine can delay heartbeats past the election timeout, and a leader change makes a call fail once.
     */
    static <T> T retried(java.util.concurrent.Callable<T> call) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(30_000));
        while (true) {
            try {
                return call.call();
            } catch (RegistryUnavailableException | NotLeaderException | SessionExpiredException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20); // an election has no event a worker could wait for
            }
        }
    }

    /** Waits (bounded, {@code seconds} scaled by the timing multiplier) until {@code condition} holds. */
    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(seconds * 1000));
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + seconds + " s: " + what);
            }
            Thread.sleep(20); // replication has no event a test could wait for
        }
    }

    /** Stops every member (each may be started again on its data directory). */
    void stopAll() {
        for (int i = 0; i < SIZE; i++) {
            stop(i);
        }
    }

    @Override
    public void close() {
        stopAll();
    }
}
