package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.JManagerException;
import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedValue;
import io.jmanager.it.linearizability.CheckResult;
import io.jmanager.it.linearizability.CounterModel;
import io.jmanager.it.linearizability.History;
import io.jmanager.it.linearizability.LinearizabilityChecker;
import io.jmanager.it.linearizability.RegisterModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults made to a registry group of three containers ({@link GroupCluster}) under a load of register and counter
 * operations from several workers ({@link GroupLoad}), whose recorded histories must be linearizable
 * ({@link LinearizabilityChecker}) and whose acknowledged increments must all be counted:
 * <ul>
 *   <li>SIGKILL of the leader, {@value #CI_KILLS} times in CI ({@code -Djmanager.it.group.kills=20}: the soak of
 *       the {@code group-soak} profile), restarting the killed member on its data directory each time and waiting
 *       until it has caught up, so that every kill hits a whole group; the time from each kill to the first
 *       acknowledged write, and each restarted member's catch-up time, are printed and written to a results
 *       file;</li>
 *   <li>a partition of the leader from the other two members: the old leader stops answering within its leader
 *       lease (a worker connected to it alone is part of the checked history: a stale read would fail the check),
 *       the majority elects and serves, and the healed member catches up: made the only possible leader, it serves
 *       exactly the state the others had.</li>
 * </ul>
 */
@Timeout(900)
class GroupFaultsIT {
    static final int CI_KILLS = 2;
    static final int KILLS = Integer.getInteger("jmanager.it.group.kills", CI_KILLS);
    static final int WORKERS = 4;
    /** Session lease of the members: sessions do not survive a failover yet (docs/group.md), so it does not matter. */
    static final long LEASE_MILLIS = 10_000;
    /** Ratis's election timeout is 500-1000 ms (GroupMember); its leader lease is shorter. */
    static final long ELECTION_MAX_MILLIS = 1_000;
    static final Duration CHECK_BUDGET = Duration.ofMillis(RegistryJar.millis(120_000));

    @TempDir
    Path tmp;

    @BeforeEach
    void docker() {
        DockerGuard.assumeContainersCanRun();
    }

