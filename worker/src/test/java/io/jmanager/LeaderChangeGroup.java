package io.jmanager;

import io.jmanager.registry.RegistryConfig;
import io.jmanager.registry.RegistryServer;
import io.jmanager.registry.group.GroupConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A registry group of three members in this JVM on loopback, each with its Raft log in its own directory, started
 * at once with the lease a test chooses and waited for until one serves: stopped (its Raft server and RMI registry
 * closed, as far as the others can tell the same as a crash) and restarted on its log by the test. For leader
 * changes within a lease; {@link InProcessGroup} starts members one by one with the keys and options a test chooses.
 */
final class LeaderChangeGroup implements AutoCloseable {
    private final Path dir;
    private final long leaseMillis;
    private final RegistryServer[] members = new RegistryServer[3];
    private final String spec;
    /** Every member's address, for {@link Manager#connect(String)}. */
    final String urls;

    /** Starts the three members and waits until one serves; the registry's default lease is {@code leaseMillis}. */
    LeaderChangeGroup(Path dir, long leaseMillis) throws IOException {
        this.dir = dir;
        this.leaseMillis = leaseMillis;
        StringBuilder g = new StringBuilder();
        StringBuilder u = new StringBuilder("rmi://");
        for (int i = 0; i < 3; i++) {
            int rmi = TestPorts.free();
            int raft = TestPorts.free();
            g.append(i == 0 ? "" : ",").append("r").append(i + 1).append("=127.0.0.1:").append(rmi).append(':')
                    .append(raft);
            u.append(i == 0 ? "" : ",").append("127.0.0.1:").append(rmi);
        }
        spec = g.toString();
        urls = u.toString();
        try {
            for (int i = 0; i < 3; i++) {
                start(i);
            }
            leader();
        } catch (InterruptedException e) {
            close();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the group elected a leader", e);
        } catch (IOException | RuntimeException | AssertionError e) {
            close();
            throw e;
        }
    }


    /**
     * Starts member {@code i} (again) on its Raft log and its ports. A member just stopped may hold its ports for a
     * moment (the transports close their sockets asynchronously): a taken port is retried for up to 10 s.
     */
    void start(int i) throws IOException {
        String id = "r" + (i + 1);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(10_000));
        while (true) {
            try {
                members[i] = RegistryServer.startGroup(RegistryConfig.defaults().withAuthKey(TestKeys.key())
                                .withBindAddress("127.0.0.1").withAdvertiseHost("127.0.0.1")
                                .withLeaseMillis(leaseMillis),
                        GroupConfig.parse(spec, id, dir.resolve(id)));
                return;
            } catch (IOException e) {
                if (!portTaken(e) || System.nanoTime() > deadline) {
                    throw e;
                }
                try {
                    Thread.sleep(50); // a port's release has no event a test could wait for
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static boolean portTaken(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
        }
        return false;
    }

    /** Stops member {@code i}. */
    void stop(int i) {
        members[i].close();
        members[i] = null;
    }

    RegistryServer member(int i) {
        return members[i];
    }

    /** The member that serves now, waiting (bounded) for an election. */
    int leader() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(30_000));
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 3; i++) {
                if (members[i] != null && members[i].groupMember().servingTerm() >= 0) {
                    return i;
                }
            }
            Thread.sleep(20); // an election has no event a test could wait for
        }
        throw new AssertionError("no member serves within 30 s");
    }

    /** Stops the leader, restarts it on its log (a follower now) and returns the new leader. */
    int failOver() throws Exception {
        int old = leader();
        stop(old);
        int next = leader();
        start(old);
        return next;
    }

    @Override
    public void close() {
        for (int i = 0; i < 3; i++) {
            if (members[i] != null) {
                members[i].close();
                members[i] = null;
            }
        }
    }
}
