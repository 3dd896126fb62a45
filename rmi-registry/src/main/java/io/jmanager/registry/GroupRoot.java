package io.jmanager.registry;

import io.jmanager.registry.group.GroupMember;
import io.jmanager.registry.group.ReplicaStore;
import io.jmanager.wire.LockInfo;
import io.jmanager.wire.ObjectHandle;
import io.jmanager.wire.ObjectInfo;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteManager;
import io.jmanager.wire.SessionGrant;
import io.jmanager.wire.SessionInfo;
import java.rmi.RemoteException;
import java.util.EnumSet;
import java.util.Set;

/**
 * The root object of a registry group member, bound where a single registry binds its {@link ManagerService}: while
 * the member leads, every call goes to the service of its term (objects rebuilt from the committed records, a new
 * epoch, so workers see a new registry incarnation); otherwise every call is refused with
 * {@link io.jmanager.NotLeaderException} naming the leader.
 */
final class GroupRoot implements RemoteManager, io.jmanager.wire.RemoteGroup, GroupMember.Leadership {
    /**
     * The types a group replicates (docs/group.md): each one's whole state is its records, what sessions hold in it
     * is replicated with the sessions, and each blocking call is safe to re-send to a new leader with the same wait
     * id (the worker library does so after a leader change). Every type is, now; a new type joins only once it is.
     */
    static final Set<ObjectType> REPLICATED = EnumSet.allOf(ObjectType.class);
    private static final System.Logger LOG = System.getLogger("io.jmanager.registry");

    /** Builds the service of a term from the committed records. */
    interface Services {
        ManagerService build(ReplicatedDurability durability) throws RemoteException;
    }

    private final Services services;
    private volatile GroupMember member;
    private volatile ManagerService current;
    private ReplicatedDurability currentDurability;

    GroupRoot(Services services) {
        this.services = services;
    }

    void attach(GroupMember member) {
        this.member = member;
    }

    @Override
    public synchronized void serving(long term, ReplicaStore store) {
        ReplicatedDurability durability = new ReplicatedDurability(member, term, store.copy());
        ManagerService service = null;
        try {
            service = services.build(durability);
            service.restoreAll();
            service.restoreSessions(durability);
            currentDurability = durability;
            current = service;
        } catch (RemoteException | RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "group member " + member.config().self() + " cannot serve term "
                    + term + ": " + e);
            durability.retire("it could not rebuild its objects");
            if (service != null) {
                service.retire(() -> member.notLeader("it could not rebuild its objects"));
            }
        }
    }

    @Override
    public synchronized void stopped(String why) {
        ManagerService service = current;
        current = null;
        if (currentDurability != null) {
            currentDurability.retire(why);
            currentDurability = null;
        }
        if (service != null) {
            service.retire(() -> member.notLeader("it stopped serving (" + why + ")"));
            LOG.log(System.Logger.Level.INFO, "group member " + member.config().self() + " stopped serving: "
                    + why);
        }
    }

    /** The service of the current term, or null if this member does not serve now. */
    ManagerService current() {
        return current;
    }

    /** The service of the current term, or the refusal of a member that does not serve. */
    private ManagerService service() {
        ManagerService s = current;
        GroupMember m = member;
        if (m == null) {
            throw new io.jmanager.NotLeaderException("this registry group member is starting its Raft server;"
                    + " retry shortly", null);
        }
        if (s == null) {
            throw m.notLeader(member.leaderUrl() == null ? "the group has no leader yet"
                    : "it is a follower");
        }
        return s;
    }

    @Override
    public SessionGrant openSession(String clientHost, long clientPid, long requestedLeaseMillis) {
        return service().openSession(clientHost, clientPid, requestedLeaseMillis);
    }

    /**
     * Renews only while Raft still sees this member as the leader: a member that lost its leadership and has not
     * stopped serving yet must not keep a worker renewing here while the next leader runs the session's lease out.
     */
    @Override
    public long renewSession(long sessionId) {
        ManagerService s = service();
        if (!member.leadsNow()) {
            throw member.notLeader("it no longer leads");
        }
        return s.renewSession(sessionId);
    }

    @Override
    public void closeSession(long sessionId) {
        service().closeSession(sessionId);
    }

    @Override
    public ObjectHandle getOrCreate(long sessionId, String name, ObjectSpec spec) throws RemoteException {
        return service().getOrCreate(sessionId, name, spec);
    }

    @Override
    public ObjectHandle lookup(String name) {
        return service().lookup(name);
    }

    @Override
    public ObjectInfo[] list() {
        return service().list();
    }

    @Override
    public boolean destroy(String name) {
        return service().destroy(name);
    }

    @Override
    public long epoch() {
        return service().epoch();
    }

    @Override
    public SessionInfo[] sessions() {
        return service().sessions();
    }

    @Override
    public long[] memory() {
        return service().memory();
    }

    @Override
    public LockInfo[] locks() {
        return service().locks();
    }

    @Override
    public boolean killSession(long sessionId) {
        return service().killSession(sessionId);
    }

    @Override
    public long[] beginExport(long sessionId) throws RemoteException {
        return service().beginExport(sessionId);
    }

    @Override
    public byte[] exportPage(long sessionId, long exportId) {
        return service().exportPage(sessionId, exportId);
    }

    @Override
    public long beginImport(long sessionId) {
        return service().beginImport(sessionId);
    }

    @Override
    public void importChunk(long sessionId, long importId, byte[] chunk) {
        service().importChunk(sessionId, importId, chunk);
    }

    @Override
    public long[] finishImport(long sessionId, long importId) throws RemoteException {
        return service().finishImport(sessionId, importId);
    }

    @Override
    public byte[] batch(long sessionId, byte[] request) {
        return service().batch(sessionId, request);
    }

    /** This member's view of the group, answered by every member (no session needed: operators ask followers). */
    @Override
    public io.jmanager.wire.GroupStatus groupStatus() {
        GroupMember m = member;
        if (m == null) {
            throw new IllegalStateException("the group member is still starting its Raft server; ask again");
        }
        try {
            return m.status();
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the group member's Raft server is closed: " + e.getMessage());
        }
    }
}
