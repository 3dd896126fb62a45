package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedValue;
import io.jmanager.Timing;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The crash test of the durable registry (issue 6): writer JVMs write without pause against a registry started
 * with {@code --data-dir} ({@code --fsync always}) while the test kills the registry with SIGKILL at random moments
 * and restarts it on the same port and directory, {@value #DEFAULT_CYCLES} times (property
 * {@code jmanager.test.crashCycles}; the {@code crash-soak} and {@code failure-soak} Maven profiles run 100).
 * Afterwards the registry is killed once more and a last one restarted on the directory; against it:
 * <ul>
 *   <li>every acknowledged write is there, exactly once (list), with its value (dict), counted (counter);</li>
 *   <li>no write appears twice, none appears that was never sent, and a write whose call failed where it cannot
 *       have reached the registry (connection refused, or the {@code SessionExpiredException} of a restart)
 *       is not there at all;</li>
 *   <li>each writer's list items are in the order it wrote them;</li>
 *   <li>{@code acked <= counter <= acked + outcome unknown}, and the values the acknowledged increments returned
 *       are distinct and at most the final value;</li>
 *   <li>every restarted registry said {@code restored 3 objects}, and calls failed only with
 *       {@code RegistryUnavailableException} or {@code SessionExpiredException}.</li>
 * </ul>
 * The same loop runs against {@code --fsync interval=}{@value #INTERVAL_MILLIS} ({@value #DEFAULT_INTERVAL_CYCLES}
 * cycles; property {@code jmanager.test.intervalCrashCycles}), where a crash may lose acknowledged writes, but only
 * recent ones: every acknowledged list item and dict batch is there unless it was acknowledged less than
 * {@link #intervalBoundMillis()} (the interval, plus one commit, plus a margin scaled by the time factor) before the
 * kill that ended the registry that acknowledged it; the counter is only bounded from above. The losses' ages are
 * printed. Which registry acknowledged a write is told by its epoch (each writer prints its session's
 * {@link io.jmanager.Manager#registryEpoch()} with every acknowledgement, and the test asks each incarnation for
 * its own), not by the time alone: a writer may read a reply after the registry that sent it was killed (CI saw
 * two such writes, lost with their registry and then counted 241 ms and 1,204 ms old against the next kill). An
 * age does not count the time in which the machine ran nothing of ours (a {@link StallSentinel} in the test JVM
 * saw an idle thread wake more than 20 ms late: an overloaded or paused host), since the registry could not commit
 * then either.
 *
 * <p>Kill moments: in each cycle the test waits until every writer has written again since the restart, then kills
 * after a random delay; some cycles pause the writers (SIGSTOP) across the kill, so that they read replies of the
 * killed registry after it died, and some also kill a registry during its start-up (restoring its state). All come
 * from one {@link Random} whose seed is printed; {@code -Djmanager.test.crashSeed=S} replays a run's kill schedule.
 */
@Timeout(3_600) // a backstop only: every wait below is bounded (and scaled by Timing)
class DurabilityCrashTest {
    static final int DEFAULT_CYCLES = 10;
    static final int CYCLES = Integer.getInteger("jmanager.test.crashCycles", DEFAULT_CYCLES);
    static final int WRITERS = 3;
    static final long LEASE_MILLIS = 2_000;
    /** The kill comes this long (at most, uniformly, scaled) after every writer wrote again since the restart. */
    static final int MAX_KILL_DELAY_MILLIS = 400;
    /** New acknowledgements per writer that show it writes to the restarted registry. */
    static final int PROGRESS_ACKS = 2;
    /** Share of cycles that also kill a registry while it starts (reads its directory) instead of only later. */
    static final double STARTUP_KILL_SHARE = 0.2;
    static final int MAX_STARTUP_KILL_DELAY_MILLIS = 800;
    /**
     * Share of cycles whose writers are paused (SIGSTOP) across the kill and resumed after it, so that they read
     * replies the killed registry sent before it died: what a descheduled worker does on a busy host.
     */
    static final double PAUSED_WRITERS_SHARE = 0.25;
    static final long WAIT_MILLIS = Timing.millis(30_000);
    static final String LIST = "crash-list";
    static final String DICT = "crash-dict";
    static final String COUNTER = "crash-counter";
    /** The exceptions a write may fail with while the registry crashes and restarts. */
    static final Set<String> EXPECTED_FAILURES = Set.of("RegistryUnavailableException", "SessionExpiredException");
    static final int DEFAULT_INTERVAL_CYCLES = 8;
    static final int INTERVAL_CYCLES = Integer.getInteger("jmanager.test.intervalCrashCycles", DEFAULT_INTERVAL_CYCLES);
    static final long INTERVAL_MILLIS = 50;
    /**
     * What one commit may take on top of the interval (MVStore's commit, its fsync, the witness's fsync, the wait
     * for a checkpoint slice or a compaction step; measured on the 2-vCPU CI machine at a few ms, with rare
     * stalls of tens of ms), plus the time between the test's kill and the registry's end; scaled by the time
     * factor.
     */
    static final long COMMIT_ALLOWANCE_MILLIS = 100;

    /** Acknowledged writes older than this at a kill must survive it with {@code --fsync interval=50}. */
    static long intervalBoundMillis() {
        return INTERVAL_MILLIS + Timing.millis(COMMIT_ALLOWANCE_MILLIS);
    }

    /**
     * A kill: wall-clock microseconds when it was sent and when the process was gone, and the machine's stalls seen
     * by the test's {@link StallSentinel} until then.
     */
    record Kill(long sentMicros, long goneMicros, List<StallSentinel.Stall> stalls) {
    }

    /**
     * The kills of the interval run ({@code all}, in order) and, by registry epoch, the kill that ended each
     * incarnation the test knows the epoch of (every one that became ready, except those killed while starting).
     */
    record Kills(List<Kill> all, Map<Long, Kill> byEpoch) {
        Kills() {
            this(new ArrayList<>(), new HashMap<>());
        }
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    @Test
    void everyAcknowledgedWriteSurvivesRepeatedSigkillAndNoWriteAppearsTwice(@TempDir Path tmp) throws Exception {
        crashLoop(tmp, CYCLES, null);
    }

    @Test
    void withAnFsyncIntervalOnlyWritesAcknowledgedWithinTheBoundAreLost(@TempDir Path tmp) throws Exception {
        crashLoop(tmp, INTERVAL_CYCLES, INTERVAL_MILLIS);
    }

    /** The loop; {@code intervalMillis} null for {@code --fsync always}. */
    private void crashLoop(Path tmp, int cycles, Long intervalMillis) throws Exception {
        long testStart = System.nanoTime();
        long seed = Long.getLong("jmanager.test.crashSeed", ThreadLocalRandom.current().nextLong());
        String fsync = intervalMillis == null ? "always" : "interval=" + intervalMillis;
        System.out.printf("DurabilityCrashTest (--fsync %s): %d cycles, %d writers, seed %d (replay the kill schedule"
                + " with -Djmanager.test.crashSeed=%d), time factor %s%n", fsync, cycles, WRITERS, seed, seed,
                Timing.FACTOR);
        Random random = new Random(seed);
        Path dataDir = tmp.resolve("data");
        Path stop = tmp.resolve("stop-writers");
        String[] registryArgs = {"--data-dir", dataDir.toString(), "--lease", Long.toString(LEASE_MILLIS),
                "--fsync", fsync};
        Kills kills = new Kills();
        StallSentinel stalls = StallSentinel.start();

        RegistryProcess registry = startFirst(registryArgs);
        long epoch = epochOf(registry);
        int port = registry.port();
        List<RegistryProcess> incarnations = new ArrayList<>(List.of(registry));
        List<Writer> writers = new ArrayList<>();
        try {
            assertRestored(registry, 0);
            String url = registry.url();
            for (int id = 1; id <= WRITERS; id++) {
                writers.add(Writer.start(id, url, stop));
            }
            for (Writer w : writers) {
                w.awaitReady(WAIT_MILLIS);
            }

            List<Long> cycleMillis = new ArrayList<>();
            List<Long> restartMillis = new ArrayList<>();
            int startupKills = 0;
            int startupKillsBeforeReady = 0;
            for (int cycle = 1; cycle <= cycles; cycle++) {
                long cycleStart = System.nanoTime();
                awaitProgress(writers, registry);
                long delay = Timing.millis(random.nextInt(MAX_KILL_DELAY_MILLIS));
                TimeUnit.MILLISECONDS.sleep(delay); // the random kill moment itself, not a synchronisation
                int acksAtKill = totalAcks(writers);
                boolean paused = random.nextDouble() < PAUSED_WRITERS_SHARE;
                long killed = System.nanoTime();
                if (paused) {
                    signal(writers, "STOP");
                }
                try {
                    kills.byEpoch().put(epoch, kill(registry, kills, stalls));
                } finally {
                    if (paused) {
                        signal(writers, "CONT");
                    }
                }
                String startupKill = paused ? " (writers paused across the kill)" : "";
                if (random.nextDouble() < STARTUP_KILL_SHARE) {
                    startupKills++;
                    RegistryProcess starting = RegistryProcess.launchOn(port, registryArgs);
                    incarnations.add(starting);
                    TimeUnit.MILLISECONDS.sleep(Timing.millis(random.nextInt(MAX_STARTUP_KILL_DELAY_MILLIS)));
                    boolean wasReady = starting.isReady();
                    kill(starting, kills, stalls);
                    startupKill += " (and killed once more while starting, " + (wasReady ? "after" : "before")
                            + " it was ready)";
                    if (wasReady) {
                        assertRestored(starting, 3);
                    } else {
                        startupKillsBeforeReady++;
                    }
                }
                registry = RegistryProcess.startOn(port, registryArgs);
                incarnations.add(registry);
                long ready = System.nanoTime();
                assertRestored(registry, 3);
                epoch = epochOf(registry);
                restartMillis.add((ready - killed) / 1_000_000);
                cycleMillis.add((ready - cycleStart) / 1_000_000);
                System.out.printf("cycle %d: killed %d ms after the writers resumed (%d writes acknowledged so far),"
                        + " restarted in %d ms%s, %s%n", cycle, delay, acksAtKill, (ready - killed) / 1_000_000,
                        startupKill, restoredLine(registry));
            }

            // stop the writers against a live registry, then crash it once more: what is checked comes from disk
            Files.writeString(stop, "stop");
            List<WriterLog> logs = new ArrayList<>();
            for (Writer w : writers) {
                logs.add(WriterLog.parse(w.id, w.awaitExit(WAIT_MILLIS)));
            }
            kills.byEpoch().put(epoch, kill(registry, kills, stalls));
            registry = RegistryProcess.startOn(port, registryArgs);
            incarnations.add(registry);
            assertRestored(registry, 3);
            Manager m = registry.connect();
            SharedList<String> list = m.list(LIST);
            SharedDict<String, Long> dict = m.dict(DICT);
            SharedValue<Long> counter = m.value(COUNTER, 'q', 0L);
            Outcome outcome = verify(logs, list.copy(), dict.copy(), counter.get(),
                    intervalMillis == null ? null : kills);

            Collections.sort(cycleMillis);
            Collections.sort(restartMillis);
            if (intervalMillis != null) {
                List<Long> ages = new ArrayList<>(outcome.lostAgesMillis);
                Collections.sort(ages);
                List<StallSentinel.Stall> seen = stalls.snapshot();
                System.out.printf("DurabilityCrashTest (--fsync %s): %d acknowledged writes lost in %d kills, all"
                                + " acknowledged at most %d ms before their registry's kill (median %d ms; %d read"
                                + " by their writer after that kill; the bound is %d ms; machine stalls not counted:"
                                + " %d, longest %d ms)%n",
                        fsync, ages.size(), kills.all().size(), max(ages), median(ages), outcome.readAfterKill,
                        intervalBoundMillis(),
                        seen.size(), seen.stream().mapToLong(st -> st.toMicros() - st.fromMicros()).max().orElse(0)
                                / 1_000);
            }
            System.out.printf("DurabilityCrashTest passed: seed %d, %d cycles (%d more kills during start-up, %d of"
                            + " them before ready), %d writers; %d writes sent, %d acknowledged, %d failed (%d of"
                            + " them never sent, %d with unknown outcome, of which %d applied); list %d items,"
                            + " dict %d keys, counter %d (acknowledged increments %d); failures by exception and"
                            + " cause: %s; time per cycle median %d ms, max %d ms; kill -> ready median %d ms, max"
                            + " %d ms; %d s in all%n",
                    seed, cycles, startupKills, startupKillsBeforeReady, WRITERS, outcome.sent, outcome.acked,
                    outcome.failed, outcome.neverSent, outcome.unknown, outcome.unknownApplied, outcome.listSize,
                    outcome.dictSize, outcome.counter, outcome.counterAcked, outcome.failuresByException,
                    median(cycleMillis), max(cycleMillis), median(restartMillis), max(restartMillis),
                    (System.nanoTime() - testStart) / 1_000_000_000);
        } catch (AssertionError | RuntimeException e) {
            System.out.println("DurabilityCrashTest failed with seed " + seed + "; registry output (last"
                    + " incarnations):");
            for (RegistryProcess r : incarnations.subList(Math.max(0, incarnations.size() - 3), incarnations.size())) {
                System.out.println("--- registry pid " + r.pid() + " ---\n" + String.join("\n", r.output()));
            }
            for (Writer w : writers) {
                System.out.println("--- writer " + w.id + " stderr ---\n" + w.stderr);
            }
            throw e;
        } finally {
            for (Writer w : writers) {
                w.close();
            }
            for (RegistryProcess r : incarnations) {
                r.close();
            }
            stalls.close();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // The verdict

    /** The figures of a passed run. */
    record Outcome(long sent, long acked, long failed, long neverSent, long unknown, long unknownApplied,
                   int listSize, int dictSize, long counter, long counterAcked,
                   Map<String, Integer> failuresByException, List<Long> lostAgesMillis, int readAfterKill) {
    }

    /** How a missing acknowledged write counts with an interval policy: its age, and whether it was read late. */
    record Loss(long ageMillis, boolean readAfterKill) {
    }

    /**
     * With an interval policy: how long before the kill that ended the registry that acknowledged it a missing
     * write was acknowledged, in ms; a problem if that is more than the bound (with {@code --fsync always} a
     * missing acknowledged write is always a problem, and this is not asked).
     *
     * <p>The registry is the one whose epoch the writer's session had ({@code epoch}). Its reply can reach the
     * writer after it was killed (sent before, read late), so the acknowledgement can come after the kill: the write
     * was among the newest that registry applied, and its age counts as 0. For an epoch the test never learned (an
     * incarnation killed while it started) the first kill after the acknowledgement is taken: that kill is the
     * registry's own or a later one, so the age is never smaller than it really is.
     */
    private static Loss lostAge(Kills kills, Long ackMicros, Long epoch, String what, List<String> problems) {
        if (ackMicros == null) {
            problems.add(what + " is missing and its acknowledgement carries no time");
            return new Loss(Long.MAX_VALUE, false);
        }
        Kill k = epoch == null ? null : kills.byEpoch().get(epoch);
        String which = "the kill of the registry that acknowledged it";
        if (k == null) {
            which = "the first kill after it (the registry that acknowledged it, epoch " + epoch + ", was never"
                    + " asked for its epoch)";
            for (Kill later : kills.all()) {
                if (later.goneMicros() >= ackMicros) {
                    k = later;
                    break;
                }
            }
        }
        if (k == null) {
            problems.add(what + " is missing, acknowledged after the last kill (epoch " + epoch + ")");
            return new Loss(Long.MAX_VALUE, false);
        }
        long age = (k.sentMicros() - ackMicros) / 1_000;
        long stalled = StallSentinel.stalledMicros(k.stalls(), ackMicros, k.sentMicros()) / 1_000;
        if (age - stalled > intervalBoundMillis()) {
            problems.add(what + " is missing: acknowledged " + age + " ms before " + which
                    + (stalled > 0 ? " (" + stalled + " ms of which the machine stalled)" : "")
                    + "; with --fsync interval=" + INTERVAL_MILLIS + " nothing older than "
                    + intervalBoundMillis() + " ms of the registry's running time may be lost");
        }
        return new Loss(Math.max(0, age - stalled), ackMicros > k.sentMicros());
    }

    /** The item a dict key belongs to: its batch's keys carry a suffix. */
    private static String batchItem(String key) {
        for (String suffix : List.of(CrashWriter.BATCH_B, CrashWriter.BATCH_C)) {
            if (key.endsWith(suffix)) {
                return key.substring(0, key.length() - suffix.length());
            }
        }
        return key;
    }

    static Outcome verify(List<WriterLog> logs, List<String> list, Map<String, Long> dict, long counter,
                          Kills kills) {
        List<String> problems = new ArrayList<>();
        List<Loss> losses = new ArrayList<>();
        Map<String, WriterLog> byPrefix = new HashMap<>();
        for (WriterLog log : logs) {
            byPrefix.put("w" + log.id, log);
        }
        Map<String, Integer> failuresByException = new TreeMap<>();
        long sent = 0;
        long acked = 0;
        long failed = 0;
        long neverSent = 0;
        long unknown = 0;
        for (WriterLog log : logs) {
            sent += 3L * log.sent;
            for (Map<Long, String> outcomes : List.of(log.list, log.dict, log.counter)) {
                for (long n = 0; n < log.sent; n++) {
                    String o = outcomes.get(n);
                    if (o == null) {
                        problems.add("writer " + log.id + " printed no outcome for write " + n);
                    } else if (o.equals(WriterLog.ACK)) {
                        acked++;
                    } else {
                        failed++;
                        failuresByException.merge(o, 1, Integer::sum);
                        if (WriterLog.neverSent(o)) {
                            neverSent++;
                        } else {
                            unknown++;
                        }
                    }
                }
            }
        }
        for (Map.Entry<String, Integer> e : failuresByException.entrySet()) {
            if (!EXPECTED_FAILURES.contains(e.getKey().split(" ")[0])) {
                problems.add("a write failed with " + e.getKey() + " (exception, cause; " + e.getValue()
                        + " times); only " + EXPECTED_FAILURES + " are expected while the registry crashes");
            }
        }

        // the list: each item sent at most once; acknowledged ones present exactly once; order per writer
        Map<String, Integer> occurrences = new HashMap<>();
        Map<String, Long> lastN = new HashMap<>();
        long unknownApplied = 0;
        for (int i = 0; i < list.size(); i++) {
            String item = list.get(i);
            occurrences.merge(item, 1, Integer::sum);
            Item parsed = Item.parse(item);
            WriterLog log = parsed == null ? null : byPrefix.get(parsed.writer);
            if (log == null || parsed.n >= log.sent) {
                problems.add("list item " + item + " at index " + i + " was never sent");
                continue;
            }
            Long previous = lastN.put(parsed.writer, parsed.n);
            if (previous != null && previous >= parsed.n) {
                problems.add("list item " + item + " at index " + i + " comes after " + parsed.writer + "-"
                        + previous + ": a writer's items are out of order");
            }
        }
        for (WriterLog log : logs) {
            for (long n = 0; n < log.sent; n++) {
                String item = "w" + log.id + "-" + n;
                int count = occurrences.getOrDefault(item, 0);
                String o = log.list.get(n);
                if (count > 1) {
                    problems.add("list item " + item + " appears " + count + " times (its write: " + o + ")");
                }
                if (WriterLog.ACK.equals(o) && count == 0 && kills != null) {
                    losses.add(lostAge(kills, log.listAck.get(n), log.listEpoch.get(n), "acknowledged list item "
                            + item, problems));
                } else if (WriterLog.ACK.equals(o) && count != 1) {
                    problems.add("acknowledged list item " + item + " appears " + count + " times");
                } else if (o != null && WriterLog.neverSent(o) && count != 0) {
                    problems.add("list item " + item + " is there although its call cannot have reached the"
                            + " registry: " + o);
                } else if (o != null && !WriterLog.ACK.equals(o) && count == 1) {
                    unknownApplied++;
                }
            }
        }

        // the dict: acknowledged keys present with their value, nothing never sent
        for (Map.Entry<String, Long> e : dict.entrySet()) {
            Item parsed = Item.parse(batchItem(e.getKey()));
            WriterLog log = parsed == null ? null : byPrefix.get(parsed.writer);
            if (log == null || parsed.n >= log.sent) {
                problems.add("dict key " + e.getKey() + " was never sent");
            } else if (e.getValue() == null || e.getValue() != parsed.n) {
                problems.add("dict key " + e.getKey() + " has value " + e.getValue() + ", not " + parsed.n);
            }
        }
        for (WriterLog log : logs) {
            for (long n = 0; n < log.sent; n++) {
                String key = "w" + log.id + "-" + n;
                String o = log.dict.get(n);
                boolean present = dict.containsKey(key);
                int batch = (present ? 1 : 0) + (dict.containsKey(key + CrashWriter.BATCH_B) ? 1 : 0)
                        + (dict.containsKey(key + CrashWriter.BATCH_C) ? 1 : 0);
                if (batch != 0 && batch != 3) {
                    problems.add("dict batch " + key + " is torn: " + batch + " of its 3 keys are there (" + o + ")");
                }
                if (WriterLog.ACK.equals(o) && !present && kills != null) {
                    losses.add(lostAge(kills, log.dictAck.get(n), log.dictEpoch.get(n), "acknowledged dict batch "
                            + key, problems));
                } else if (WriterLog.ACK.equals(o) && !present) {
                    problems.add("acknowledged dict key " + key + " is missing");
                } else if (o != null && WriterLog.neverSent(o) && present) {
                    problems.add("dict key " + key + " is there although its call cannot have reached the registry: "
                            + o);
                } else if (o != null && !WriterLog.ACK.equals(o) && present) {
                    unknownApplied++;
                }
            }
        }

        // the counter: acked <= value <= acked + possibly applied; the values acked increments saw are distinct
        long counterAcked = 0;
        long counterMaybe = 0;
        Set<Long> seen = new HashSet<>();
        for (WriterLog log : logs) {
            for (Map.Entry<Long, String> e : log.counter.entrySet()) {
                if (WriterLog.ACK.equals(e.getValue())) {
                    counterAcked++;
                } else if (!WriterLog.neverSent(e.getValue())) {
                    counterMaybe++;
                }
            }
            for (Map.Entry<Long, Long> e : log.counterValues.entrySet()) {
                if (kills != null) {
                    break; // a lost increment is a lost write like any other: its value may be handed out again
                }
                if (!seen.add(e.getValue())) {
                    problems.add("two acknowledged increments both returned " + e.getValue() + " (one of them w"
                            + log.id + "-" + e.getKey() + "): an increment was lost and its value handed out again");
                }
                if (e.getValue() > counter) {
                    problems.add("increment w" + log.id + "-" + e.getKey() + " was acknowledged with value "
                            + e.getValue() + " but the counter restored is " + counter);
                }
            }
        }
        if (counter < counterAcked && kills == null) {
            problems.add("the counter is " + counter + " but " + counterAcked + " increments were acknowledged");
        }
        if (counter > counterAcked + counterMaybe) {
            problems.add("the counter is " + counter + " but only " + counterAcked + " increments were acknowledged"
                    + " and " + counterMaybe + " may have been applied: some increment counted twice");
        }
        if (!problems.isEmpty()) {
            Map<String, Integer> kinds = new TreeMap<>();
            for (String p : problems) {
                kinds.merge(p.replaceAll("w\\d+-\\d+", "ITEM").replaceAll("\\d+", "N"), 1, Integer::sum);
            }
            StringBuilder summary = new StringBuilder();
            kinds.forEach((kind, n) -> summary.append("\n  ").append(n).append(" x ").append(kind));
            fail(problems.size() + " problem(s) after the crashes (of " + acked + " acknowledged writes, " + unknown
                    + " with unknown outcome, " + neverSent + " never sent; list " + list.size() + " items, dict "
                    + dict.size() + " keys, counter " + counter + "), by kind:" + summary + "\nthe first ones:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(40, problems.size()))));
        }
        return new Outcome(sent, acked, failed, neverSent, unknown, unknownApplied, list.size(), dict.size(), counter,
                counterAcked, failuresByException, losses.stream().map(Loss::ageMillis).toList(),
                (int) losses.stream().filter(Loss::readAfterKill).count());
    }

    /** {@code w<writer>-<n>}. */
    record Item(String writer, long n) {
        static Item parse(String item) {
            int dash = item == null ? -1 : item.indexOf('-');
            if (dash < 2 || item.charAt(0) != 'w') {
                return null;
            }
            try {
                return new Item(item.substring(0, dash), Long.parseLong(item.substring(dash + 1)));
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

    /** What one writer printed: per kind, write n -> {@code ACK} or {@code "<exception> <cause>"}. */
    static final class WriterLog {
        static final String ACK = "ACK";
        final int id;
        final Map<Long, String> list = new HashMap<>();
        final Map<Long, String> dict = new HashMap<>();
        final Map<Long, String> counter = new HashMap<>();
        final Map<Long, Long> counterValues = new HashMap<>();
        /** When each acknowledged list and dict write returned, wall-clock microseconds. */
        final Map<Long, Long> listAck = new HashMap<>();
        final Map<Long, Long> dictAck = new HashMap<>();
        /** The registry epoch of the session each acknowledged list and dict write went through. */
        final Map<Long, Long> listEpoch = new HashMap<>();
        final Map<Long, Long> dictEpoch = new HashMap<>();
        long sent = -1;

        private WriterLog(int id) {
            this.id = id;
        }

        static WriterLog parse(int id, List<String> lines) {
            WriterLog log = new WriterLog(id);
            String prefix = "w" + id + "-";
            for (String line : lines) {
                String[] f = line.split(" ");
                Long at = null;
                Long epoch = null;
                while (f.length > 0 && (f[f.length - 1].startsWith("t=") || f[f.length - 1].startsWith("e="))) {
                    long v = Long.parseLong(f[f.length - 1].substring(2));
                    if (f[f.length - 1].startsWith("t=")) {
                        at = v;
                    } else {
                        epoch = v;
                    }
                    f = Arrays.copyOf(f, f.length - 1);
                }
                if (f[0].equals("done")) {
                    log.sent = Long.parseLong(f[1]);
                    continue;
                }
                if (!f[0].equals("ACK") && !f[0].equals("FAIL")) {
                    continue;
                }
                assertTrue(f.length >= 3 && f[2].startsWith(prefix), "writer " + id + " printed '" + line + "'");
                long n = Long.parseLong(f[2].substring(prefix.length()));
                Map<Long, String> target = switch (f[1]) {
                    case "list" -> log.list;
                    case "dict" -> log.dict;
                    case "counter" -> log.counter;
                    default -> throw new AssertionError("writer " + id + " printed '" + line + "'");
                };
                String outcome = f[0].equals("ACK") ? ACK : f[3] + " " + f[4];
                String before = target.put(n, outcome);
                assertEquals(null, before, "writer " + id + " printed two outcomes for " + f[1] + " " + f[2]);
                if (f[0].equals("ACK") && f[1].equals("counter")) {
                    log.counterValues.put(n, Long.parseLong(f[3]));
                }
                if (f[0].equals("ACK") && at != null) {
                    (f[1].equals("list") ? log.listAck : log.dictAck).put(n, at);
                }
                if (f[0].equals("ACK") && epoch != null) {
                    (f[1].equals("list") ? log.listEpoch : log.dictEpoch).put(n, epoch);
                }
            }
            assertTrue(log.sent >= 0, "writer " + id + " printed no 'done N' line");
            return log;
        }

        /**
         * True for a failure that cannot have reached the registry: what a restart's first call throws
         * ({@code SessionExpiredException}, before it is sent), or a connection that was refused or could not be
         * set up (the RMI {@code ConnectException} or {@code ConnectIOException} after the bounded retries).
         */
        static boolean neverSent(String outcome) {
            return outcome.startsWith("SessionExpiredException ")
                    || outcome.equals("RegistryUnavailableException java.rmi.ConnectException")
                    || outcome.equals("RegistryUnavailableException java.rmi.ConnectIOException");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Registry incarnations and writers

    /** The first registry, on a fixed port outside the ephemeral range (see {@link #fixedPort()}). */
    static RegistryProcess startFirst(String[] args) {
        AssertionError last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return RegistryProcess.startOn(fixedPort(), args);
            } catch (AssertionError e) {
                if (!String.valueOf(e.getMessage()).contains("could not listen on its port")) {
                    throw e;
                }
                last = e; // lost the port to another process: another one
            }
        }
        throw last;
    }

    /**
     * A free port below the kernel's ephemeral range: while the registry is down, the writers keep connecting to
     * its port, and a port inside that range could be handed to one of their own sockets (a TCP self-connect),
     * which would keep the registry from restarting on it.
     */
    static int fixedPort() {
        int low = 32_768;
        try {
            // readAllLines, not readString: procfs reports size 0, and readString then returns only one byte
            String[] range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim()
                    .split("\\s+");
            low = Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: assume the IANA range
        }
        if (low <= 11_000) {
            return RegistryProcess.freePort();
        }
        for (int attempt = 0; attempt < 100; attempt++) {
            int port = 10_000 + ThreadLocalRandom.current().nextInt(low - 10_000);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort(); // free: it could be bound
            } catch (IOException taken) {
                // another one
            }
        }
        return RegistryProcess.freePort();
    }

    static Kill kill(RegistryProcess registry, Kills kills, StallSentinel stalls) {
        long sent = nowMicros();
        registry.kill();
        Kill k = new Kill(sent, nowMicros(), stalls.snapshot());
        kills.all().add(k);
        assertFalse(registry.isAlive(), "registry pid " + registry.pid() + " survived SIGKILL");
        return k;
    }

    /** Sends {@code SIGSTOP} or {@code SIGCONT} to every writer (with kill(1): the JDK can only end a process). */
    static void signal(List<Writer> writers, String signal) throws IOException, InterruptedException {
        for (Writer w : writers) {
            Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(w.process.pid()))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertEquals(0, p.waitFor(), () -> "kill -" + signal + " of writer " + w.id + " failed: " + out);
        }
    }

    /** The epoch of a ready registry incarnation, asked through a session of its own (closed again). */
    static long epochOf(RegistryProcess registry) {
        try (Manager m = Manager.connect(registry.url())) {
            return m.registryEpoch();
        }
    }

    /** The registry's start-up said it restored {@code objects} objects from the data directory. */
    static void assertRestored(RegistryProcess registry, int objects) {
        List<String> out = registry.output();
        assertTrue(out.stream().anyMatch(l -> l.startsWith("restored " + objects + " objects ")),
                () -> "registry pid " + registry.pid() + " did not print 'restored " + objects + " objects': "
                        + String.join("\n", out));
    }

    /** What the registry said it restored, e.g. {@code restored 3 objects (1234 records) in 56 ms}. */
    static String restoredLine(RegistryProcess registry) {
        for (String line : registry.output()) {
            if (line.startsWith("restored ")) {
                int end = line.indexOf(';');
                return end < 0 ? line : line.substring(0, end);
            }
        }
        return "(no 'restored' line)";
    }

    /** Waits until every writer has had {@link #PROGRESS_ACKS} more writes acknowledged than when this started. */
    static void awaitProgress(List<Writer> writers, RegistryProcess registry) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        for (Writer w : writers) {
            w.awaitAcks(w.acks() + PROGRESS_ACKS, deadline, registry);
        }
    }

    static int totalAcks(List<Writer> writers) {
        return writers.stream().mapToInt(Writer::acks).sum();
    }

    static long median(List<Long> sorted) {
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() / 2);
    }

    static long max(List<Long> sorted) {
        return sorted.isEmpty() ? 0 : sorted.get(sorted.size() - 1);
    }

    /** A {@link CrashWriter} JVM whose output is counted as it arrives. */
    static final class Writer implements AutoCloseable {
        final int id;
        final Process process;
        final StringBuffer stderr = new StringBuffer();
        private final List<String> lines = new ArrayList<>();
        private final Thread out;
        private final Thread err;
        private int acks;
        private boolean ready;

        private Writer(int id, Process process) {
            this.id = id;
            this.process = process;
            this.out = JavaLauncher.drain(process.getInputStream(), "crash-writer-" + id + "-out", this::line);
            this.err = JavaLauncher.drain(process.getErrorStream(), "crash-writer-" + id + "-err",
                    l -> stderr.append(l).append('\n'));
        }

        static Writer start(int id, String url, Path stop) {
            return new Writer(id, JavaLauncher.start(JavaLauncher.command(CrashWriter.class.getName(),
                    List.of(url, Integer.toString(id), LIST, DICT, COUNTER, stop.toString()))));
        }

        private synchronized void line(String line) {
            lines.add(line);
            if (line.startsWith("ACK ")) {
                acks++;
            } else if (line.equals("ready")) {
                ready = true;
            }
            notifyAll();
        }

        synchronized int acks() {
            return acks;
        }

        synchronized void awaitReady(long millis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            while (!ready && process.isAlive() && System.nanoTime() < deadline) {
                wait(100); // woken by each line; the bound notices a writer that exited
            }
            if (!ready) {
                fail("writer " + id + " did not print 'ready' within " + millis + " ms (alive " + process.isAlive()
                        + "); stderr:\n" + stderr + "stdout:\n" + String.join("\n", lines));
            }
        }

        synchronized void awaitAcks(int atLeast, long deadlineNanos, RegistryProcess registry) {
            try {
                while (acks < atLeast && process.isAlive() && System.nanoTime() < deadlineNanos) {
                    wait(100); // woken by each line; the bound notices a writer that exited
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
            if (acks < atLeast) {
                List<String> tail = lines.subList(Math.max(0, lines.size() - 20), lines.size());
                fail("writer " + id + " had " + acks + " writes acknowledged, not " + atLeast + ", within "
                        + WAIT_MILLIS + " ms of the restart (alive " + process.isAlive() + "); its last lines:\n"
                        + String.join("\n", tail) + "\nstderr:\n" + stderr + "registry output:\n"
                        + String.join("\n", registry.output()));
            }
        }

        /** Waits (bounded) for the writer to exit with 0; returns everything it printed. */
        List<String> awaitExit(long millis) throws InterruptedException {
            if (!process.waitFor(millis, TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("writer " + id + " did not stop within " + millis + " ms of the stop file; stderr:\n" + stderr);
            }
            out.join(Timing.millis(10_000));
            err.join(Timing.millis(10_000));
            assertEquals(0, process.exitValue(), () -> "writer " + id + " failed; stderr:\n" + stderr);
            synchronized (this) {
                return new ArrayList<>(lines);
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }
}
