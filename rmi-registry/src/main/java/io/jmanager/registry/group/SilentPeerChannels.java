package io.jmanager.registry.group;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * Rebuilds this member's connections to peers that stopped answering, so that a peer which came back on a new
 * address (or behind a connection that died without a word) is reached again within seconds.
 *
 * <p>Why: Ratis's gRPC channels have no keep-alive, and a connection made before a partition, or before one end's
 * address changed, never learns that the other end closed it (a killed peer's kernel resets it toward an address
 * that is gone): it stays open on this side. A call on such a connection waits out its deadline,
 * and a deadline does not make gRPC drop the connection, so every later call waits too, until the kernel gives the
 * connection up (about 15 minutes of retransmissions). When the peer restarts on the same address, its kernel
 * answers the next segment with a reset and the channel reconnects; on another address (Docker gives a restarted
 * container the lowest free one, often another member's old one) nothing ever does. Seen in GroupFaultsIT's
 * partition test, 2 runs in 11: the healed member's vote requests to the restarted member went into its old,
 * dead connection, every election round timed out, and no member served for over a minute.
 *
 * <p>What: checked four times per {@link #silentMillis} on a thread of the member's own.
 * <ul>
 *   <li>A leader rebuilds the channel of each follower that has not answered for {@link #silentMillis} (its
 *       appender fails its stream, starts a new one on a new connection and looks the name up again).</li>
 *   <li>A member that knows no leader for {@link #silentMillis} (its elections fail) rebuilds its channels to every
 *       peer.</li>
 * </ul>
 * At most once per {@link #silentMillis} per peer. A rebuilt channel costs a name lookup and a TLS handshake,
 * and only for peers that were silent anyway; a peer that is down is simply tried again on a new channel.
 * Not thread-safe: one thread checks.
 */
final class SilentPeerChannels {
    /** What Ratis tells of this member and its peers, and how to rebuild a channel. */
    interface View {
        /** Whether this member leads now. */
        boolean isLeader();

        /** Whether this member knows a leader (itself included). */
        boolean knowsLeader();

        /** The followers and how long since each answered, in ms; only while leading. */
        Map<RaftPeerId, Long> followerSilenceMillis();

        /** The other members. */
        List<RaftPeerId> peers();

        /** Closes the channel to {@code peer}; the next call builds a new one. */
        void rebuild(RaftPeerId peer, String why) throws IOException;
    }

    private static final System.Logger LOG = System.getLogger("io.jmanager.registry");

    private final String self;
    private final View view;
    private final long silentMillis;
    private final LongSupplier clockMillis;
    private final Map<RaftPeerId, Long> lastRebuilt = new HashMap<>();
    private long leaderlessSince = -1;

    SilentPeerChannels(String self, View view, long silentMillis, LongSupplier clockMillis) {
        this.self = self;
        this.view = view;
        this.silentMillis = silentMillis;
        this.clockMillis = clockMillis;
    }

    /** One check; returns the peers whose channels it rebuilt. */
    List<RaftPeerId> check() {
        long now = clockMillis.getAsLong();
        List<RaftPeerId> rebuilt = new java.util.ArrayList<>();
        if (view.isLeader()) {
            leaderlessSince = -1;
            view.followerSilenceMillis().forEach((peer, silence) -> {
                if (silence >= silentMillis) {
                    rebuildIfDue(peer, now, "follower " + peer + " has not answered for " + silence + " ms",
                            rebuilt);
                }
            });
        } else if (view.knowsLeader()) {
            leaderlessSince = -1;
        } else {
            if (leaderlessSince < 0) {
                leaderlessSince = now;
            }
            long leaderless = now - leaderlessSince;
            if (leaderless >= silentMillis) {
                for (RaftPeerId peer : view.peers()) {
                    rebuildIfDue(peer, now, "no leader for " + leaderless + " ms", rebuilt);
                }
            }
        }
        return rebuilt;
    }

    private void rebuildIfDue(RaftPeerId peer, long now, String why, List<RaftPeerId> rebuilt) {
        Long last = lastRebuilt.get(peer);
        if (last != null && now - last < silentMillis) {
            return;
        }
        lastRebuilt.put(peer, now);
        // a peer that stays down is rebuilt every period: said once, then only at DEBUG
        boolean again = last != null && now - last < 3 * silentMillis;
        try {
            view.rebuild(peer, why);
            rebuilt.add(peer);
            LOG.log(again ? System.Logger.Level.DEBUG : System.Logger.Level.INFO, "group member " + self + ": "
                    + why + "; its connection to " + peer + " is rebuilt (the peer may be on a new address, or the"
                    + " old connection dead)");
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "group member " + self + ": rebuilding the connection to " + peer
                    + " failed: " + e);
        }
    }
}
