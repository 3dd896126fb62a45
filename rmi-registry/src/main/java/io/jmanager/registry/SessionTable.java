package io.jmanager.registry;

import io.jmanager.RegistryLimitException;
import io.jmanager.SessionExpiredException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry's client sessions and their leases. A session ends when it is closed or when its lease runs out
 * without renewal; then {@code onEnd} releases what it held. Thread-safe.
 *
 * <p>A session's own lease (up to {@code --max-lease}) holds only while its worker's liveness connection is
 * attached, which shows that the worker's process is alive even while it is paused; a session without one (not
 * yet attached, or a client that opens none) expires after at most the table's unattached lease, the registry's
 * default lease ({@code --lease}). So sessions opened by a process that then exits end within that lease, however
 * long a lease they asked for. (A registry group's new leader gives the sessions it restores their own lease until
 * they attach or expire: their workers were alive with the previous leader.)
 *
 * <p>In a registry group ({@link #replicate}) the table is replicated state too (docs/group.md): opening a session
 * and ending it (closed, expired, killed, liveness lost) are log entries of the session table's records, committed
 * before the call answers; renewals stay in the leader's memory. Only the leader ends sessions, on its own clock; a
 * new leader starts every session's lease afresh ({@link #replicate}). Record 0 is the ceiling of session ids (a
 * {@link CeilingCounter}: ids never repeat across leaders), record {@code id} an open session: its lease
 * ({@code long} ms), pid ({@code long}), opening time ({@code long} ms since the epoch) and host (UTF-8). A single
 * registry writes none of this ({@link Records#NONE}).
 */
final class SessionTable implements io.jmanager.wire.Liveness.Listener {
    /** One client session. */
    static final class Session {
        final long id;
        final String host;
        final long pid;
        final long leaseNanos;
        final long openedMillis;
        volatile long renewedNanos;
        volatile AutoCloseable liveness;
        /**
         * Restored by a registry group's new leader and not yet attached there: its own lease holds, not the
         * unattached one, since its worker was alive with the previous leader and needs time to find this one.
         */
        volatile boolean followingLeader;

        Session(long id, String host, long pid, long leaseNanos) {
            this(id, host, pid, leaseNanos, System.currentTimeMillis());
        }

        /** A session whose lease starts now, opened at {@code openedMillis}. */
        Session(long id, String host, long pid, long leaseNanos, long openedMillis) {
            this.id = id;
            this.host = host;
            this.pid = pid;
            this.leaseNanos = leaseNanos;
            this.openedMillis = openedMillis;
            this.renewedNanos = System.nanoTime();
        }

        /** True once its own lease ran out without renewal. */
        boolean expired(long now) {
            return expired(now, Long.MAX_VALUE);
        }

        /** True once the lease in force ran out without renewal. */
        boolean expired(long now, long unattachedLeaseNanos) {
            return now - renewedNanos > effectiveLease(unattachedLeaseNanos);
        }

        /** The lease in force: its own while the liveness connection is attached, else at most the default. */
        long effectiveLease(long unattachedLeaseNanos) {
            return liveness != null || followingLeader ? leaseNanos : Math.min(leaseNanos, unattachedLeaseNanos);
        }
    }

    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    /** Session ids; guarded by {@link #writes}. */
    private CeilingCounter ids = new CeilingCounter();
    /** Orders the table's record writes (group mode) and guards {@link #ids}. */
    private final Object writes = new Object();
    /** Where opens and ends are written: nowhere for a single registry, the group's log for a group's leader. */
    private Records records = Records.NONE;
    private Durability durability = Durability.IN_MEMORY;
    private static final System.Logger LOG = System.getLogger("io.jmanager.registry");
    private final Listener onEnd;
    private final int maxSessions;
    private final long unattachedLeaseNanos;
    private volatile RegistryObserver observer = RegistryObserver.NONE;

    /** Told of every session that ends, once. */
    @FunctionalInterface
    interface Listener {
        void ended(long session, SessionEnd how);
    }

    SessionTable(Listener onEnd) {
        this(onEnd, Integer.MAX_VALUE);
    }

    /** A table that refuses to open more than {@code maxSessions} sessions at once ({@code --max-sessions}). */
    SessionTable(Listener onEnd, int maxSessions) {
        this(onEnd, maxSessions, Long.MAX_VALUE);
    }

    /**
     * A table that also ends sessions without a liveness connection once they are {@code unattachedLeaseNanos}
     * without renewal, whatever their own lease.
     */
    SessionTable(Listener onEnd, int maxSessions, long unattachedLeaseNanos) {
        this.onEnd = onEnd;
        this.maxSessions = maxSessions;
        this.unattachedLeaseNanos = unattachedLeaseNanos;
    }

    /** Tells {@code observer} of every session opened and ended from now on. */
    void observe(RegistryObserver observer) {
        this.observer = observer;
    }

    /** Opens a session; {@link RegistryLimitException} if {@code --max-sessions} are open already. */
    Session open(String host, long pid, long leaseNanos) {
        if (sessions.size() >= maxSessions) {
            expireOverdue(); // make room from sessions that are over, before refusing
            if (sessions.size() >= maxSessions) {
                throw new RegistryLimitException(sessions.size() + " sessions are open on this registry, its limit"
                        + " (--max-sessions); no session was opened. Close unused managers, or start the registry"
                        + " with a larger --max-sessions");
            }
        }
        Session s;
        Durability written;
        long version;
        synchronized (writes) {
            written = durability;
            s = new Session(ids.next(records, 0), host, pid, leaseNanos);
            if (records.durable()) {
                records.put(s.id, encode(s));
            }
            version = written.flush(); // a group's leader appends the open to the log; throws if it stopped
            sessions.put(s.id, s);
        }
        written.awaitVersion(version); // committed by a majority before the worker hears of it
        observer.sessionOpened(s.id, host, pid, leaseNanos / 1_000_000);
        return s;
    }

    private static byte[] encode(Session s) {
        byte[] host = s.host.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return java.nio.ByteBuffer.allocate(24 + host.length).putLong(s.leaseNanos / 1_000_000).putLong(s.pid)
                .putLong(s.openedMillis).put(host).array();
    }

    /**
     * A registry group's leader starts serving a term: the table forgets the sessions of any earlier term (without
     * ending them: they are replicated state) and holds those of {@code stored}, the committed records of the
     * session table, each with its lease started afresh now and no liveness connection (its worker attaches one
     * when it reaches this leader); from now on opens and ends are written to {@code records} and awaited through
     * {@code durability}.
     *
     * @throws IllegalArgumentException if a record is malformed
     */
    void replicate(java.util.List<Map.Entry<Long, byte[]>> stored, Records records, Durability durability) {
        synchronized (writes) {
            retire();
            CeilingCounter restoredIds = new CeilingCounter();
            for (Map.Entry<Long, byte[]> r : stored) {
                if (r.getKey() == 0) {
                    restoredIds.restore(r.getValue());
                    continue;
                }
                java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(r.getValue());
                if (r.getValue().length < 24 || r.getKey() < 0) {
                    throw new IllegalArgumentException("session table: malformed record " + r.getKey());
                }
                long leaseMillis = in.getLong();
                long pid = in.getLong();
                long opened = in.getLong();
                byte[] host = new byte[in.remaining()];
                in.get(host);
                Session s = new Session(r.getKey(), new String(host, java.nio.charset.StandardCharsets.UTF_8), pid,
                        leaseMillis * 1_000_000, opened);
                s.followingLeader = true;
                sessions.put(s.id, s);
            }
            this.ids = restoredIds;
            this.records = records;
            this.durability = durability;
        }
    }

    /**
     * A registry group's member stopped serving its term: forgets every session without ending it (the next leader
     * holds them) and closes their liveness connections, so that their workers look for the new leader.
     */
    void retire() {
        synchronized (writes) {
            List<Session> gone = new ArrayList<>(sessions.values());
            sessions.clear();
            records = Records.NONE;
            durability = Durability.IN_MEMORY;
            for (Session s : gone) {
                closeQuietly(s.liveness);
            }
        }
    }

    /** Renews the lease; throws {@link SessionExpiredException} if the session is gone or already expired. */
    void renew(long id) {
        Session s = live(id);
        s.renewedNanos = System.nanoTime();
    }

    /** Throws {@link SessionExpiredException} unless the session is open and within its lease. */
    void check(long id) {
        live(id);
    }

    private Session live(long id) {
        Session s = sessions.get(id);
        if (s == null) {
            throw new SessionExpiredException("session " + id + " is not open on this registry (closed, expired"
                    + " or opened before a registry restart); its locks were released. Reconnect to continue");
        }
        if (s.expired(System.nanoTime(), unattachedLeaseNanos)) {
            // ended by the reaper thread: ending here could run while an object's mutex is held
            throw new SessionExpiredException("session " + id + " expired: its lease of "
                    + s.effectiveLease(unattachedLeaseNanos) / 1_000_000 + " ms ran out without renewal"
                    + (s.liveness == null && s.leaseNanos > unattachedLeaseNanos ? " (the default lease: it has no"
                    + " liveness connection)" : "") + "; its locks were released. Reconnect to continue");
        }
        return s;
    }

    void close(long id) {
        end(id, SessionEnd.CLOSED);
    }

    /** Ends a session on an operator's request; false if it was not open. */
    boolean kill(long id) {
        return end(id, SessionEnd.KILLED);
    }

    /** Ends every session whose lease ran out. */
    void expireOverdue() {
        long now = System.nanoTime();
        for (Session s : new ArrayList<>(sessions.values())) {
            if (s.expired(now, unattachedLeaseNanos)) {
                endQuietly(s.id, SessionEnd.EXPIRED);
            }
        }
    }

    /**
     * Ends a session on a registry thread (reaper, liveness), where a group leader's failure to commit the end must
     * not stop the thread: the member then rebuilds its state from the log, where the session is still open.
     */
    private void endQuietly(long id, SessionEnd how) {
        try {
            end(id, how);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "session " + id + " (" + how.label() + ") could not be ended: " + e);
        }
    }

    /**
     * Ends a session: first its objects release what it held (each object's change its own log entry in a group),
     * then its record goes (so a leader that dies in between leaves a session that the next leader expires, never
     * a hold of a session it does not know).
     */
    private boolean end(long id, SessionEnd how) {
        Session s = sessions.remove(id);
        if (s != null) {
            Durability written;
            long version;
            onEnd.ended(id, how);
            synchronized (writes) {
                written = durability;
                if (records.durable()) {
                    records.remove(id);
                }
                version = written.flush();
            }
            observer.sessionEnded(id, s.host, s.pid, how, System.currentTimeMillis() - s.openedMillis);
            closeQuietly(s.liveness);
            written.awaitVersion(version);
        }
        return s != null;
    }

    private static void closeQuietly(AutoCloseable connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (Exception e) {
                // already closed
            }
        }
    }

    /** Attaches a worker's liveness connection to its open session; false for an unknown or ended session. */
    @Override
    public boolean attached(long session, AutoCloseable connection) {
        Session s = sessions.get(session);
        if (s == null || s.liveness != null) {
            return false;
        }
        s.liveness = connection;
        if (!sessions.containsKey(session)) { // ended meanwhile
            s.liveness = null;
            return false;
        }
        return true;
    }

    /** The worker's liveness connection ended: its process died or it closed: the session ends now. */
    @Override
    public void lost(long session) {
        endQuietly(session, SessionEnd.CONNECTION_LOST);
    }

    /**
     * Like {@link #lost(long)}, unless {@code connection} is no longer the session's: a group member closes the
     * connections of the sessions of a term it stopped serving, and when it serves again the same session (restored
     * from the log) must not end because an old connection's close arrived late.
     */
    @Override
    public void lost(long session, AutoCloseable connection) {
        Session s = sessions.get(session);
        if (s != null && s.liveness == connection) {
            lost(session);
        }
    }

    List<Session> snapshot() {
        return new ArrayList<>(sessions.values());
    }

    int size() {
        return sessions.size();
    }
}
