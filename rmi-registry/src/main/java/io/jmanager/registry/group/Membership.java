package io.jmanager.registry.group;

import io.jmanager.registry.RecordLog;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.RaftClientConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.retry.RetryPolicies;
import org.apache.ratis.retry.RetryPolicy;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.TimeDuration;

/**
 * Which members have taken part in the group, kept as replicated state, and what a member without a Raft log does
 * with it when it starts (docs/group.md, "A member with a wiped disk").
 *
 * <ul>
 *   <li>The <b>joined set</b> is record 0 of object {@value #OBJECT} of the replica (no registry object has a
 *       negative id): the ids, comma-separated. The leader adds every member that reported a commit index above 0
 *       (it has acknowledged entries) and itself.</li>
 *   <li>A member that starts <b>without its Raft log</b> ({@code DIR/raft/<group>} missing) asks the other
 *       members for their joined set (a stale read of each one's replica, over the group's authenticated Raft
 *       transport: no leader needed). If it is in the set, it took part before and lost its votes and entries:
 *       it refuses to start and names the command that rejoins it. If no other member answers (the whole group
 *       starts for the first time, or every other member is down), it starts as a new member.</li>
 *   <li><b>Rejoining</b> ({@code --rejoin}): the member starts its Raft server with no configuration, then asks the
 *       leader to remove it from the group and to add it back; Raft adds a member only once it caught up (from the
 *       leader's snapshot and log), and its old votes, which it forgot, no longer count.</li>
 * </ul>
 */
final class Membership {
    /** The replica object holding the joined set. */
    static final long OBJECT = Long.MIN_VALUE;
    /** The state machine query that answers the joined set. */
    static final ByteString QUERY = ByteString.copyFromUtf8("jmanager:joined-members");
    private static final int PROBE_MILLIS = 1000;
    private static final int QUERY_SECONDS = 3;
    /** Adding a member back waits until it caught up: generous, the snapshot may be large. */
    private static final int REJOIN_REQUEST_SECONDS = 30;
    private static final int REJOIN_ATTEMPTS = 20;
    private static final int REJOIN_MINUTES = 5;

    private Membership() {
    }

    /** The joined set in {@code store}. */
    static Set<String> joined(ReplicaStore store) {
        return decode(store.record(OBJECT, 0));
    }

    static Set<String> decode(byte[] bytes) {
        Set<String> out = new TreeSet<>();
        if (bytes != null && bytes.length > 0) {
            out.addAll(Arrays.asList(new String(bytes, StandardCharsets.UTF_8).split(",")));
        }
        return out;
    }

    static byte[] encode(Set<String> ids) {
        return String.join(",", new TreeSet<>(ids)).getBytes(StandardCharsets.UTF_8);
    }

    /** The record log entry that makes {@code ids} the joined set. */
    static byte[] entry(Set<String> ids) {
        return RecordLog.puts(OBJECT, List.of(new AbstractMap.SimpleImmutableEntry<>(0L, encode(ids))));
    }

    /** Where this member's Raft storage of the group lives; missing when it has no log. */
    static Path groupDir(GroupConfig config) {
        return config.dataDir().resolve("raft").resolve(GroupMember.GROUP_ID.getUuid().toString());
    }

    private static RaftProperties clientProperties(int requestSeconds) {
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
        RaftClientConfigKeys.Rpc.setRequestTimeout(properties, TimeDuration.valueOf(requestSeconds,
                TimeUnit.SECONDS));
        return properties;
    }

    private static List<RaftPeer> peers(GroupConfig config, boolean withSelf) {
        List<RaftPeer> peers = new ArrayList<>();
        for (GroupConfig.Member m : config.members()) {
            if (withSelf || !m.id().equals(config.self())) {
                peers.add(RaftPeer.newBuilder().setId(m.id()).setAddress(m.raftAddress()).build());
            }
        }
        return peers;
    }

    private static RaftClient client(GroupConfig config, Parameters parameters, int requestSeconds,
                                     RetryPolicy retry) {
        return RaftClient.newBuilder().setClientId(ClientId.randomId())
                .setRaftGroup(RaftGroup.valueOf(GroupMember.GROUP_ID, peers(config, false)))
                .setProperties(clientProperties(requestSeconds)).setParameters(parameters).setRetryPolicy(retry)
                .build();
    }

