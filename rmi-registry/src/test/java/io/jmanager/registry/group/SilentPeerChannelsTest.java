package io.jmanager.registry.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

/** When {@link SilentPeerChannels} rebuilds the connection to a peer, and when it leaves it alone. */
class SilentPeerChannelsTest {
    private static final long SILENT = 2_000;
    private static final RaftPeerId R2 = RaftPeerId.valueOf("r2");
    private static final RaftPeerId R3 = RaftPeerId.valueOf("r3");

    private long now = 1_000_000;
    private final FakeRatis ratis = new FakeRatis();
    private final SilentPeerChannels channels = new SilentPeerChannels("r1", ratis, SILENT, () -> now);

    @Test
    void aLeaderRebuildsTheChannelOfAFollowerSilentForTheLimitOncePerPeriod() {
        ratis.leader = true;
        ratis.silence.put(R2, SILENT - 1);
        ratis.silence.put(R3, 10L);
        assertEquals(List.of(), channels.check(), "nobody silent long enough");

        ratis.silence.put(R2, SILENT);
        assertEquals(List.of(R2), channels.check());
        assertEquals(List.of(R2), ratis.rebuilt);

        now += SILENT - 1;
        ratis.silence.put(R2, 2 * SILENT - 1);
        assertEquals(List.of(), channels.check(), "the new channel gets a period to connect");

        now += 1;
        assertEquals(List.of(R2), channels.check(), "still silent a period later: rebuilt again");
        assertEquals(List.of(R2, R2), ratis.rebuilt);
    }

    @Test
    void aFollowerThatKnowsItsLeaderLeavesEveryChannelAlone() {
        ratis.knowsLeader = true;
        for (int i = 0; i < 10; i++) {
            assertEquals(List.of(), channels.check());
            now += SILENT;
        }
        assertEquals(List.of(), ratis.rebuilt);
    }

    @Test
    void aMemberWithoutALeaderForTheLimitRebuildsEveryPeersChannel() {
        assertEquals(List.of(), channels.check(), "leaderless from now");
        now += SILENT - 1;
        assertEquals(List.of(), channels.check(), "one election may still succeed");
        now += 1;
        assertEquals(List.of(R2, R3), channels.check());
        now += SILENT / 2;
        assertEquals(List.of(), channels.check(), "not again within a period");
        now += SILENT / 2;
        assertEquals(List.of(R2, R3), channels.check());
    }

    @Test
    void aLeaderFoundStartsTheLeaderlessClockAgain() {
        channels.check();
        now += SILENT - 1;
        ratis.knowsLeader = true;
        channels.check();
        ratis.knowsLeader = false;
        now += SILENT - 1;
        assertEquals(List.of(), channels.check(), "leaderless again only since now");
        now += SILENT;
        assertEquals(List.of(R2, R3), channels.check());
    }

    @Test
    void aFailedRebuildIsTriedAgainAtTheNextPeriodAndTheCheckGoesOn() {
        ratis.leader = true;
        ratis.silence.put(R2, SILENT);
        ratis.silence.put(R3, SILENT);
        ratis.failing = R2;
        assertEquals(List.of(R3), channels.check(), "r2's failure does not stop r3's rebuild");
        ratis.failing = null;
        now += SILENT;
        assertEquals(2, channels.check().size());
    }

    private static final class FakeRatis implements SilentPeerChannels.View {
        boolean leader;
        boolean knowsLeader;
        RaftPeerId failing;
        final Map<RaftPeerId, Long> silence = new LinkedHashMap<>();
        final List<RaftPeerId> rebuilt = new ArrayList<>();

        @Override
        public boolean isLeader() {
            return leader;
        }

        @Override
        public boolean knowsLeader() {
            return leader || knowsLeader;
        }

        @Override
        public Map<RaftPeerId, Long> followerSilenceMillis() {
            return silence;
        }

        @Override
        public List<RaftPeerId> peers() {
            return List.of(R2, R3);
        }

        @Override
        public void rebuild(RaftPeerId peer, String why) {
            if (peer.equals(failing)) {
                throw new IllegalStateException("closing");
            }
            rebuilt.add(peer);
        }
    }
}
