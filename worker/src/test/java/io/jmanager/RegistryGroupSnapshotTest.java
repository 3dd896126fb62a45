package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.registry.group.GroupConfig;
import io.jmanager.registry.group.GroupMember;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots bound the group's log (docs/group.md, "Snapshots"): a member that was down while the leader purged the
 * entries it lacks gets the leader's snapshot installed and serves the exact state; a whole group restarted
 * loads its snapshots (the log before them is gone) and keeps the exact state.
 */
class RegistryGroupSnapshotTest {
    /** Small, so that the test's writes snapshot several times. */
    private static final long SNAPSHOT_EVERY = 50;
    private static final UnaryOperator<GroupConfig> OPTIONS = c -> c.withSnapshotEvery(SNAPSHOT_EVERY);
    /** 48 KiB values: 300 of them fill three of the log's 4 MiB segments, so that purges free whole segments. */
    private static final int VALUE_BYTES = 48 << 10;

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void aMemberDownPastThePurgeCatchesUpFromTheLeadersSnapshot() throws Exception {
        try (InProcessGroup group = new InProcessGroup(tmp)) {
            for (int i = 0; i < InProcessGroup.SIZE; i++) {
                group.start(i, TestKeys.key(), OPTIONS);
            }
            int leader = group.leader();
            int down = (leader + 1) % 3;
            try (Manager m = group.connect()) {
                SharedDict<String, String> d = m.dict("d");
                SharedValue<Long> counter = m.value("counter", 'q', 0L);
                InProcessGroup.retried(() -> d.put("before", "written before the member stopped"));
                long behind = group.members[down].groupMember().appliedIndex();
                group.stop(down);
                write(d, counter, 300);
                GroupMember l = group.members[leader].groupMember();
                InProcessGroup.await("the leader purges its log past the stopped member", 30,
                        () -> l.logStartIndex() > behind + 1);
                assertTrue(l.snapshotIndex() >= l.logStartIndex() - 1, "the log before the snapshot is purged");

                group.start(down, TestKeys.key(), OPTIONS);
                GroupMember back = group.members[down].groupMember();
                long target = l.appliedIndex();
                InProcessGroup.await("the member that was down catches up", 60, () -> back.appliedIndex() >= target);
                assertTrue(back.snapshotIndex() > behind, "the returning member has the leader's snapshot");
                assertEquals(contents(l), contents(back), "the installed snapshot and log tail give the leader's state");

                // it serves that state: the leader stops, and the member that was down carries the majority
                group.stop(leader);
                int next = group.leader();
                assertTrue(next != leader);
                assertEquals(300L, InProcessGroup.retried(counter::get));
                assertEquals(301, InProcessGroup.retried(d::size));
                assertEquals("written before the member stopped", d.get("before"));
                assertEquals(value(299), d.get("k299"));
            }
        }
    }

    @Test
    void aWholeGroupRestartedFromItsSnapshotsKeepsTheExactState() throws Exception {
        Map<Long, Map<Long, String>> before;
        try (InProcessGroup group = new InProcessGroup(tmp)) {
            for (int i = 0; i < InProcessGroup.SIZE; i++) {
                group.start(i, TestKeys.key(), OPTIONS);
            }
            int leader = group.leader();
            try (Manager m = group.connect()) {
                SharedDict<String, String> d = m.dict("d");
                SharedValue<Long> counter = m.value("counter", 'q', 0L);
                write(d, counter, 200);
                InProcessGroup.retried(() -> d.remove("k7"));
                SharedList<String> l0 = m.list("l");
                InProcessGroup.retried(() -> {
                    l0.clear();
                    l0.addAll(List.of("a", "b", "c"));
                    return null;
                });
                GroupMember l = group.members[leader].groupMember();
                long last = l.appliedIndex();
                for (int i = 0; i < InProcessGroup.SIZE; i++) {
                    GroupMember member = group.members[i].groupMember();
                    InProcessGroup.await("every member applies every entry", 30, () -> member.appliedIndex() >= last);
                }
                InProcessGroup.await("the leader purges the log behind a snapshot", 30, () -> l.logStartIndex() > 1);
            }
            // the worker's session ended with its manager (a log entry of the session table, object -1): the state
            // to compare is the one after that entry, on every member
            GroupMember l = group.members[leader].groupMember();
            InProcessGroup.await("the closed session leaves the session table", 30,
                    () -> contents(l).getOrDefault(-1L, Map.of()).keySet().stream().allMatch(k -> k == 0L));
            long last = l.appliedIndex();
            for (int i = 0; i < InProcessGroup.SIZE; i++) {
                GroupMember member = group.members[i].groupMember();
                InProcessGroup.await("every member applies every entry", 30, () -> member.appliedIndex() >= last);
            }
            before = contents(l);
            group.stopAll();

            for (int i = 0; i < InProcessGroup.SIZE; i++) {
                group.start(i, TestKeys.key(), OPTIONS);
                GroupMember member = group.members[i].groupMember();
                assertTrue(member.snapshotIndex() > 0, "member " + i + " restarted without a snapshot");
                assertTrue(member.logStartIndex() > 1, "member " + i + "'s log is not purged: "
                        + member.logStartIndex());
            }
            leader = group.leader();
            for (int i = 0; i < InProcessGroup.SIZE; i++) {
                assertEquals(before, contents(group.members[i].groupMember()), "member " + i + " after the restart");
            }
            try (Manager m = group.connect()) {
                assertEquals(200L, m.value("counter", 'q', 0L).get());
                SharedDict<String, String> d = m.dict("d");
                assertEquals(199, d.size());
                assertEquals(null, d.get("k7"));
                assertEquals(value(123), d.get("k123"));
                assertEquals(List.of("a", "b", "c"), List.copyOf(m.<String>list("l")));
            }
        }
    }

    /** Puts {@code n} values and sets the counter after each (idempotent, so retried across a leader change). */
    private static void write(SharedDict<String, String> d, SharedValue<Long> counter, int n) throws Exception {
        for (int i = 0; i < n; i++) {
            int k = i;
            InProcessGroup.retried(() -> d.put("k" + k, value(k)));
            InProcessGroup.retried(() -> {
                counter.set((long) k + 1);
                return null;
            });
        }
    }

    private static String value(int i) {
        return String.valueOf((char) ('a' + i % 26)).repeat(VALUE_BYTES - 8) + i;
    }

    /** A member's records, comparable with equals. */
    private static Map<Long, Map<Long, String>> contents(GroupMember member) {
        Map<Long, Map<Long, String>> out = new TreeMap<>();
        for (Map.Entry<Long, List<Map.Entry<Long, byte[]>>> o : member.store().copy().entrySet()) {
            Map<Long, String> records = new TreeMap<>();
            for (Map.Entry<Long, byte[]> r : o.getValue()) {
                records.put(r.getKey(), Base64.getEncoder().encodeToString(r.getValue()));
            }
            out.put(o.getKey(), records);
        }
        return out;
    }
}
