package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.registry.group.GroupConfig;
import io.jmanager.registry.group.GroupMember;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A member whose disk was wiped (docs/group.md, "A member with a wiped disk"): started as before, it refuses and
 * names {@code --rejoin}; started with {@code --rejoin}, the leader removes it and adds it back, it catches up
 * (from the leader's snapshot) and counts in the majority again, with every acknowledged write kept.
 */
class RegistryGroupRejoinTest {
    private static final UnaryOperator<GroupConfig> OPTIONS = c -> c.withSnapshotEvery(50);

    @TempDir
    Path tmp;

    @Test
    void aWipedMemberRefusesToStartSilentlyAndRejoinsAsANewMember() throws Exception {
        try (InProcessGroup group = new InProcessGroup(tmp)) {
            for (int i = 0; i < InProcessGroup.SIZE; i++) {
                group.start(i, TestKeys.key(), OPTIONS);
            }
            int leader = group.leader();
            int wiped = (leader + 1) % 3;
            int other = (leader + 2) % 3;
            try (Manager m = group.connect()) {
                SharedDict<String, Integer> d = m.dict("d");
                SharedValue<Long> counter = m.value("counter", 'q', 0L);
                put(d, counter, 0, 100);
                GroupMember l = group.members[leader].groupMember();
                InProcessGroup.await("the leader records that every member took part", 30,
                        () -> l.joinedMembers().equals(Set.of("r1", "r2", "r3")));

                int rmiPort = group.members[wiped].port();
                group.stop(wiped);
                deleteTree(group.dataDir(wiped));
                put(d, counter, 100, 150); // the group goes on while the member is away

                IOException refused = assertThrows(IOException.class,
                        () -> group.start(wiped, TestKeys.key(), OPTIONS));
                String why = refused.getMessage();
                assertTrue(why.contains("group member " + InProcessGroup.id(wiped) + " has no Raft log")
                        && why.contains("took part") && why.contains("--rejoin"), why);
                assertTrue(why.contains("--id " + InProcessGroup.id(wiped) + " --data-dir " + group.dataDir(wiped)
                        + " --rejoin"), "the command to run: " + why);
                put(d, counter, 150, 151);
                assertEquals(151L, InProcessGroup.retried(counter::get), "the group still serves after the refusal");
                InProcessGroup.await("the refused member's RMI port is released", 10, () -> free(rmiPort));

                group.start(wiped, TestKeys.key(), c -> OPTIONS.apply(c).withRejoin(true));
                GroupMember back = group.members[wiped].groupMember();
                long target = l.appliedIndex();
                InProcessGroup.await("the rejoined member catches up", 60, () -> back.appliedIndex() >= target);

                // the rejoined member now carries the majority with the leader
                group.stop(other);
                put(d, counter, 151, 152);
                assertEquals(152L, InProcessGroup.retried(counter::get));
                assertEquals(152, d.size());
                assertEquals(149, d.get("k149"));
                long last = l.appliedIndex();
                InProcessGroup.await("the rejoined member applies the new writes", 30,
                        () -> back.appliedIndex() >= last);
                assertEquals(l.store().size(), back.store().size());

                // a member that has its log must not be given --rejoin
                group.stop(wiped);
                InProcessGroup.await("the stopped member's RMI port is released", 10, () -> free(rmiPort));
                IOException notWiped = assertThrows(IOException.class,
                        () -> group.start(wiped, TestKeys.key(), c -> OPTIONS.apply(c).withRejoin(true)));
                assertTrue(notWiped.getMessage().contains("start it without --rejoin"), notWiped.getMessage());
                InProcessGroup.await("the refused member's RMI port is released", 10, () -> free(rmiPort));
                group.start(wiped, TestKeys.key(), OPTIONS); // as itself, with its new log
                group.start(other, TestKeys.key(), OPTIONS);
                put(d, counter, 152, 153);
                assertEquals(153L, InProcessGroup.retried(counter::get));
                assertEquals(153, d.size());
            }
        }
    }

    private static boolean free(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.isBound();
        } catch (IOException e) {
            return false;
        }
    }

    /** Puts keys {@code from} to {@code to - 1} and sets the counter to {@code to}, retried across a leader change. */
    private static void put(SharedDict<String, Integer> d, SharedValue<Long> counter, int from, int to)
            throws Exception {
        for (int i = from; i < to; i++) {
            int k = i;
            InProcessGroup.retried(() -> d.put("k" + k, k));
        }
        InProcessGroup.retried(() -> {
            counter.set((long) to);
            return null;
        });
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
