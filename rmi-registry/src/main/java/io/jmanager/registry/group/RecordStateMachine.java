package io.jmanager.registry.group;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;

/**
 * The Ratis state machine of a group member. A log entry is an envelope: the term its leader served in when it
 * computed the change ({@code long}), then one {@link io.jmanager.registry.RecordLog} entry, the same bytes a data
 * directory's log holds. Applying it writes the records into the {@link ReplicaStore}, in log order, on every
 * member. An entry whose envelope term differs from the term of the log entry it travels in is not applied: its
 * records were computed from a leader's live state that a later leader never had (it can only happen when a
 * member lost and regained leadership between computing and appending), and its submitter is told so.
 *
 * <p>Leadership changes go to a {@link Listener}: {@link Listener#leaderReady()} once this member leads and every
 * entry committed before its term is applied (Ratis applies the leader's start-up entry after them).
 */
final class RecordStateMachine extends BaseStateMachine {
    /** The reply of an applied entry. */
    static final ByteString APPLIED = ByteString.copyFrom(new byte[] {1});
    /** The reply of an entry that was not applied: appended in another term than it was computed in. */
    static final ByteString STALE = ByteString.copyFrom(new byte[] {0});

    /** Hears of leadership changes; called on Ratis's threads, must not block. */
    interface Listener {
        void leaderChanged(RaftPeerId newLeader);

        void leaderReady();
    }

    private final ReplicaStore store;
    private final Listener listener;

    RecordStateMachine(ReplicaStore store, Listener listener) {
        this.store = store;
        this.listener = listener;
    }

    static byte[] envelope(long term, byte[] recordEntry) {
        return ByteBuffer.allocate(8 + recordEntry.length).putLong(term).put(recordEntry).array();
    }

    @Override
    public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
        LogEntryProto entry = trx.getLogEntry();
        ByteBuffer data = entry.getStateMachineLogEntry().getLogData().asReadOnlyByteBuffer();
        long term = data.getLong();
        byte[] records = new byte[data.remaining()];
        data.get(records);
        ByteString reply = STALE;
        if (term == entry.getTerm()) {
            store.apply(records);
            reply = APPLIED;
        }
        updateLastAppliedTermIndex(TermIndex.valueOf(entry));
        return CompletableFuture.completedFuture(Message.valueOf(reply));
    }

    /** The read index barrier's query: it reads nothing (the live objects were read), it only confirms. */
    @Override
    public CompletableFuture<Message> query(Message request) {
        return CompletableFuture.completedFuture(Message.EMPTY);
    }

    @Override
    public void notifyLeaderChanged(RaftGroupMemberId groupMemberId, RaftPeerId newLeaderId) {
        listener.leaderChanged(newLeaderId);
    }

    @Override
    public void notifyLeaderReady() {
        listener.leaderReady();
    }
}