    @Test
    void leaderKillsDuringLoadKeepHistoriesLinearizableAndTotalsExact() throws Exception {
        long start = System.nanoTime();
        List<Long> failovers = new ArrayList<>();
        List<Long> fresh = new ArrayList<>();
        List<Long> elections = new ArrayList<>();
        List<Long> catchUps = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        try (GroupCluster group = GroupCluster.start(tmp, LEASE_MILLIS); Manager setup = group.connect()) {
            GroupLoad load = new GroupLoad(group, setup, WORKERS);
            try {
                load.awaitProgress(100, group);
                for (int kill = 1; kill <= KILLS; kill++) {
                    int leader = group.leader();
                    long term = group.servingTerm(leader);
                    group.kill(leader);
                    // measured from the kill's completion: a call invoked while the Docker API call was under way
                    // may still have been answered by the old leader (seen once: "13 ms")
                    long killed = System.nanoTime();
                    load.fault(killed);
                    int next = group.awaitLeaderAbove(term, Duration.ofMillis(RegistryJar.millis(60_000)));
                    long electedMillis = (System.nanoTime() - killed) / 1_000_000;
                    long freshMillis = group.millisToFirstWriteOfNewWorker(killed);
                    long millis = load.millisToFirstWriteAfterFault(group);
                    elections.add(electedMillis);
                    fresh.add(freshMillis);
                    failovers.add(millis);
                    String line = String.format(Locale.ROOT, "kill %d: %s (term %d) killed, %s serves in term %d"
                            + " (seen in its log %d ms after the kill); first acknowledged write after %d ms of the"
                            + " running workers, %d ms of a new worker", kill, GroupCluster.IDS[leader], term,
                            GroupCluster.IDS[next], group.servingTerm(next), electedMillis, millis, freshMillis);
                    lines.add(line);
                    System.out.println("[group] " + line);
                    group.start(leader); // rejoins from its data directory while the load goes on
                    // the next kill finds a whole group: a member still catching up (about 1,000 entries behind
                    // when it was killed 17 s before, seen on 2026-12-07) would have to be brought up to date by
                    // the next leader before its first commit, which is a second fault, not the failover measured
                    long caughtUp = group.awaitCaughtUp(leader, Duration.ofMillis(RegistryJar.millis(120_000)));
                    catchUps.add(caughtUp);
                    System.out.printf("[group] %s caught up %d ms after it was ready%n", GroupCluster.IDS[leader],
                            caughtUp);
                    load.awaitProgress(100, group);
                }
            } finally {
                load.stop();
            }
            assertTrue(load.failures.isEmpty(), () -> "worker failures: " + load.failures + "\n" + group.logs());
            Manager check = group.connect();
            appendFinalReads(check, load.registers, load.counters);
            SharedDict<String, Long> totals = check.dict("totals");
            for (int w = 0; w < WORKERS; w++) {
                long total = totals.get("w" + w);
                assertTrue(total >= load.acknowledged[w] && total <= load.acknowledged[w] + load.uncertain[w],
                        "worker " + w + "'s total " + total + " is outside [acknowledged " + load.acknowledged[w]
                                + ", acknowledged + uncertain " + (load.acknowledged[w] + load.uncertain[w]) + "]");
            }
            String verdicts = assertLinearizable(load);
            lines.add(verdicts);
            lines.add("increments of the totals dict: " + load.totalAcknowledged() + " acknowledged (all counted), "
                    + load.totalUncertain() + " uncertain");
        }
        String summary = String.format(Locale.ROOT, "%d leader kills (SIGKILL), kill -> first acknowledged write"
                + " (issue 12's target: median <= 2000 ms, max <= 5000 ms): running workers %s; a new worker %s;"
                + " new leader serving (its log, polled every 100 ms) %s; a restarted member caught up %s after"
                + " it was ready (each kill waits for it); %d ms in all", KILLS, stats(failovers), stats(fresh),
                stats(elections), spread(catchUps), (System.nanoTime() - start) / 1_000_000);
        lines.add(summary);
        System.out.println("[group] " + summary);
        writeResults(lines);
    }

