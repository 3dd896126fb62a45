package io.jmanager;

import io.jmanager.wire.ClientSocketFactory;
import io.jmanager.wire.ClientTransport;
import io.jmanager.wire.RemoteManager;
import io.jmanager.wire.SessionGrant;
import io.jmanager.wire.TlsClientSocketFactory;
import java.io.IOException;
import java.rmi.NotBoundException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A manager's link to its registry: the current session (root stub, grant, liveness channel), its renewal, and
 * its recovery. A session is <em>lost</em> when the registry ends it (lease ran out, closed by an operator), when
 * its liveness channel breaks, when this worker has not renewed it within the lease (paused or cut off: then the
 * registry has released its locks, whatever this worker believes), or when the registry restarted (another epoch).
 * The first call that finds the session lost opens a new one and fails with {@link SessionExpiredException}
 * saying what was lost; later calls run in the new session. Thread-safe.
 *
 * <p>With a registry group (several members) the session is the group's, not one member's (docs/group.md): when its
 * member stops serving (dead, deposed, or serving a new term with a new epoch), the connection looks for the member
 * that serves and <em>follows</em> it: it renews the session there, attaches a new liveness connection and moves
 * every later call there ({@link #route()} changes, so proxies resolve their objects again). Only if the new leader
 * does not know the session (it expired: this worker stayed away longer than its lease) is the session lost.
 */
final class RegistryConnection implements AutoCloseable {
    /** One session on one registry incarnation. */
    private record Session(RemoteManager root, SessionGrant grant, LivenessChannel liveness, long epoch) {
        long id() {
            return grant.sessionId();
        }
    }

    /** The registry, or every member of a registry group (docs/group.md). */
    private final java.util.List<RegistryUrl> members;
    /** The member the current session is with (the group's leader when it was opened). */
    private volatile RegistryUrl url;
    private final String urlText;
    private final ManagerOptions options;
    private final ScheduledExecutorService keeper;
    private final Object recovery = new Object();
    private volatile Session current;
    private volatile long renewedNanos;
    private volatile String lostReason;
    private volatile boolean closed;
    private volatile long generation;
    private volatile long route;
    /**
     * Set when a call to the session's group member was cut off and no other member served within the connect
     * timeout ({@link #followAnotherLeader}); cleared when the session follows a member that serves, or its member
     * is found serving still. While set, a call waits for the member that serves before it is sent
     * ({@code Calls}), instead of connecting to the member that cut the last one off.
     */
    private volatile boolean leaderUnknown;

    private RegistryConnection(java.util.List<RegistryUrl> members, ManagerOptions options) {
        this.members = members;
        this.url = members.get(0);
        this.urlText = members.size() == 1 ? url.toString() : "rmi://" + String.join(",",
                members.stream().map(u -> u.host() + ":" + u.port()).toList());
        this.options = options;
        this.keeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jmanager-lease-keeper");
            t.setDaemon(true);
            return t;
        });
    }

    /** Connects and opens the first session; {@link RegistryUnavailableException} if the registry cannot be reached. */
    static RegistryConnection open(java.util.List<RegistryUrl> members, ManagerOptions options) {
        RegistryConnection c = new RegistryConnection(members, options);
        c.install(c.openSession());
        long period = Math.max(20, c.current.grant().leaseMillis() / 4);
        c.keeper.scheduleWithFixedDelay(c::renew, period, period, TimeUnit.MILLISECONDS);
        return c;
    }

    private void install(Session s) {
        generation++;
        route++;
        renewedNanos = System.nanoTime();
        current = s;
        lostReason = null;
    }

    private RemoteManager lookupRoot() throws Exception {
        return lookupRoot(url);
    }

    private RemoteManager lookupRoot(RegistryUrl url) throws Exception {
        Registry registry = LocateRegistry.getRegistry(url.host(), url.port(), socketFactory());
        try {
            return (RemoteManager) registry.lookup(RemoteManager.BINDING);
        } catch (NotBoundException e) {
            throw new RegistryUnavailableException(urlText, "an RMI registry answered, but it serves no jmanager"
                    + " registry", e);
        } catch (ClassCastException e) {
            throw new RegistryUnavailableException(urlText, "the RMI binding '" + RemoteManager.BINDING
                    + "' there is not a jmanager registry", e);
        }
    }

    /** The factory for connections this worker opens itself (the registry's stubs carry their own). */
    private java.rmi.server.RMIClientSocketFactory socketFactory() {
        return options.tls() != null ? new TlsClientSocketFactory() : new ClientSocketFactory();
    }

    /**
     * Opens a session with the registry, or with the leader of a registry group. All members are asked at once
     * which one serves ({@link #firstServing}, waiting through an election for at most the connect timeout); the
     * session is opened there. If none served, each member that answered is tried in turn (the current member
     * first, then the leader a refusing member names), so that the error says what each answered (a wrong key, not
     * the leader, refused); a member that did not answer at all is not asked twice.
     */
    private Session openSession() {
        if (members.size() == 1) {
            return openSessionAt(url);
        }
        java.util.List<RegistryUrl> order = new java.util.ArrayList<>(members);
        order.remove(url);
        order.add(0, url);
        Asked asked = firstServing(order, true);
        java.util.List<String> refusals = new java.util.ArrayList<>();
        for (RegistryUrl m : asked.silent()) {
            order.remove(m);
            refusals.add(m + ": no answer within the connect timeout");
        }
        if (asked.serving() != null) {
            order.remove(asked.serving().member());
            order.add(0, asked.serving().member());
        }
        for (int i = 0; i < order.size(); i++) {
            RegistryUrl candidate = order.get(i);
            try {
                Session s = openSessionAt(candidate);
                url = candidate;
                return s;
            } catch (NotLeaderException e) {
                refusals.add(candidate + ": not the leader");
                RegistryUrl hint = leaderHint(e);
                int at = hint == null ? -1 : order.indexOf(hint);
                if (at > i + 1) { // try the named leader next
                    order.remove(at);
                    order.add(i + 1, hint);
                }
            } catch (RegistryUnavailableException e) {
                refusals.add(candidate + ": " + e.getMessage());
            }
        }
        throw new RegistryUnavailableException(urlText, "no member of the registry group serves now (it is"
                + " electing a leader, or too few members run to form a majority): " + String.join("; ", refusals),
                null);
    }

    /** The leader a refusing group member names, if it is one of the members this worker was given. */
    private RegistryUrl leaderHint(NotLeaderException e) {
        if (e.leaderUrl() == null) {
            return null;
        }
        try {
            RegistryUrl hint = RegistryUrl.parse(e.leaderUrl());
            return members.contains(hint) ? hint : null;
        } catch (IllegalArgumentException bad) {
            return null;
        }
    }

    private Session openSessionAt(RegistryUrl url) {
        boolean outermost = ClientTransport.beginCall();
        try {
            RemoteManager root = lookupRoot(url);
            SessionGrant grant = root.openSession(localHost(), ProcessHandle.current().pid(),
                    options.lease().toMillis());
            Session[] self = new Session[1];
            LivenessChannel liveness;
            try {
                liveness = openLiveness(url, grant.sessionId(), self);
            } catch (IOException e) {
                root.closeSession(grant.sessionId());
                throw e;
            }
            self[0] = new Session(root, grant, liveness, grant.epoch());
            return self[0];
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            String where = url.toString();
            RuntimeException translated = Rpc.translate(where, "the registry", e);
            throw translated instanceof RegistryUnavailableException || translated instanceof AuthenticationException
                    || Rpc.filterRejection(e) != null
                    ? translated : new RegistryUnavailableException(where, Rpc.rootMessage(e), e);
        } finally {
            ClientTransport.endCall(outermost);
        }
    }

    /**
     * Opens the liveness connection of session {@code id} to {@code member}; {@code self[0]} is set to the session
     * once it exists. When it breaks, a single registry's session is lost (the registry ends it too); a group's
     * session may live on with the next leader, so the connection looks for it at once.
     */
    private LivenessChannel openLiveness(RegistryUrl member, long id, Session[] self) throws IOException {
        return LivenessChannel.open(socketFactory(), member.host(), member.port(), id, () -> {
            if (members.size() == 1) {
                markLost(self[0], "the connection to the registry broke");
            } else if (!closed) {
                try {
                    keeper.execute(() -> chaseLeader(self[0]));
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // closing
                }
            }
        });
    }

    /**
     * On the keeper thread, after session {@code s}'s liveness connection to its group member broke: probes until
     * the session follows the member that serves (or is found lost), pausing between probes, for at most one lease
     * (then {@link #check()} finds it lost anyway). Without it the session would wait for its next renewal.
     */
    private void chaseLeader(Session s) {
        long deadline = System.nanoTime() + s.grant().leaseMillis() * 1_000_000;
        for (int attempt = 0; !closed && current == s && lostReason == null && System.nanoTime() < deadline;
             attempt++) {
            if (probe() != Probe.UNKNOWN) {
                return;
            }
            try {
                Thread.sleep(options.backoffMillis(Math.min(attempt, 1)));
            } catch (InterruptedException e) {
                return; // closing
            }
        }
    }

    /** This host's name for the registry's session list, looked up within the connect timeout. */
    private static String localHost() {
        return ClientTransport.localHostName();
    }

    String url() {
        return urlText;
    }

    ManagerOptions options() {
        return options;
    }

    RemoteManager root() {
        return current.root();
    }

    SessionGrant grant() {
        return current.grant();
    }

    long sessionId() {
        return current.id();
    }

    /**
     * Counts the sessions this connection has had: a new value means a new session, even where a restarted
     * registry reuses a session id.
     */
    long generation() {
        return generation;
    }

    long epoch() {
        return current.epoch();
    }

    /**
     * Changes whenever calls go to another registry incarnation or member: a new session, or (in a group) the
     * session followed a new leader. Object handles resolved under another route must be resolved again.
     */
    long route() {
        return route;
    }

    /** True when this connection was given several members: a registry group. */
    boolean isGroup() {
        return members.size() > 1;
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Makes sure calls may go out: if the session is lost, opens a new one and throws
     * {@link SessionExpiredException} naming what was lost.
     *
     * @throws RegistryUnavailableException if a new session is needed but the registry cannot be reached
     */
    void check() {
        Session s = current;
        if (lostReason == null) {
            long silentMillis = (System.nanoTime() - renewedNanos) / 1_000_000;
            if (silentMillis > s.grant().leaseMillis() && isGroup() && !closed) {
                // a group's new leader restarts every lease when it begins to serve, so a session this worker
                // could not renew for a lease (while no member served) may well live: the group's answer decides
                renew();
                s = current;
                silentMillis = (System.nanoTime() - renewedNanos) / 1_000_000;
            }
            if (lostReason == null && silentMillis > s.grant().leaseMillis()) {
                markLost(s, "this worker did not renew its lease for " + silentMillis + " ms (the lease is "
                        + s.grant().leaseMillis() + " ms): it was paused or cut off");
            }
        }
        if (lostReason != null) {
            recover(s);
        }
    }

    /** Records that session {@code s} is lost, unless it was replaced already. */
    void markLost(Session s, String why) {
        if (s != null && current == s && lostReason == null && !closed) {
            lostReason = why;
        }
    }

    private void recover(Session lost) {
        synchronized (recovery) {
            if (closed || current != lost) {
                return; // closed meanwhile (the caller reports it), or another thread recovered: go on
            }
            String why = lostReason;
            Session fresh = null;
            RuntimeException failure = null;
            for (int attempt = 0; fresh == null && attempt <= options.reconnectAttempts(); attempt++) {
                try {
                    fresh = openSession();
                } catch (RegistryUnavailableException e) {
                    failure = e;
                    pause(attempt);
                }
            }
            if (fresh == null) {
                throw failure;
            }
            lost.liveness().close();
            boolean outermost = ClientTransport.beginCall();
            try {
                lost.root().closeSession(lost.id());
            } catch (Exception e) {
                // the old registry or session is gone already
            } finally {
                ClientTransport.endCall(outermost);
            }
            install(fresh);
            // a group's members serve terms with epochs of their own: a new one there is not a restart (the reason says
            // why the session was lost: expired while this worker could not reach the new leader)
            boolean restarted = !isGroup() && fresh.grant().epoch() != lost.epoch();
            throw new SessionExpiredException("session " + lost.id() + " with the registry at " + urlText
                    + " ended: " + why + (!restarted ? "" : fresh.grant().durable()
                    ? "; the registry restarted on its data directory, so objects and their contents are as they"
                    + " were, but sessions and lock holds did not survive"
                    : "; the registry restarted, so objects kept only in its memory are gone")
                    + ". Locks it held were released and may belong to others now; its waits"
                    + " were cancelled. This manager goes on in new session " + fresh.id()
                    + (restarted ? " of the restarted registry" : ""));
        }
    }

    private void pause(int attempt) {
        try {
            Thread.sleep(options.backoffMillis(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException(urlText, "interrupted while reconnecting", e);
        }
    }

    /** Renews the lease; on failure finds out whether the session or the registry is gone. */
    private void renew() {
        Session s = current;
        if (closed || lostReason != null) {
            return;
        }
        boolean outermost = ClientTransport.beginCall();
        try {
            long epoch = s.root().renewSession(s.id());
            if (epoch != s.epoch()) {
                if (isGroup()) {
                    probe(); // the member serves a new term: follow the session there
                } else {
                    markLost(s, "the registry restarted");
                }
            } else if (current == s) {
                renewedNanos = System.nanoTime();
            }
        } catch (SessionExpiredException e) {
            markLost(s, "the registry ended it (" + e.getMessage() + ")");
        } catch (Exception e) {
            probeRestart();
        } finally {
            ClientTransport.endCall(outermost);
        }
    }

    /**
     * After a failed call: looks the registry up again; if it answers with another epoch, the session is lost
     * (the registry restarted). Returns true in that case.
     */
    boolean probeRestart() {
        return probe() == Probe.RESTARTED;
    }

    /** What {@link #probe()} found out about the registry at this connection's address. */
    enum Probe {
        /** The registry this session belongs to answered. */
        SAME,
        /** Another registry answers there: the session is marked lost, the next check reports it. */
        RESTARTED,
        /** Nothing answered as a jmanager registry yet (unreachable, or starting: its root not bound yet). */
        UNKNOWN,
        /** A registry group's session now goes to the member that serves (the new leader): retry there. */
        MOVED
    }

    /**
     * Asks the registry's root for its epoch; a new epoch marks the session lost (see {@link #check()}).
     *
     * <p>In a registry group every member is asked at once, through an election (a member that answers that it
     * does not lead is asked again after a pause), until one serves or the connect timeout has passed: the session
     * stays ({@link Probe#SAME}) if its member still serves in the session's term, else follows the member that
     * serves. A member that died with its host or container answers nothing until the connect timeout; asked
     * after the others (as before 2026-12-07), it made every probe that found no leader yet wait out that timeout
     * even when a new leader began to serve meanwhile.
     */
    Probe probe() {
        Session s = current;
        RegistryUrl at = url;
        boolean outermost = ClientTransport.beginCall();
        try {
            if (s != current || lostReason != null) {
                return Probe.RESTARTED; // replaced or lost meanwhile: the next check tells
            }
            if (isGroup()) {
                return probeGroup(s, at, members, true);
            }
            RemoteManager root = lookupRoot(at);
            if (root.epoch() != s.epoch()) {
                markLost(s, "the registry restarted");
                return Probe.RESTARTED;
            }
            return Probe.SAME;
        } catch (Exception e) {
            return Probe.UNKNOWN; // unreachable, or its root not bound yet
        } finally {
            ClientTransport.endCall(outermost);
        }
    }

    /**
     * After a call to the session's group member was cut off mid-call (the member died or stopped serving): asks
     * only the other members, pausing between rounds, until one serves (the session follows it there) or the
     * connect timeout has passed. The member that cut the call off is not asked: if it died with its host or
     * container, a connect there would wait out that timeout, and the caller's next call with it. So a worker
     * whose leader was killed mid-call sends its next call to the new leader as soon as one serves.
     */
    void followAnotherLeader() {
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        RegistryUrl cutOff = url; // unchanged until the session follows another member, which ends the loop
        java.util.List<RegistryUrl> others = new java.util.ArrayList<>(members);
        others.remove(cutOff);
        for (int attempt = 0; !closed && lostReason == null && System.nanoTime() < deadline; attempt++) {
            Probe found;
            boolean outermost = ClientTransport.beginCall();
            try {
                found = probeGroup(current, cutOff, others, false);
            } finally {
                ClientTransport.endCall(outermost);
            }
            if (found != Probe.UNKNOWN) {
                return;
            }
            try {
                Thread.sleep(options.backoffMillis(Math.min(attempt, 1)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        leaderUnknown = true; // no member serves yet: the next call waits for one rather than for a dead member
    }

    /** See {@link #leaderUnknown}. */
    boolean leaderUnknown() {
        return leaderUnknown;
    }

    /**
     * Asks {@code candidates} which of them serves ({@link #firstServing}): the session stays ({@link Probe#SAME})
     * if that is its member {@code at} in the session's term, else follows the member that serves there (or is
     * marked lost if that member does not know it); {@link Probe#UNKNOWN} if none served.
     */
    private Probe probeGroup(Session s, RegistryUrl at, java.util.List<RegistryUrl> candidates,
                             boolean throughElection) {
        Serving serving = firstServing(candidates, throughElection).serving();
        if (serving == null) {
            return Probe.UNKNOWN;
        }
        if (serving.member().equals(at) && serving.epoch() == s.epoch()) {
            leaderUnknown = false;
            return Probe.SAME;
        }
        return follow(s, serving.member(), serving.root(), serving.epoch());
    }

    /** A group member that answered as serving: its root and the epoch (term) it serves in. */
    private record Serving(RegistryUrl member, RemoteManager root, long epoch) {
    }

    /** What asking the members found: the first that serves (or null), and those that never answered. */
    private record Asked(Serving serving, java.util.List<RegistryUrl> silent) {
    }

    /** Threads that ask group members at once; idle ones end after a minute. */
    private static final java.util.concurrent.ExecutorService ASKERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jmanager-group-ask");
        t.setDaemon(true);
        return t;
    });

    /**
     * Asks {@code candidates} at once which of them serves (only a group's leader answers its root's epoch), for at
     * most the connect timeout, and returns the first that does. Asking one after the other would wait out the
     * connect timeout at each member that died with its host, or the read timeout at one that hangs, before asking
     * the next. With {@code throughElection}, a member that answers that it is not the leader is asked again
     * after a pause (an election may be under way) until the timeout; a member that refuses otherwise (down, a
     * wrong key) is not.
     */
    private Asked firstServing(java.util.List<RegistryUrl> candidates, boolean throughElection) {
        long deadline = System.nanoTime() + options.connectTimeout().toNanos();
        java.util.concurrent.ExecutorCompletionService<Serving> answers =
                new java.util.concurrent.ExecutorCompletionService<>(ASKERS);
        java.util.Map<java.util.concurrent.Future<Serving>, RegistryUrl> asked = new java.util.HashMap<>();
        for (RegistryUrl member : candidates) {
            asked.put(answers.submit(() -> ask(member, throughElection, deadline)), member);
        }
        try {
            while (!asked.isEmpty()) {
                java.util.concurrent.Future<Serving> answer = answers.poll(deadline - System.nanoTime(),
                        TimeUnit.NANOSECONDS);
                if (answer == null) {
                    break; // those still asked did not answer in time
                }
                asked.remove(answer);
                try {
                    return new Asked(answer.get(), java.util.List.of());
                } catch (java.util.concurrent.ExecutionException e) {
                    // not the leader, or unreachable: wait for the next answer
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            asked.keySet().forEach(f -> f.cancel(true));
        }
        return new Asked(null, java.util.List.copyOf(asked.values()));
    }

    /**
     * Asks {@code member} whether it serves; with {@code throughElection}, while it answers that it is not the
     * leader, asks again after a pause until {@code deadline} ({@link System#nanoTime()}).
     */
    private Serving ask(RegistryUrl member, boolean throughElection, long deadline) throws Exception {
        for (int attempt = 0; ; attempt++) {
            boolean outermost = ClientTransport.beginCall();
            try {
                RemoteManager root = lookupRoot(member);
                return new Serving(member, root, root.epoch());
            } catch (NotLeaderException e) {
                long pause = options.backoffMillis(Math.min(attempt, 1));
                if (!throughElection || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pause) - deadline > 0) {
                    throw e;
                }
                Thread.sleep(pause);
            } finally {
                ClientTransport.endCall(outermost);
            }
        }
    }

    /**
     * Moves session {@code s} to {@code member}, which serves with {@code epoch}: renews the session there and
     * attaches a liveness connection. Returns {@link Probe#MOVED}; {@link Probe#RESTARTED} (the session marked
     * lost) if the member does not know the session; {@link Probe#UNKNOWN} if the member stopped answering.
     */
    private Probe follow(Session s, RegistryUrl member, RemoteManager root, long epoch) {
        synchronized (recovery) {
            if (closed || current != s || lostReason != null) {
                return current != s ? Probe.MOVED : Probe.RESTARTED; // another thread moved it, or it is lost
            }
            try {
                long served = root.renewSession(s.id());
                if (served != epoch) {
                    return Probe.UNKNOWN; // yet another term began: the next probe looks again
                }
            } catch (SessionExpiredException e) {
                markLost(s, "the registry group's new leader at " + member + " does not hold it (" + e.getMessage()
                        + ")");
                return Probe.RESTARTED;
            } catch (Exception e) {
                return Probe.UNKNOWN; // not serving after all, or unreachable: the next probe looks again
            }
            Session[] self = new Session[1];
            LivenessChannel liveness;
            try {
                liveness = openLiveness(member, s.id(), self);
            } catch (IOException e) {
                return Probe.UNKNOWN;
            }
            self[0] = new Session(root, s.grant(), liveness, epoch);
            s.liveness().close();
            url = member;
            renewedNanos = System.nanoTime();
            current = self[0];
            route++;
            leaderUnknown = false;
            return Probe.MOVED;
        }
    }

    /** Closes the session: the registry releases its locks and permits at once. Idempotent. */
    @Override
    public void close() {
        synchronized (recovery) {
            if (closed) {
                return;
            }
            closed = true;
        }
        keeper.shutdownNow();
        Session s = current;
        boolean outermost = ClientTransport.beginCall();
        try {
            s.root().closeSession(s.id()); // first: a clean close, not a lost connection
        } catch (Exception e) {
            // the registry is gone or the session already ended: it is over either way
        } finally {
            ClientTransport.endCall(outermost);
        }
        s.liveness().close();
    }
}
