package io.jmanager.registry.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.RaftPeerRole;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

/** The group's state machine applies record log entries in order, and refuses an entry carried into another term. */
class RecordStateMachineTest {
    private final ReplicaStore store = new ReplicaStore();
    private final RecordStateMachine machine = new RecordStateMachine(store, new RecordStateMachine.Listener() {
        @Override
        public void leaderChanged(RaftPeerId newLeader) {
        }

        @Override
        public void leaderReady() {
        }
    });

    /** A RecordLog entry with one put (kind 1) of {@code value} under object {@code id}, key {@code key}. */
    private static byte[] put(long id, long key, byte[] value) {
        return ByteBuffer.allocate(4 + 8 + 1 + 8 + 4 + value.length).putInt(1).putLong(id).put((byte) 1).putLong(key)
                .putInt(value.length).put(value).array();
    }

    private static byte[] clear(long id) {
        return ByteBuffer.allocate(4 + 8 + 1 + 8).putInt(1).putLong(id).put((byte) 3).putLong(0).array();
    }

    private Message apply(long logTerm, long index, long envelopeTerm, byte[] records) throws Exception {
        LogEntryProto entry = LogEntryProto.newBuilder().setTerm(logTerm).setIndex(index)
                .setStateMachineLogEntry(StateMachineLogEntryProto.newBuilder()
                        .setLogData(ByteString.copyFrom(RecordStateMachine.envelope(envelopeTerm, records))))
                .build();
        TransactionContext trx = TransactionContext.newBuilder().setStateMachine(machine)
                .setServerRole(RaftPeerRole.FOLLOWER).setLogEntry(entry).build();
        return machine.applyTransaction(trx).get();
    }

    @Test
    void entriesOfTheirOwnTermAreAppliedInLogOrder() throws Exception {
        assertEquals(RecordStateMachine.APPLIED, apply(3, 1, 3, put(7, 1, new byte[] {1})).getContent());
        assertEquals(RecordStateMachine.APPLIED, apply(3, 2, 3, put(7, 1, new byte[] {2})).getContent());
        assertEquals(RecordStateMachine.APPLIED, apply(4, 3, 4, put(8, 5, new byte[] {9})).getContent());
        Map<Long, List<Map.Entry<Long, byte[]>>> copy = store.copy();
        assertArrayEquals(new byte[] {2}, copy.get(7L).get(0).getValue(), "the later entry wins");
        assertArrayEquals(new byte[] {9}, copy.get(8L).get(0).getValue());
        apply(4, 4, 4, clear(7));
        assertEquals(null, store.copy().get(7L));
        assertEquals(3, machine.getLastAppliedTermIndex().getIndex() - 1);
    }

    @Test
    void anEntryAppendedInAnotherTermThanItWasComputedInChangesNothing() throws Exception {
        apply(2, 1, 2, put(7, 1, new byte[] {1}));
        // computed by a leader of term 2 that lost and regained leadership: appended in term 4
        assertEquals(RecordStateMachine.STALE, apply(4, 2, 2, put(7, 1, new byte[] {5})).getContent());
        assertArrayEquals(new byte[] {1}, store.copy().get(7L).get(0).getValue());
        assertEquals(2, machine.getLastAppliedTermIndex().getIndex(), "the entry still counts as applied");
    }

    @Test
    void aMalformedRecordEntryIsRefusedNotHalfApplied() {
        byte[] first = put(7, 1, new byte[] {1});
        byte[] second = put(8, 1, new byte[] {1, 2, 3});
        // two changes, the second cut short: the first must not be applied either
        byte[] twoChanges = ByteBuffer.allocate(first.length + second.length - 4).putInt(2)
                .put(first, 4, first.length - 4).put(second, 4, second.length - 4).array();
        byte[] truncated = java.util.Arrays.copyOf(twoChanges, twoChanges.length - 2);
        assertThrows(IllegalArgumentException.class, () -> store.apply(truncated));
        assertEquals(0, store.size(), "nothing of a malformed entry is applied");
        store.apply(twoChanges);
        assertEquals(2, store.size(), "the intact entry applies both changes");
    }

    @Test
    void groupConfigDerivesTheRaftPortAndNamesTheLeaderUrl() {
        GroupConfig c = GroupConfig.parse("a=h1:1099, b=h2:2000:3000 ,c=h3:1099", "b", Path.of("d"));
        assertEquals(1100, c.member("a").raftPort(), "the RMI port + 1 by default");
        assertEquals(3000, c.me().raftPort());
        assertEquals("rmi://h2:2000", c.me().rmiUrl());
        assertEquals("h3:1100", c.member("c").raftAddress());
        assertEquals(null, c.member("z"));
    }
}