    @Test
    void aPartitionedLeaderStopsAnsweringTheMajorityServesAndTheHealedMemberCatchesUp() throws Exception {
        long start = System.nanoTime();
        try (GroupCluster group = GroupCluster.start(tmp, LEASE_MILLIS); Manager setup = group.connect()) {
            GroupLoad load = new GroupLoad(group, setup, WORKERS);
            int old = group.leader();
            long oldTerm = group.servingTerm(old);
            // a worker connected to the leader alone: it does not follow, so it sees what the cut-off leader answers
            Manager direct = group.connect(GroupCluster.url(old), Duration.ofMillis(RegistryJar.millis(30_000)));
            SharedValue<Long> reg = direct.value("reg0", 'q', 0L);
            AtomicBoolean stopProbe = new AtomicBoolean();
            AtomicLong lastAnswer = new AtomicLong();
            AtomicLong refusals = new AtomicLong();
            Thread probe = new Thread(() -> {
                for (long n = 1; !stopProbe.get(); n++) {
                    long t0 = System.nanoTime();
                    try {
                        if (n % 2 == 0) {
                            load.registers.ok("reg0", "direct", new RegisterModel.Read(), reg.get(), t0);
                        } else {
                            long v = 7_000_000_000L + n;
                            try {
                                reg.set(v);
                                load.registers.ok("reg0", "direct", new RegisterModel.Write(v), null, t0);
                            } catch (JManagerException e) {
                                load.registers.uncertain("reg0", "direct", new RegisterModel.Write(v), t0);
                                throw e;
                            }
                        }
                        lastAnswer.set(System.nanoTime());
                    } catch (JManagerException e) {
                        refusals.incrementAndGet();
                    }
                }
            }, "direct-to-old-leader");
            Map<String, Object> before;
            Map<String, Object> after;
            long partitioned;
            try {
                probe.start();
                load.awaitProgress(200, group);
                group.partition(old);
                partitioned = System.nanoTime();
                load.fault(partitioned);
                long millis = load.millisToFirstWriteAfterFault(group);
                int majority = group.awaitLeaderAbove(oldTerm, Duration.ofMillis(RegistryJar.millis(60_000)));
                System.out.printf("[group] %s partitioned: %s serves in term %d; first acknowledged write after"
                        + " %d ms%n", GroupCluster.IDS[old], GroupCluster.IDS[majority], group.servingTerm(majority),
                        millis);
                assertTrue(majority != old, "the partitioned member still counts as leader");
                load.awaitProgress(200, group); // the majority serves
                long lastOldAnswer = lastAnswer.get();
                long refusedBefore = refusals.get();
                // the cut-off member keeps refusing while the majority writes
                awaitCount(refusals, refusedBefore + 3, group);
                long answeredAfter = (lastOldAnswer - partitioned) / 1_000_000;
                System.out.printf("[group] the cut-off leader's last answer came %d ms after docker network"
                        + " disconnect returned (negative: before; its leader lease is shorter than the %d ms election"
                        + " timeout); %d calls refused since%n",
                        answeredAfter, ELECTION_MAX_MILLIS, refusals.get() - refusedBefore);
                assertTrue(lastAnswer.get() == lastOldAnswer, "the cut-off leader answered again while partitioned");
                assertTrue(answeredAfter <= RegistryJar.millis(ELECTION_MAX_MILLIS + 2_000), "the cut-off leader"
                        + " answered " + answeredAfter + " ms after the partition, longer than its lease");

                group.heal(old);
                load.awaitProgress(300, group);
            } finally {
                stopProbe.set(true);
                probe.join(RegistryJar.millis(60_000));
                load.stop();
            }
            assertTrue(load.failures.isEmpty(), () -> "worker failures: " + load.failures + "\n" + group.logs());

            // the healed member caught up: kill the third member, so every write needs the healed one's log...
            int leader = group.leader();
            int third = 3 - old - leader;
            assertTrue(third != old && third != leader && third >= 0 && third <= 2, "members " + old + ", " + leader);
            Manager check = group.connect();
            before = retry(() -> snapshot(check), group);
            group.kill(third);
            // creating the object is a write too: during the election that may follow, both are retried
            retry(() -> {
                check.value("marker", 'q', 0L).set(42L);
                return null;
            }, group);
            before.put("marker", 42L);
            // ... then the leader: the member that missed the marker cannot be elected, so the healed one leads
            long term = group.servingTerm(leader);
            group.kill(leader);
            group.start(third);
            int healedLeads = group.awaitLeaderAbove(term, Duration.ofMillis(RegistryJar.millis(60_000)));
            assertEquals(GroupCluster.IDS[old], GroupCluster.IDS[healedLeads], () -> "the member that missed an entry"
                    + " was elected\n" + group.logs());
            Manager onHealed = group.connect();
            after = retry(() -> snapshot(onHealed), group);
            after.put("marker", retry(() -> onHealed.value("marker", 'q', 0L).get(), group));
            assertEquals(before, after, "the healed member's state differs from the others'");
            appendFinalReads(onHealed, load.registers, load.counters);
            System.out.println("[group] the healed member " + GroupCluster.IDS[old] + " leads with the same state: "
                    + after);
            System.out.println("[group] " + assertLinearizable(load) + "; partition test " + (System.nanoTime()
                    - start) / 1_000_000 + " ms");
        }
    }

    /** "median M ms, max X ms (met|MISSED)" of {@code millis}. */
    private static String stats(List<Long> millis) {
        long[] mm = medianMax(millis);
        return String.format(Locale.ROOT, "median %d ms, max %d ms (%s)", mm[0], mm[1],
                mm[0] <= 2000 && mm[1] <= 5000 ? "met" : "MISSED");
    }

    /** "median M ms, max X ms", without a verdict. */
    private static String spread(List<Long> millis) {
        long[] mm = medianMax(millis);
        return String.format(Locale.ROOT, "median %d ms, max %d ms", mm[0], mm[1]);
    }

    private static long[] medianMax(List<Long> millis) {
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        int n = sorted.size();
        long median = n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
        return new long[] {median, sorted.get(n - 1)};
    }

