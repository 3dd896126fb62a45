package io.jmanager.registry.group;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.util.LifeCycle;
import org.apache.ratis.util.MD5FileUtil;
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
 * <p><b>Snapshots.</b> Every {@code --snapshot-every} applied entries Ratis asks for a snapshot: the store is
 * written to {@code DIR/raft/<group>/sm/snapshot.TERM_INDEX} ({@link StoreSnapshot}, with Ratis's MD5 file beside
 * it), and Ratis may purge the log up to it. A starting member loads its latest snapshot, then Ratis applies the
 * log after it; a follower that needs entries the leader purged gets the leader's snapshot file installed
 * (Ratis pauses this machine, writes the file, and calls {@link #reinitialize()}, which loads it).
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

    private static final System.Logger LOG = System.getLogger("io.jmanager.registry");
    private final ReplicaStore store;
    private final Listener listener;
    private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
    private volatile String name = "group member";

    RecordStateMachine(ReplicaStore store, Listener listener) {
        this.store = store;
        this.listener = listener;
    }

    static byte[] envelope(long term, byte[] recordEntry) {
        return ByteBuffer.allocate(8 + recordEntry.length).putLong(term).put(recordEntry).array();
    }

    @Override
    public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage) throws IOException {
        super.initialize(server, groupId, raftStorage);
        name = "group member " + server.getId();
        storage.init(raftStorage);
        getLifeCycle().startAndTransition(() -> load(storage.getLatestSnapshot(), "its latest snapshot"),
                IOException.class);
    }

    /** Ratis pauses the machine before it installs a snapshot from the leader. */
    @Override
    public void pause() {
        if (getLifeCycleState() == LifeCycle.State.RUNNING) {
            getLifeCycle().transition(LifeCycle.State.PAUSING);
            getLifeCycle().transition(LifeCycle.State.PAUSED);
        }
    }

    /** Loads the snapshot Ratis installed from the leader (every record replaced), and runs again. */
    @Override
    public void reinitialize() throws IOException {
        load(storage.loadLatestSnapshot(), "the snapshot installed from the leader");
        if (getLifeCycleState() == LifeCycle.State.PAUSED) {
            getLifeCycle().transition(LifeCycle.State.STARTING);
            getLifeCycle().transition(LifeCycle.State.RUNNING);
        }
    }

    private void load(SingleFileSnapshotInfo snapshot, String what) throws IOException {
        if (snapshot == null) {
            return;
        }
        File file = snapshot.getFile().getPath().toFile();
        MD5Hash md5 = snapshot.getFile().getFileDigest();
        if (md5 != null) {
            MD5FileUtil.verifySavedMD5(file, md5);
        }
        StoreSnapshot.Contents contents = store.loadSnapshot(file.toPath());
        if (contents.term() != snapshot.getTerm() || contents.index() != snapshot.getIndex()) {
            throw new IOException("snapshot " + file + " holds the state after entry " + contents.index() + " of term "
                    + contents.term() + ", its name says " + snapshot.getIndex() + " of term " + snapshot.getTerm());
        }
        setLastAppliedTermIndex(snapshot.getTermIndex());
        LOG.log(System.Logger.Level.INFO, name + " loaded " + what + ": " + contents.records() + " records, up to"
                + " log entry " + snapshot.getIndex() + " (term " + snapshot.getTerm() + ")");
    }

    /**
     * Writes the store as of the last applied entry (Ratis calls this between applying entries, on the thread that
     * applies them).
     */
    @Override
    public long takeSnapshot() throws IOException {
        TermIndex last = getLastAppliedTermIndex();
        if (last == null || last.getIndex() <= 0) {
            return RaftLog.INVALID_LOG_INDEX;
        }
        File file = storage.getSnapshotFile(last.getTerm(), last.getIndex());
        store.writeSnapshot(last.getTerm(), last.getIndex(), file.toPath());
        MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
        storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5), last));
        return last.getIndex();
    }

    @Override
    public SimpleStateMachineStorage getStateMachineStorage() {
        return storage;
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

    /**
     * The read index barrier's query, which reads nothing (the live objects were read), it only confirms; and a
     * member without its log asking for the joined set ({@link Membership#QUERY}).
     */
    @Override
    public CompletableFuture<Message> query(Message request) {
        if (Membership.QUERY.equals(request.getContent())) { // a member without its log asks who took part
            return CompletableFuture.completedFuture(Message.valueOf(ByteString.copyFrom(Membership.encode(
                    Membership.joined(store)))));
        }
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
