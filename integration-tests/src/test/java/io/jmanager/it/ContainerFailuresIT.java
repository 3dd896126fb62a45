package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.it.containers.LockHolder;
import io.jmanager.it.containers.LockWaiter;
import io.jmanager.it.containers.RestartJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;

/**
 * Failures across containers: a worker killed or cut off the network while it holds a lock, and a registry restart.
 * Times between a failure and its effect are measured with the host's clock (containers share it) and printed.
 */
@Timeout(300)
class ContainerFailuresIT {
    static final int N = Cluster.WORKERS;
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(90);
    /** The registry's default lease (registry.jar --lease), which the kill test runs with. */
    static final long DEFAULT_LEASE_MILLIS = 10_000;
    static final long SHORT_LEASE_MILLIS = 3_000;

    @BeforeEach
    void docker() {
        DockerGuard.assumeContainersCanRun(); // per test, so that each one is reported as skipped or failed
    }

    private static void took(String what, long startNanos) {
        System.out.printf("[timing] %s: %.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
    }

    private static long number(GenericContainer<?> c, String key) {
        String v = Cluster.value(c, key);
        assertNotNull(v, "no '" + key + "' line in " + Cluster.stdout(c));
        return Long.parseLong(v.trim());
    }

    @Test
    void aKilledWorkersLockGoesToAnotherWorkerAtOnce() throws Exception {
        long start = System.nanoTime();
        try (Cluster cluster = Cluster.start()) {
            GenericContainer<?> holder = cluster.service("holding", "holder", LockHolder.class, "kill-lock", "hold");
            cluster.startAll(EXIT_TIMEOUT, List.of(holder));
            List<GenericContainer<?>> waiters = new ArrayList<>();
            for (int i = 0; i < N - 1; i++) {
                waiters.add(cluster.service("waiting", "waiter-" + i, LockWaiter.class, "kill-lock",
                        String.valueOf(DEFAULT_LEASE_MILLIS + 20_000), "100"));
            }
            cluster.startAll(EXIT_TIMEOUT, waiters);

            long killedAt = System.currentTimeMillis();
            cluster.docker().killContainerCmd(holder.getContainerId()).exec(); // SIGKILL
            for (GenericContainer<?> w : waiters) {
                cluster.assertExitsCleanly(w, EXIT_TIMEOUT);
            }
            assertNotEquals(0L, cluster.awaitExit(holder, EXIT_TIMEOUT), "the holder was killed");

            // One waiter got the lock first; the others after it, one at a time.
            List<long[]> holds = new ArrayList<>();
            for (GenericContainer<?> w : waiters) {
                holds.add(new long[] {number(w, "acquired-at"), number(w, "released-at")});
            }
            holds.sort((a, b) -> Long.compare(a[0], b[0]));
            for (int i = 1; i < holds.size(); i++) {
                assertTrue(holds.get(i)[0] >= holds.get(i - 1)[1], "two waiters held the lock at once");
            }
            long killToGrant = holds.get(0)[0] - killedAt;
            System.out.printf("[measured] kill (SIGKILL) -> lock granted to another worker: %d ms (lease %d ms)%n",
                    killToGrant, DEFAULT_LEASE_MILLIS);
            assertTrue(killToGrant <= DEFAULT_LEASE_MILLIS + 2_000, "kill -> grant took " + killToGrant + " ms");
        }
        took("killed lock holder", start);
    }

    @Test
    void aDisconnectedWorkersLockIsReleasedAfterTheLeaseAndItLearnsItsSessionExpired() throws Exception {
        long start = System.nanoTime();
        try (Cluster cluster = Cluster.start("--lease", String.valueOf(SHORT_LEASE_MILLIS))) {
            GenericContainer<?> holder = cluster.service("holding", "holder", LockHolder.class, "net-lock", "probe");
            cluster.startAll(EXIT_TIMEOUT, List.of(holder));
            GenericContainer<?> waiter = cluster.service("waiting", "waiter", LockWaiter.class, "net-lock",
                    String.valueOf(SHORT_LEASE_MILLIS + 20_000), "100");
            cluster.startAll(EXIT_TIMEOUT, List.of(waiter));

            String networkId = cluster.network.getId();
            long cutAt = System.currentTimeMillis();
            cluster.docker().disconnectFromNetworkCmd().withNetworkId(networkId)
                    .withContainerId(holder.getContainerId()).exec();
            cluster.assertExitsCleanly(waiter, EXIT_TIMEOUT);
            long cutToGrant = number(waiter, "acquired-at") - cutAt;
            System.out.printf("[measured] network disconnect -> lock released to another worker: %d ms"
                    + " (lease %d ms)%n", cutToGrant, SHORT_LEASE_MILLIS);
            // Released by the lease, not before: the holder renewed at most a quarter lease before the cut.
            assertTrue(cutToGrant >= SHORT_LEASE_MILLIS / 2, "released after " + cutToGrant + " ms, before the lease");
            assertTrue(cutToGrant <= SHORT_LEASE_MILLIS + 2_000, "released after " + cutToGrant + " ms");

            // Still cut off: the holder's calls fail in bounded time (connect 1 s, read 3 s) instead of hanging.
            awaitLine(cluster, holder, "unreachable ", Duration.ofSeconds(30));
            System.out.printf("[measured] network disconnect -> holder's calls fail as unreachable: %d ms (%s)%n",
                    System.currentTimeMillis() - cutAt, Cluster.value(holder, "unreachable"));

            long reconnectAt = System.currentTimeMillis();
            cluster.docker().connectToNetworkCmd().withNetworkId(networkId).withContainerId(holder.getContainerId())
                    .exec();
            cluster.assertExitsCleanly(holder, EXIT_TIMEOUT);
            System.out.printf("[measured] reconnect -> holder reported its expired session and exited: %d ms%n",
                    System.currentTimeMillis() - reconnectAt);
            String expired = Cluster.value(holder, "SessionExpiredException:");
            assertNotNull(expired, "the holder printed no SessionExpiredException: " + Cluster.stdout(holder));
            System.out.println("holder: SessionExpiredException: " + expired);
            assertEquals("false", Cluster.value(holder, "still-held"), "the holder no longer holds the lock");
        }
        took("disconnected lock holder", start);
    }

    @Test
    void workersRecoverInANewSessionAfterARegistryRestart() throws Exception {
        long start = System.nanoTime();
        try (Cluster cluster = Cluster.start()) {
            List<GenericContainer<?>> workers = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                workers.add(cluster.service("ready", "restart-" + i, RestartJob.class, String.valueOf(i)));
            }
            cluster.startAll(EXIT_TIMEOUT, workers);
            long epochBefore;
            try (Manager host = cluster.connectFromHost()) {
                SharedDict<String, String> state = host.dict("state");
                assertEquals(N, state.size(), "every worker stored its entry: " + state);
                epochBefore = host.registryEpoch();
            }

            long restartAt = System.nanoTime();
            cluster.docker().restartContainerCmd(cluster.registry.getContainerId()).withTimeout(10).exec();
            awaitSecondReadyLine(cluster);
            System.out.printf("[measured] registry container restart -> ready again: %d ms%n",
                    (System.nanoTime() - restartAt) / 1_000_000);
            for (GenericContainer<?> w : workers) {
                cluster.assertExitsCleanly(w, EXIT_TIMEOUT);
            }
            System.out.printf("[measured] registry restart -> all %d workers recovered: %d ms%n", N,
                    (System.nanoTime() - restartAt) / 1_000_000);
            for (GenericContainer<?> w : workers) {
                String expired = Cluster.value(w, "SessionExpiredException:");
                assertNotNull(expired, "no SessionExpiredException: " + Cluster.stdout(w));
                assertTrue(expired.contains("the registry restarted"), expired);
                assertEquals("null", Cluster.value(w, "after-restart"), "state is gone after a restart");
                assertNotNull(Cluster.value(w, "recovered"), "later calls work: " + Cluster.stdout(w));
            }
            System.out.println("worker: SessionExpiredException: "
                    + Cluster.value(workers.get(0), "SessionExpiredException:"));

            Manager host = cluster.connectFromHost(); // the published port may have changed
            assertNotEquals(epochBefore, host.registryEpoch(), "a new registry incarnation");
            Map<String, String> expected = new TreeMap<>();
            for (int i = 0; i < N; i++) {
                expected.put("w" + i, "after");
            }
            assertEquals(expected, new TreeMap<>(host.<String, String>dict("state").copy()),
                    "only what the workers stored after the restart");
            assertFalse(host.lock("restart-lock").isLocked());
        }
        took("registry restart", start);
    }

    /** Waits until the container printed a line starting with {@code prefix}. */
    private static void awaitLine(Cluster cluster, GenericContainer<?> c, String prefix, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (Cluster.stdout(c).stream().noneMatch(l -> l.startsWith(prefix))) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line '" + prefix + "...' within " + timeout + "\n" + cluster.logs());
            }
            Thread.sleep(50); // polling the container's log: there is no event to wait for
        }
    }

    private static void awaitSecondReadyLine(Cluster cluster) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        while (true) {
            long ready = cluster.registry.getLogs().lines().filter(l -> l.contains(Cluster.READY)).count();
            if (ready >= 2) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the registry printed no second ready line\n" + cluster.logs());
            }
            Thread.sleep(50); // polling the container's log: there is no event to wait for
        }
    }
}
