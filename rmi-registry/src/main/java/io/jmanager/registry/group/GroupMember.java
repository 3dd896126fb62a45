package io.jmanager.registry.group;

import io.jmanager.NotLeaderException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ratis.RaftConfigKeys;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.protocol.ClientId;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftPeer;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.rpc.SupportedRpcType;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.ExitUtils;
import org.apache.ratis.util.SizeInBytes;
import org.apache.ratis.util.TimeDuration;

/**
 * One member of a registry group: its Ratis server (gRPC transport, on the member's Raft port), its
 * {@link ReplicaStore}, and the turn of its roles. When Ratis makes it leader and has applied every entry committed
 * before, {@link Leadership#serving} is called with the term; when it stops leading (or a write of the term could not
 * be committed, which leaves the live state ahead of the log), {@link Leadership#stopped} is called, then, if it
 * still leads, {@code serving} again once the store has caught up. Both are called on one thread, in order.
 */
public final class GroupMember implements Replication, AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jmanager.registry");
    /** The one group id of every registry group: members are told apart by their ids and the member list. */
    static final RaftGroupId GROUP_ID = RaftGroupId.valueOf(UUID.nameUUIDFromBytes(
            "jmanager registry group".getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
    /** Election timeouts: long enough for a loaded 2-CPU machine's pauses, short enough for failover in seconds. */
    static final int ELECTION_MIN_MILLIS = 500;
    static final int ELECTION_MAX_MILLIS = 1000;
    private static final int READ_TIMEOUT_SECONDS = 10;
    /** The Raft log's segment size (Ratis's default is 32 MB): the log is purged by whole closed segments. */
    static final long SEGMENT_BYTES = 4 << 20;
    /** How soon a leader that could not start serving tries again. */
    private static final long RETRY_MILLIS = 100;
    /** An empty {@link io.jmanager.registry.RecordLog} entry: no changes (a barrier). */
    private static final byte[] NO_CHANGES = new byte[4];

    /** What the registry does when this member starts or stops serving. */
    public interface Leadership {
        /** This member leads in {@code term}, and {@code store} holds every committed change: serve from it. */
        void serving(long term, ReplicaStore store);

        /** This member stopped serving ({@code why}): drop the live state, refuse calls. */
        void stopped(String why);
    }

    private final GroupConfig config;
    private final RaftGroup group;
    private final RaftPeerId self;
    private final ReplicaStore store = new ReplicaStore();
    private final RaftServer server;
    /** Ratis's transport settings (the mutual TLS credentials), for the admin client too. */
    private final Parameters parameters;
    private final RaftProperties properties;
    private final Leadership leadership;
    private final ScheduledExecutorService roles = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jmanager-group-roles");
        t.setDaemon(true);
        return t;
    });
    /** Checks the peers' channels ({@link SilentPeerChannels}); apart from the roles thread, which serves. */
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "jmanager-group-peer-channels");
        t.setDaemon(true);
        return t;
    });
    /** Closes rebuilt channels, which may wait for their calls. */
    private final java.util.concurrent.ExecutorService rebuilds = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jmanager-group-reconnect");
        t.setDaemon(true);
        return t;
    });
    private final ClientId clientId = ClientId.randomId();
    private final AtomicLong callIds = new AtomicLong();
    private volatile long servingTerm = -1;
    private volatile RaftPeerId leader;
    // keeps Ratis's loggers configured: java.util.logging holds them weakly
    private static final java.util.logging.Logger RATIS_LOG = java.util.logging.Logger.getLogger("org.apache.ratis");

    private GroupMember(GroupConfig config, String bindHost, Parameters parameters, Leadership leadership)
            throws IOException {
        this.config = config;
        this.leadership = leadership;
        List<RaftPeer> peers = new ArrayList<>();
        for (GroupConfig.Member m : config.members()) {
            peers.add(RaftPeer.newBuilder().setId(m.id()).setAddress(m.raftAddress()).build());
        }
        // a member that rejoins starts with no configuration: the leader adds it (Membership.rejoin)
        this.group = RaftGroup.valueOf(GROUP_ID, config.rejoin() ? List.of() : peers);
        this.self = RaftPeerId.valueOf(config.self());
        RaftProperties properties = new RaftProperties();
        RaftConfigKeys.Rpc.setType(properties, SupportedRpcType.GRPC);
        GrpcConfigKeys.Server.setPort(properties, config.me().raftPort());
        // the member's host in --group unless --bind says otherwise (plaintext Raft traffic must not reach every
        // interface by default; mutual TLS refuses strangers anyway)
        GrpcConfigKeys.Server.setHost(properties, bindHost != null ? bindHost : config.me().host());
        RaftServerConfigKeys.setStorageDir(properties, List.of(config.dataDir().resolve("raft").toFile()));
        RaftServerConfigKeys.Rpc.setTimeoutMin(properties,
                TimeDuration.valueOf(ELECTION_MIN_MILLIS, TimeUnit.MILLISECONDS));
        RaftServerConfigKeys.Rpc.setTimeoutMax(properties,
                TimeDuration.valueOf(ELECTION_MAX_MILLIS, TimeUnit.MILLISECONDS));
        // reads: the read index, which a leader lease answers without a round trip while the lease holds
        RaftServerConfigKeys.Read.setOption(properties, RaftServerConfigKeys.Read.Option.LINEARIZABLE);
        RaftServerConfigKeys.Read.setLeaderLeaseEnabled(properties, true);
        RaftServerConfigKeys.Read.setTimeout(properties,
                TimeDuration.valueOf(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        // snapshots: every snapshotEvery applied entries; the log is purged up to the newest snapshot even while a
        // member is down (it gets the snapshot installed when it returns), so the log stays bounded
        RaftServerConfigKeys.Snapshot.setAutoTriggerEnabled(properties, true);
        RaftServerConfigKeys.Snapshot.setAutoTriggerThreshold(properties, config.snapshotEvery());
        RaftServerConfigKeys.Snapshot.setRetentionFileNum(properties, 2);
        RaftServerConfigKeys.Log.setPurgeUptoSnapshotIndex(properties, true);
        RaftServerConfigKeys.Log.setPurgeGap(properties, (int) Math.min(1024, config.snapshotEvery()));
        // the log is purged by whole segments: small enough that a purge frees space soon after a snapshot
        RaftServerConfigKeys.Log.setSegmentSizeMax(properties, SizeInBytes.valueOf(SEGMENT_BYTES));
        // a follower appends each batch on its own (Ratis 3.2.2 does it on a server thread); the default chains
        // every append after the previous one's future, and one failed append (two appendEntries streams of a
        // leader that restarted its appender, racing for the log) fails that chain, and with it every later append,
        // for good: a partitioned leader that healed never caught up (docs/group.md, "Ratis settings")
        RaftServerConfigKeys.Log.setAppendEntriesComposeEnabled(properties, false);
        // no commit-index entries: by default the leader appends a METADATAENTRY each time its commit index passes
        // a write (LeaderStateImpl.updateCommit), and replicates and fsyncs it like a write, so every write cost two
        // log entries and two fsyncs in a row on each member; the next write then waited behind the last one's
        // metadata entry, and a follower answered it INCONSISTENCY while that entry was still being appended (with
        // compose off its append runs on another thread). A restarted member then applies its log tail once a
        // leader tells it the commit index, not at start; it serves only after its own barrier anyway
        RaftServerConfigKeys.Log.setLogMetadataEnabled(properties, false);
        // one appendEntries in flight per follower, and one thread to append on a follower: with compose off, 3.2.2
        // checks a batch against the log on the gRPC thread but appends it on a server thread, so pipelined batches
        // were answered INCONSISTENCY, two appends ran at once ("SegmentedRaftLog: Already running a method by"),
        // failing one, and a leader's appender thread died on a reply that moved nextIndex under it (the group went
        // on with one follower). Seen in GroupCoordinationFaultsIT and under 4-8 bench clients; docs/group.md
        GrpcConfigKeys.Server.setLeaderOutstandingAppendsMax(properties, 1);
        RaftServerConfigKeys.ThreadPool.setServerCached(properties, false);
        RaftServerConfigKeys.ThreadPool.setServerSize(properties, 1);
        overrideFromSystemProperties(properties);
        RecordStateMachine machine = new RecordStateMachine(store, new RecordStateMachine.Listener() {
            @Override
            public void leaderChanged(RaftPeerId newLeader) {
                leader = newLeader;
                roles.execute(() -> {
                    if (self.equals(newLeader)) {
                        // elected: serves once ready (also called by leaderReady, whichever comes last succeeds)
                        serveIfLeader();
                    } else {
                        stop("the group's leader changed to " + (newLeader == null ? "none yet" : newLeader));
                    }
                });
                logLeader(newLeader);
            }

            @Override
            public void leaderReady() {
                roles.execute(GroupMember.this::serveIfLeader);
            }
        });
        this.parameters = parameters;
        this.properties = properties;
        this.server = RaftServer.newBuilder().setGroup(group).setProperties(properties).setServerId(self)
                .setParameters(parameters).setStateMachine(machine).setOption(RaftStorage.StartupOption.RECOVER)
                .build();
    }

    /**
     * The level of Ratis's own loggers ({@code org.apache.ratis}): WARNING, or {@code -Djmanager.log.ratis=INFO}
     * (any {@link java.util.logging.Level} name) to see its elections, appends and role changes while tracing a
     * fault. The registry's handler still drops what is below {@code -Djmanager.log.level} (INFO by default).
     */
    static java.util.logging.Level ratisLogLevel() {
        String name = System.getProperty("jmanager.log.ratis", "WARNING");
        try {
            return java.util.logging.Level.parse(name.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "-Djmanager.log.ratis=" + name + " is not a log level (use e.g."
                    + " INFO, FINE or WARNING); Ratis logs at WARNING");
            return java.util.logging.Level.WARNING;
        }
    }

    /**
     * Starts this member's Raft server, listening on {@code bindHost} (the registry's {@code --bind}), or on the
     * member's host in the group when null; it serves once elected. Its Raft traffic is mutual TLS with
     * credentials derived from {@code key} ({@link RaftTls}) unless {@link GroupConfig#plaintextRaft()}.
     *
     * @throws IOException if its Raft port or storage cannot be used
     */
    public static GroupMember start(GroupConfig config, String bindHost, io.jmanager.AuthKey key,
                                    Leadership leadership) throws IOException {
        if (RATIS_LOG.getLevel() == null) {
            RATIS_LOG.setLevel(ratisLogLevel()); // its INFO lines are per heartbeat and election
        }
        PeerAddressCaching.install(); // before the channels to the peers are built
        // Ratis calls System.exit when, e.g., its gRPC server cannot bind: the registry reports it and exits itself
        ExitUtils.disableSystemExit();
        Parameters parameters = config.plaintextRaft() ? new Parameters()
                : RaftTls.forMember(key, config.self(), config.me().host()).ratisParameters();
        boolean hasLog = Membership.hasLog(config);
        if (config.rejoin() && hasLog) {
            throw new IOException("--rejoin is for a member that lost its Raft log, but " + Membership.groupDir(config)
                    + " holds this member's log: start it without --rejoin");
        }
        if (!hasLog && !config.rejoin()) {
            java.util.Set<String> joined = Membership.askJoined(config, parameters);
            if (joined != null && joined.contains(config.self())) {
                throw new IOException(Membership.wipedMessage(config));
            }
        }
        GroupMember member = new GroupMember(config, bindHost, parameters, leadership);
        try {
            member.server.start();
            if (config.rejoin()) {
                LOG.log(System.Logger.Level.INFO, "group member " + config.self() + " rejoins as a new member: the"
                        + " leader removes it and adds it back once it caught up");
                Membership.rejoin(config, parameters, member::countedInConfiguration);
                LOG.log(System.Logger.Level.INFO, "group member " + config.self() + " rejoined the group");
            }
        } catch (IOException | RuntimeException e) {
            member.close();
            throw e;
        }
        member.roles.scheduleWithFixedDelay(member::recordJoined, 1, 1, TimeUnit.SECONDS);
        SilentPeerChannels channels = new SilentPeerChannels(config.self(), member.new RatisPeers(),
                SILENT_PEER_MILLIS, () -> System.nanoTime() / 1_000_000);
        member.watchdog.scheduleWithFixedDelay(() -> {
            try {
                channels.check();
            } catch (RuntimeException e) { // e.g. Raft closing: the next turn checks again
                LOG.log(System.Logger.Level.DEBUG, "group member " + config.self() + ": checking the peers'"
                        + " connections failed: " + e);
            }
        }, SILENT_PEER_MILLIS, SILENT_PEER_MILLIS / 4, TimeUnit.MILLISECONDS);
        return member;
    }

    /**
     * How long a peer may be silent (or this member without a leader) before this member rebuilds its connections:
     * the longest election timeout, four heartbeats, or one failed election round; a rebuilt channel costs a name
     * lookup and a TLS handshake, a dead one an election that cannot finish.
     */
    static final long SILENT_PEER_MILLIS = ELECTION_MAX_MILLIS;

    /** {@link SilentPeerChannels}' view of Ratis: the role, the followers' silence, and the channels to rebuild. */
    private final class RatisPeers implements SilentPeerChannels.View {
        @Override
        public boolean isLeader() {
            return division().getInfo().isLeader();
        }

        @Override
        public boolean knowsLeader() {
            return division().getInfo().getLeaderId() != null;
        }

        @Override
        public java.util.Map<RaftPeerId, Long> followerSilenceMillis() {
            java.util.Map<RaftPeerId, Long> silence = new java.util.HashMap<>();
            for (org.apache.ratis.proto.RaftProtos.ServerRpcProto f
                    : division().getInfo().getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
                silence.put(RaftPeerId.valueOf(f.getId().getId()), f.getLastRpcElapsedTimeMs());
            }
            return silence;
        }

        @Override
        public List<RaftPeerId> peers() {
            List<RaftPeerId> peers = new ArrayList<>();
            for (GroupConfig.Member m : config.members()) {
                if (!m.id().equals(config.self())) {
                    peers.add(RaftPeerId.valueOf(m.id()));
                }
            }
            return peers;
        }

        @Override
        public void rebuild(RaftPeerId peer, String why) {
            // closing the old channel waits up to 5 s for its calls: not on the checking thread
            rebuilds.execute(() -> server.getServerRpc().handleException(peer, new IOException(why), true));
        }

        private RaftServer.Division division() {
            try {
                return server.getDivision(GROUP_ID);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * Runs on the roles thread while this member serves: adds to the replicated joined set every member that has
     * acknowledged entries (so that one which later lost its log is recognised, {@link Membership}).
     */
    private void recordJoined() {
        long term = servingTerm;
        if (term < 0) {
            return;
        }
        try {
            java.util.Set<String> joined = Membership.joined(store);
            java.util.Set<String> now = new java.util.TreeSet<>(joined);
            now.add(config.self());
            for (org.apache.ratis.proto.RaftProtos.CommitInfoProto c
                    : server.getDivision(GROUP_ID).getCommitInfos()) {
                String id = RaftPeerId.valueOf(c.getServer().getId()).toString();
                if (c.getCommitIndex() > 0 && config.member(id) != null) {
                    now.add(id);
                }
            }
            if (!now.equals(joined)) {
                submit(term, Membership.entry(now)); // a failure is retried at the next turn
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "group member " + config.self() + " could not record the members"
                    + " that joined: " + e);
        }
    }

    /** The group as given. */
    public GroupConfig config() {
        return config;
    }

    /** The leader's RMI URL as this member knows it, or null during an election. */
    public String leaderUrl() {
        RaftPeerId l = leader;
        GroupConfig.Member m = l == null ? null : config.member(l.toString());
        return m == null ? null : m.rmiUrl();
    }

    /** The operator's one line about a leader change: "became leader in term T" or "leader is now rX (term T)". */
    private void logLeader(RaftPeerId newLeader) {
        long term;
        try {
            term = currentTerm();
        } catch (IOException e) {
            return; // closing
        }
        if (newLeader == null) {
            LOG.log(System.Logger.Level.INFO, "group member " + config.self() + ": no leader in term " + term
                    + " (election)");
        } else if (newLeader.equals(self)) {
            LOG.log(System.Logger.Level.INFO, "group member " + config.self() + " became leader in term " + term);
        } else {
            LOG.log(System.Logger.Level.INFO, "group member " + config.self() + ": leader is now " + newLeader
                    + " (term " + term + ")");
        }
    }

    /** The term this member serves in, or -1 if it does not serve. */
    public long servingTerm() {
        return servingTerm;
    }

    /** The index of the last log entry this member applied to its store (0 before the first). */
    public long appliedIndex() {
        try {
            return server.getDivision(GROUP_ID).getInfo().getLastAppliedIndex();
        } catch (IOException e) {
            return -1; // the server is closed
        }
    }

    /** The index of the first entry this member's Raft log still holds (the entries before are purged). */
    public long logStartIndex() {
        try {
            return server.getDivision(GROUP_ID).getRaftLog().getStartIndex();
        } catch (IOException e) {
            return -1;
        }
    }

    /** The last log index this member's newest snapshot includes, or -1 if it has none. */
    public long snapshotIndex() {
        try {
            org.apache.ratis.statemachine.SnapshotInfo s = server.getDivision(GROUP_ID).getStateMachine()
                    .getLatestSnapshot();
            return s == null ? -1 : s.getIndex();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * This member's view of the group: its Raft role, term and log positions, and, if it leads, what it knows of
     * each follower (the commit index the follower last reported, and how long ago it answered).
     */
    public io.jmanager.wire.GroupStatus status() throws IOException {
        RaftServer.Division division = server.getDivision(GROUP_ID);
        org.apache.ratis.server.DivisionInfo info = division.getInfo();
        RaftPeerId leaderId = info.getLeaderId();
        java.util.Map<String, Long> commits = new java.util.HashMap<>();
        java.util.Map<String, Long> contact = new java.util.HashMap<>();
        if (info.isLeader()) {
            for (org.apache.ratis.proto.RaftProtos.CommitInfoProto c : division.getCommitInfos()) {
                commits.put(RaftPeerId.valueOf(c.getServer().getId()).toString(), c.getCommitIndex());
            }
            for (org.apache.ratis.proto.RaftProtos.ServerRpcProto f
                    : info.getRoleInfoProto().getLeaderInfo().getFollowerInfoList()) {
                contact.put(RaftPeerId.valueOf(f.getId().getId()).toString(), f.getLastRpcElapsedTimeMs());
            }
            contact.put(config.self(), 0L);
        }
        long commitIndex = division.getRaftLog().getLastCommittedIndex();
        commits.putIfAbsent(config.self(), commitIndex);
        List<io.jmanager.wire.GroupStatus.Member> members = new ArrayList<>();
        for (GroupConfig.Member m : config.members()) {
            members.add(new io.jmanager.wire.GroupStatus.Member(m.id(), m.rmiUrl(), m.raftAddress(),
                    commits.getOrDefault(m.id(), -1L), contact.getOrDefault(m.id(), -1L)));
        }
        org.apache.ratis.server.protocol.TermIndex last = division.getRaftLog().getLastEntryTermIndex();
        return new io.jmanager.wire.GroupStatus(config.self(), info.getCurrentRole().name().toLowerCase(
                java.util.Locale.ROOT), servingTerm >= 0, info.getCurrentTerm(),
                leaderId == null ? null : leaderId.toString(), commitIndex, info.getLastAppliedIndex(),
                snapshotIndex(), division.getRaftLog().getStartIndex(), last == null ? -1 : last.getIndex(),
                members.toArray(new io.jmanager.wire.GroupStatus.Member[0]));
    }

    /** Whether this member's committed, stable configuration counts it as a voting member. */
    private boolean countedInConfiguration() {
        try {
            RaftServer.Division division = server.getDivision(GROUP_ID);
            org.apache.ratis.server.RaftConfiguration conf = division.getRaftConf();
            return conf.getPreviousPeers().isEmpty() && conf.getCurrentPeers().stream()
                    .anyMatch(p -> p.getId().equals(self))
                    && division.getRaftLog().getLastCommittedIndex() >= conf.getLogEntryIndex();
        } catch (IOException e) {
            return false;
        }
    }

    /** The members the replicated state records as having taken part in the group ({@link Membership}). */
    public java.util.Set<String> joinedMembers() {
        return Membership.joined(store);
    }

    /** This member's committed records (read-only use: status and tests). */
    public ReplicaStore store() {
        return store;
    }

    /** How many records this member's store holds (applied from the log or loaded from a snapshot). */
    public long storedRecords() {
        return store.size();
    }

    private long currentTerm() throws IOException {
        return server.getDivision(GROUP_ID).getInfo().getCurrentTerm();
    }

    private boolean leads() throws IOException {
        return server.getDivision(GROUP_ID).getInfo().isLeader();
    }

    /**
     * Expert tuning and diagnosis: every system property named {@code raft.*} (for example
     * {@code -Draft.server.log.appender.wait-time.min=0ms}) is set on the Raft properties last, over jmanager's
     * choices; each one is logged at start (docs/group.md, "Ratis settings").
     */
    private void overrideFromSystemProperties(RaftProperties properties) {
        for (String name : new java.util.TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (name.startsWith("raft.")) {
                String value = System.getProperty(name);
                properties.set(name, value);
                LOG.log(System.Logger.Level.WARNING, "group member " + config.self() + ": Raft setting " + name + "="
                        + value + " from a system property, over jmanager's own");
            }
        }
    }

    /** Whether Raft sees this member as the leader now (false while it closes). */
    public boolean leadsNow() {
        try {
            return leads();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Runs on the roles thread (or in {@link #close()}, once that thread ended): stops serving, if it did. */
    private void stop(String why) {
        if (servingTerm >= 0) {
            servingTerm = -1;
            leadership.stopped(why);
        }
    }

    /**
     * Runs on the roles thread: if this member leads and does not serve, appends a barrier in its term; once it
     * is applied, the store holds every committed change, and the member serves.
     */
    private void serveIfLeader() {
        try {
            if (!leads()) {
                return;
            }
            long term = currentTerm();
            if (servingTerm == term) {
                return;
            }
            if (servingTerm >= 0) {
                stop("a new term " + term + " began"); // elected again: the live state of the old term is not the log's
            }
            submit(term, NO_CHANGES).get(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (leads() && currentTerm() == term && servingTerm < 0) {
                servingTerm = term;
                LOG.log(System.Logger.Level.INFO, "group member " + config.self() + " leads in term " + term
                        + " and serves (" + store.size() + " records)");
                leadership.serving(term, store);
            }
        } catch (IOException | ExecutionException | TimeoutException | RuntimeException e) {
            // not ready yet (Ratis refuses writes until the leader's start-up entry is applied), or a failed barrier:
            // try again while this member leads, or it would lead without serving
            LOG.log(System.Logger.Level.DEBUG, "group member " + config.self() + " not serving yet: " + e);
            if (!roles.isShutdown()) {
                roles.schedule(this::serveIfLeader, RETRY_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The live state of term {@code term} is ahead of the log (a write of it failed): stop serving it, and serve
     * again from the store once it caught up, if this member still leads.
     */
    public void resync(long term) {
        roles.execute(() -> {
            if (servingTerm == term) {
                stop("a write of term " + term + " was not committed");
                serveIfLeader();
            }
        });
    }

    @Override
    public CompletableFuture<Void> submit(long term, byte[] recordEntry) {
        RaftClientRequest request = request(RaftClientRequest.writeRequestType(),
                RecordStateMachine.envelope(term, recordEntry));
        CompletableFuture<RaftClientReply> reply;
        try {
            reply = server.submitClientRequestAsync(request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(notLeader("the write could not be appended (" + e.getMessage()
                    + ")"));
        }
        return reply.handle((r, e) -> {
            if (e != null) {
                throw notLeader("the write was not committed (" + e.getMessage() + ")");
            }
            if (!r.isSuccess()) {
                throw notLeader("the write was not committed (" + (r.getException() == null ? "refused"
                        : r.getException().getMessage()) + ")");
            }
            if (!RecordStateMachine.APPLIED.equals(r.getMessage().getContent())) {
                throw notLeader("the write was appended in a later term than it was computed in, so it changed"
                        + " nothing");
            }
            return null;
        });
    }

    @Override
    public void confirmLeadership(long term) {
        RaftClientRequest request = request(RaftClientRequest.readRequestType(), new byte[0]);
        try {
            RaftClientReply r = server.submitClientRequestAsync(request).get(READ_TIMEOUT_SECONDS + 1,
                    TimeUnit.SECONDS);
            if (!r.isSuccess()) {
                throw notLeader("it could not confirm that it still leads (" + (r.getException() == null ? "refused"
                        : r.getException().getMessage()) + ")");
            }
            if (servingTerm != term || currentTerm() != term) {
                throw notLeader("its term ended");
            }
        } catch (IOException | ExecutionException | TimeoutException e) {
            throw notLeader("it could not confirm that it still leads (" + e + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notLeader("interrupted while confirming that it leads");
        }
    }

    private RaftClientRequest request(RaftClientRequest.Type type, byte[] content) {
        return RaftClientRequest.newBuilder().setClientId(clientId).setServerId(self).setGroupId(GROUP_ID)
                .setCallId(callIds.incrementAndGet()).setMessage(Message.valueOf(ByteString.copyFrom(content)))
                .setType(type).build();
    }

    /** The refusal of a member that does not serve, naming the leader if it is known. */
    public NotLeaderException notLeader(String why) {
        String url = leaderUrl();
        return new NotLeaderException("registry group member " + config.self() + " (" + config.me().rmiUrl()
                + ") does not lead: " + why + "; " + (url == null ? "the group is electing a leader, retry shortly"
                : "the leader is " + leader + " at " + url) + ". Give Manager.connect every member's address"
                + " (rmi://hostA:1099,hostB:1099,hostC:1099) and it follows the leader by itself", url);
    }

    /**
     * Stops serving first, then closes Raft: while Raft shuts down (it can take seconds) this member must not go on
     * answering, or its workers would renew their sessions here while the next leader, already elected, lets their
     * leases run out. Its workers' liveness connections close now, so they look for the next leader at once.
     */
    @Override
    public void close() {
        roles.shutdownNow(); // no role change makes it serve again
        watchdog.shutdownNow();
        rebuilds.shutdown();
        try {
            if (!roles.awaitTermination(READ_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "group member " + config.self() + ": its role thread did not"
                        + " stop within " + READ_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        stop("the registry closed");
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "group member " + config.self() + ": closing Raft failed: " + e);
        }
    }
}
