package io.jmanager.registry;

import io.jmanager.RegistryLimitException;
import io.jmanager.SessionExpiredException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry's client sessions and their leases. A session ends when it is closed or when its lease runs out
 * without renewal; then {@code onEnd} releases what it held. Thread-safe.
 *
 * <p>A session's own lease (up to {@code --max-lease}) holds only while its worker's liveness connection is
 * attached, which shows that the worker's process is alive even while it is paused; a session without one (not
 * yet attached, or a client that opens none) expires after at most the table's unattached lease, the registry's
 * default lease ({@code --lease}). So sessions opened by a process that then exits end within that lease, however
 * long a lease they asked for.
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

        Session(long id, String host, long pid, long leaseNanos) {
            this.id = id;
            this.host = host;
            this.pid = pid;
            this.leaseNanos = leaseNanos;
            this.openedMillis = System.currentTimeMillis();
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
            return liveness != null ? leaseNanos : Math.min(leaseNanos, unattachedLeaseNanos);
        }
    }

    private final Map<Long, Session> sessions = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();
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
        Session s = new Session(ids.incrementAndGet(), host, pid, leaseNanos);
        sessions.put(s.id, s);
        observer.sessionOpened(s.id, host, pid, leaseNanos / 1_000_000);
        return s;
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
                end(s.id, SessionEnd.EXPIRED);
            }
        }
    }

    private boolean end(long id, SessionEnd how) {
        Session s = sessions.remove(id);
        if (s != null) {
            onEnd.ended(id, how);
            observer.sessionEnded(id, s.host, s.pid, how, System.currentTimeMillis() - s.openedMillis);
            AutoCloseable connection = s.liveness;
            if (connection != null) {
                try {
                    connection.close();
                } catch (Exception e) {
                    // already closed
                }
            }
        }
        return s != null;
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
        end(session, SessionEnd.CONNECTION_LOST);
    }

    List<Session> snapshot() {
        return new ArrayList<>(sessions.values());
    }

    int size() {
        return sessions.size();
    }
}