    /**
     * The joined set as the other members know it (their union), or null if none of them answered.
     */
    static Set<String> askJoined(GroupConfig config, Parameters parameters) {
        Set<String> union = null;
        List<GroupConfig.Member> reachable = new ArrayList<>();
        for (GroupConfig.Member m : config.members()) {
            if (!m.id().equals(config.self()) && listening(m)) {
                reachable.add(m);
            }
        }
        if (reachable.isEmpty()) {
            return null; // no other member runs: nothing to ask (a group starting for the first time)
        }
        try (RaftClient client = client(config, parameters, QUERY_SECONDS, RetryPolicies.noRetry())) {
            for (GroupConfig.Member m : reachable) {
                try {
                    RaftClientReply reply = client.io().sendStaleRead(Message.valueOf(QUERY), 0,
                            RaftPeerId.valueOf(m.id()));
                    if (reply.isSuccess()) {
                        union = union == null ? new TreeSet<>() : union;
                        union.addAll(decode(reply.getMessage().getContent().toByteArray()));
                    }
                } catch (IOException | RuntimeException e) {
                    // not ready, or refused: this member tells nothing
                }
            }
        } catch (IOException e) {
            return union;
        }
        return union;
    }

    private static boolean listening(GroupConfig.Member m) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(m.host(), m.raftPort()), PROBE_MILLIS);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** What a member that lost its log is told, with the command that rejoins it. */
    static String wipedMessage(GroupConfig config) {
        return "group member " + config.self() + " has no Raft log (" + groupDir(config) + " is missing), but the"
                + " other members know that it took part in the group: its data directory was wiped or replaced."
                + " A member that forgot its votes and acknowledged entries could make the group lose acknowledged"
                + " writes, so it does not start as if it were new. To rejoin it as a new member (the leader removes"
                + " it from the group and adds it back once it caught up), start it with --rejoin: java -jar"
                + " registry.jar --group " + spec(config) + " --id " + config.self() + " --data-dir "
                + config.dataDir() + " --rejoin";
    }

    private static String spec(GroupConfig config) {
        List<String> parts = new ArrayList<>();
        for (GroupConfig.Member m : config.members()) {
            parts.add(m.id() + "=" + m.host() + ":" + m.rmiPort() + ":" + m.raftPort());
        }
        return String.join(",", parts);
    }

    /**
     * Has the leader remove this member from the group and add it back (it is running, with no log and no
     * configuration); returns once {@code counted} says that this member's configuration counts it again (the
     * group committed it). Leader changes and timeouts during the catch-up are retried until
     * {@value #REJOIN_MINUTES} minutes have passed.
     *
     * @throws IOException saying why if the group did not take it back
     */
    static void rejoin(GroupConfig config, Parameters parameters, java.util.function.BooleanSupplier counted)
            throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(REJOIN_MINUTES);
        RetryPolicy findLeader = RetryPolicies.retryUpToMaximumCountWithFixedSleep(REJOIN_ATTEMPTS,
                TimeDuration.valueOf(500, TimeUnit.MILLISECONDS));
        try (RaftClient client = client(config, parameters, REJOIN_REQUEST_SECONDS, findLeader)) {
            RaftClientReply removed = client.admin().setConfiguration(peers(config, false));
            if (!removed.isSuccess()) {
                throw new IOException("the leader did not remove member " + config.self() + " from the group: "
                        + removed.getException());
            }
            Exception last = null;
            while (!counted.getAsBoolean()) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("member " + config.self() + " was removed from the group, but the group"
                            + " did not add it back within " + REJOIN_MINUTES + " minutes (" + last + "). Delete "
                            + groupDir(config) + " and start it with --rejoin again", last);
                }
                try {
                    // the leader adds it once it caught up; a leader change or a slow catch-up fails an attempt
                    RaftClientReply added = client.admin().setConfiguration(peers(config, true));
                    if (added.isSuccess()) {
                        break;
                    }
                    last = added.getException();
                } catch (IOException e) {
                    last = e;
                }
                try {
                    Thread.sleep(500); // back off before the next attempt: the catch-up goes on meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while rejoining the group", e);
                }
            }
        }
    }

    /** Whether {@code config}'s member has a Raft log of the group. */
    static boolean hasLog(GroupConfig config) {
        return Files.isDirectory(groupDir(config));
    }
}
