package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.registry.RegistryConfig;
import io.jmanager.registry.RegistryServer;
import io.jmanager.registry.group.GroupConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry group of three members in this JVM (docs/group.md): followers refuse and name the leader, a worker
 * given every member finds the leader, and when the leader stops the worker follows the new one with its data.
 * The SIGKILL version with separate processes is {@code RegistryGroupIT}.
 */
class RegistryGroupInProcessTest {
    @TempDir
    Path tmp;


    private final RegistryServer[] members = new RegistryServer[3];
    private String spec;
    private String urls;

    private void startGroup() throws Exception {
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
        for (int i = 0; i < 3; i++) {
            start(i);
        }
    }

    private void start(int i) throws IOException {
        String id = "r" + (i + 1);
        members[i] = RegistryServer.startGroup(RegistryConfig.defaults().withAuthKey(TestKeys.key())
                        .withBindAddress("127.0.0.1").withAdvertiseHost("127.0.0.1").withLeaseMillis(2000),
                GroupConfig.parse(spec, id, tmp.resolve(id)));
    }

    /** The member that serves now, waiting (bounded) for an election. */
    private int leader() throws InterruptedException {
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

    private void closeAll() {
        for (RegistryServer m : members) {
            if (m != null) {
                m.close();
            }
        }
    }

    @Test
    void followersReferToTheLeaderAndAWorkerFollowsANewLeaderWithItsData() throws Exception {
        startGroup();
        try {
            int leader = leader();
            int follower = (leader + 1) % 3;
            NotLeaderException refused = assertThrows(NotLeaderException.class,
                    () -> Manager.connect(members[follower].url()));
            assertEquals(members[leader].url(), refused.leaderUrl(), refused.getMessage());
            assertTrue(refused.getMessage().contains("does not lead"), refused.getMessage());

            try (Manager m = Manager.connect(urls)) {
                SharedDict<String, Integer> d = m.dict("d");
                SharedValue<Long> v = m.value("v", 'q', 0L);
                SharedList<String> l = m.list("l");
                l.addAll(java.util.List.of("a", "b", "c"));
                l.add(0, "front");
                l.remove("b");
                for (int i = 0; i < 100; i++) {
                    d.put("k" + i, i);
                }
                assertEquals(5L, v.addAndGet(5L));
                d.remove("k7");
                // asynchronous operations go through the group's batch call: committed by the majority alike
                java.util.List<java.util.concurrent.CompletableFuture<Integer>> async = new java.util.ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    async.add(d.putAsync("async" + i, i));
                }
                async.forEach(java.util.concurrent.CompletableFuture::join);
                assertEquals(10L, v.addAndGetAsync(5L).join());
                for (int i = 0; i < 50; i++) {
                    d.remove("async" + i);
                }
                assertEquals(5L, v.addAndGet(-5L));
                assertTrue(members[leader].storage().contains("replicated by the registry group"));

                long session = m.sessionId();
                members[leader].close(); // the leader stops: the other two elect one of them
                members[leader] = null;
                int next = leader();
                assertTrue(next != leader);
                // the worker follows the new leader in the same session: no SessionExpiredException
                assertEquals(99, awaitAnswer(d), "every acknowledged write is on the new leader");
                assertEquals(session, m.sessionId(), "the session survived the leader change");
                assertEquals(42, d.get("k42"));
                assertEquals(null, d.get("k7"));
                assertEquals(7L, v.addAndGet(2L));
                assertEquals(java.util.List.of("front", "a", "c"), java.util.List.copyOf(l));
                l.add("end");

                start(leader); // rejoins from its Raft log
                members[next].close(); // now the majority needs the member that rejoined
                members[next] = null;
                leader();
                assertEquals(99, awaitAnswer(d));
                assertEquals(session, m.sessionId(), "the session survived the second leader change");
                assertEquals(7L, v.get());
                assertEquals(java.util.List.of("front", "a", "c", "end"), java.util.List.copyOf(l));
            }
        } finally {
            closeAll();
        }
    }

    /**
     * A leader left without a majority stops answering reads and writes: it cannot confirm that it still leads
     * (read index), nor commit. Reads it answers before that (within its leader lease, while no other leader can
     * exist) see the last acknowledged write.
     */
    @Test
    void aLeaderWithoutAMajorityServesNothing() throws Exception {
        startGroup();
        int leader = leader();
        try (Manager m = Manager.connect(urls)) {
            SharedDict<String, Integer> d = m.dict("d");
            d.put("k", 1);
            for (int i = 0; i < 3; i++) {
                if (i != leader) {
                    members[i].close();
                    members[i] = null;
                }
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(60_000));
            JManagerException refused = null;
            while (refused == null && System.nanoTime() < deadline) {
                try {
                    assertEquals(1, d.get("k"), "a read within the lease sees the last acknowledged write");
                } catch (NotLeaderException | RegistryUnavailableException | SessionExpiredException e) {
                    refused = e;
                }
            }
            assertNotNull(refused, "the lone leader still answered reads after 60 s");
            assertThrows(JManagerException.class, () -> d.put("k", 2), "a lone leader cannot commit");
        } finally {
            closeAll();
        }
    }

    /**
     * Calls {@code d.size()} until it answers or fails with {@link SessionExpiredException}, retrying (bounded) while
     * the group has no serving leader.
     */
    private static int awaitAnswer(SharedDict<String, Integer> d) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(30_000));
        while (true) {
            try {
                return d.size();
            } catch (RegistryUnavailableException | NotLeaderException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20); // an election has no event a worker could wait for
            }
        }
    }

    @Test
    void aMemberRefusesToStartWithoutItsRaftPortAndSaysWhich() throws Exception {
        int rmi = TestPorts.free();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String g = "a=127.0.0.1:" + rmi + ":" + taken.getLocalPort() + ",b=127.0.0.1:" + TestPorts.free()
                    + ",c=127.0.0.1:" + TestPorts.free();
            IOException e = assertThrows(IOException.class, () -> RegistryServer.startGroup(
                    RegistryConfig.defaults().withAuthKey(TestKeys.key()).withBindAddress("127.0.0.1")
                            .withAdvertiseHost("127.0.0.1"), GroupConfig.parse(g, "a", tmp.resolve("a"))));
            assertTrue(e.getMessage().contains("cannot start the Raft server of group member a on port "
                    + taken.getLocalPort()), e.getMessage());
            assertNotNull(e.getCause());
        }
    }
}