    /** Every object's value as seen through {@code m}: registers, counters and the totals dict. */
    private static Map<String, Object> snapshot(Manager m) {
        Map<String, Object> s = new LinkedHashMap<>();
        for (int i = 0; i < GroupLoad.REGISTERS; i++) {
            s.put("reg" + i, m.value("reg" + i, 'q', 0L).get());
        }
        for (int i = 0; i < GroupLoad.COUNTERS; i++) {
            s.put("ctr" + i, m.value("ctr" + i, 'q', 0L).get());
        }
        SharedDict<String, Long> totals = m.dict("totals");
        s.put("totals", new java.util.TreeMap<>(totals.copy()));
        return s;
    }

    /** A read of every register and counter after the load, into the histories (they must fit them too). */
    private static void appendFinalReads(Manager m, History registers, History counters) {
        for (int i = 0; i < GroupLoad.REGISTERS; i++) {
            long t0 = System.nanoTime();
            registers.ok("reg" + i, "final", new RegisterModel.Read(), m.value("reg" + i, 'q', 0L).get(), t0);
        }
        for (int i = 0; i < GroupLoad.COUNTERS; i++) {
            long t0 = System.nanoTime();
            counters.ok("ctr" + i, "final", new CounterModel.Read(), m.value("ctr" + i, 'q', 0L).get(), t0);
        }
    }

    /** Checks both histories; returns a one-line summary. */
    private static String assertLinearizable(GroupLoad load) {
        LinearizabilityChecker checker = new LinearizabilityChecker(CHECK_BUDGET);
        long t0 = System.nanoTime();
        CheckResult regs = checker.check(new RegisterModel(0), load.registers.operations());
        assertTrue(regs.isLinearizable(), "register history: " + regs + "; " + dump("registers", load.registers));
        CheckResult ctrs = checker.check(new CounterModel(), load.counters.operations());
        assertTrue(ctrs.isLinearizable(), "counter history: " + ctrs + "; " + dump("counters", load.counters));
        return String.format(Locale.ROOT, "linearizable: %d register operations (%d uncertain), %d counter operations"
                + " (%d uncertain), checked in %d ms", regs.operations(), load.registers.uncertainCount(),
                ctrs.operations(), load.counters.uncertainCount(), (System.nanoTime() - t0) / 1_000_000);
    }

    /** Writes a history that failed its check to target/, one operation a line in invocation order; says where. */
    private static String dump(String name, History history) {
        Path file = Path.of("target", "group-history-" + name + "-" + System.currentTimeMillis() + ".txt");
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, history.operations().stream()
                    .sorted(java.util.Comparator.comparingLong(io.jmanager.it.linearizability.Operation::invokeNanos))
                    .map(Object::toString).toList());
            return "history written to " + file.toAbsolutePath();
        } catch (IOException e) {
            return "history not written: " + e;
        }
    }

    /** Runs {@code call} until it returns (idempotent calls only), retrying for 60 s while the group elects. */
    private static <T> T retry(java.util.function.Supplier<T> call, GroupCluster group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(60_000));
        while (true) {
            try {
                return call.get();
            } catch (JManagerException e) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("a call did not succeed within 60 s: " + e + "\n" + group.logs(), e);
                }
                Thread.sleep(50); // the group is electing; no event to wait for
            }
        }
    }

    private static void awaitCount(AtomicLong count, long target, GroupCluster group) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(60_000));
        while (count.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("count " + count.get() + " did not reach " + target + "\n" + group.logs());
            }
            Thread.sleep(20); // polling a counter another thread advances
        }
    }

    /** Appends the run's lines to the results file ({@code jmanager.it.group.results}). */
    private static void writeResults(List<String> lines) throws IOException {
        Path file = Path.of(System.getProperty("jmanager.it.group.results", "target/group-failover.txt"));
        Files.createDirectories(file.toAbsolutePath().getParent());
        List<String> out = new ArrayList<>();
        out.add("# GroupFaultsIT " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs, load"
                + " average " + String.format(Locale.ROOT, "%.1f", java.lang.management.ManagementFactory
                .getOperatingSystemMXBean().getSystemLoadAverage()));
        out.addAll(lines);
        out.add("");
        Files.write(file, out, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        System.out.println("[group] results appended to " + file.toAbsolutePath());
    }
}
