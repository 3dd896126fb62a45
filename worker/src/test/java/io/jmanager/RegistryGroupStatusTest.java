package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.cli.CommandLineRun;
import io.jmanager.wire.GroupStatus;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker.jar group} and the leader-change log lines (docs/group.md, "Operating a group"): members, leader,
 * term, commit index and each member's lag, from one member's URL or all; a stopped member is reported with why.
 */
class RegistryGroupStatusTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void groupShowsLeaderTermCommitIndexAndEachMembersLag() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Logger registryLog = Logger.getLogger("io.jmanager.registry");
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                lines.add(r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        registryLog.addHandler(capture);
        try (InProcessGroup group = new InProcessGroup(tmp)) {
            group.startAll();
            int leader = group.leader();
            String leaderId = InProcessGroup.id(leader);
            int follower = (leader + 1) % 3;
            try (Manager m = group.connect()) {
                SharedDict<String, Integer> d = m.dict("d");
                for (int i = 0; i < 20; i++) {
                    int k = i;
                    InProcessGroup.retried(() -> d.put("k" + k, k));
                }
                long committed = group.members[leader].groupMember().appliedIndex();
                for (int i = 0; i < 3; i++) {
                    io.jmanager.registry.group.GroupMember member = group.members[i].groupMember();
                    InProcessGroup.await("every member applies every entry", 30,
                            () -> member.appliedIndex() >= committed);
                }
                // one follower's URL is enough: the command asks the members it names
                String followerUrl = group.members[follower].url();
                CommandLineRun run = CommandLineRun.of("group", "--url", followerUrl);
                assertEquals(0, run.code(), run.toString());
                long term = group.members[leader].groupMember().status().term();
                assertTrue(run.out().contains("leader " + leaderId + ", term " + term + ", commit index "), run.out());
                for (int i = 0; i < 3; i++) {
                    String id = InProcessGroup.id(i);
                    String role = i == leader ? "leader" : "follower";
                    assertTrue(run.lines().stream().anyMatch(l -> l.startsWith(id + " ") && l.contains(role)),
                            run.out());
                }

                List<RegistryGroupStatus.Answer> answers = RegistryGroupStatus.ask(group.urls,
                        ManagerOptions.defaults());
                assertEquals(3, answers.size());
                for (RegistryGroupStatus.Answer a : answers) {
                    assertNull(a.error(), a.toString());
                    assertEquals(leaderId, a.status().leader());
                    assertEquals(term, a.status().term());
                    assertTrue(a.status().appliedIndex() >= committed);
                }

                // a stopped follower: the others answer, the leader's figures show it falling behind
                group.stop(follower);
                for (int i = 0; i < 20; i++) {
                    int k = i;
                    InProcessGroup.retried(() -> d.put("later" + k, k));
                }
                run = CommandLineRun.of("group", "--url", group.urls, "--json");
                assertEquals(0, run.code(), run.toString());
                String json = run.out();
                assertTrue(json.contains("\"leader\":\"" + leaderId + "\""), json);
                String stopped = InProcessGroup.id(follower);
                String entry = json.substring(json.indexOf("{\"id\":\"" + stopped + "\""));
                entry = entry.substring(0, entry.indexOf('}') + 1);
                assertTrue(entry.contains("\"role\":null") && !entry.contains("\"error\":null"), entry);
                long lag = Long.parseLong(entry.replaceAll(".*\"lag\":(-?\\d+).*", "$1"));
                assertTrue(lag >= 20, "the stopped member's lag after 20 writes: " + entry);

                GroupStatus view = group.members[leader].groupMember().status();
                assertEquals("leader", view.role());
                assertTrue(view.serving());
                GroupStatus.Member other = java.util.Arrays.stream(view.members())
                        .filter(x -> x.id().equals(InProcessGroup.id(3 - leader - follower))).findFirst().orElseThrow();
                assertTrue(other.commitIndex() >= committed && other.sinceContactMillis() >= 0, other.toString());
            }
            long term = group.members[leader].groupMember().status().term();
            assertTrue(lines.stream().anyMatch(l -> l.equals("group member " + leaderId + " became leader in term "
                    + term)), lines.toString());
            int otherFollower = 3 - leader - follower;
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("group member " + InProcessGroup.id(otherFollower)
                    + ": leader is now " + leaderId + " (term ")), lines.toString());
        } finally {
            registryLog.removeHandler(capture);
        }
    }

    @Test
    void aSingleRegistryIsNotAGroup() throws Exception {
        try (TestRegistry r = TestRegistry.start()) {
            List<RegistryGroupStatus.Answer> answers = RegistryGroupStatus.ask(r.url(), ManagerOptions.defaults());
            assertEquals(1, answers.size());
            assertNull(answers.get(0).status());
            assertNotNull(answers.get(0).error());
            assertTrue(answers.get(0).error().contains("not a member of a registry group"), answers.toString());
            CommandLineRun run = CommandLineRun.of("group", "--url", r.url());
            assertEquals(1, run.code(), run.toString());
            assertTrue(run.err().contains("not a member of a registry group"), run.toString());
        }
    }
}
