package io.jmanager.registry;

import io.jmanager.AuthKey;
import io.jmanager.wire.AuthKeys;
import io.jmanager.wire.ClientSocketFactory;
import io.jmanager.wire.RemoteManager;
import io.jmanager.wire.ServerSecurity;
import io.jmanager.wire.ServerSocketFactory;
import io.jmanager.wire.TlsClientSocketFactory;
import io.jmanager.wire.WireFilter;
import java.io.IOException;
import java.rmi.server.RMIClientSocketFactory;
import java.util.concurrent.atomic.AtomicLong;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.rmi.AlreadyBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.security.SecureRandom;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A running registry: an RMI registry on one port, the root {@link RemoteManager} bound in it as
 * {@value RemoteManager#BINDING}, and every shared object exported on the same port. Start with
 * {@link #start(RegistryConfig)}; {@link #close()} unexports everything. Usable in-process (tests embed it).
 */
public final class RegistryServer implements AutoCloseable {
    private final Registry rmiRegistry;
    private final ManagerService service;
    private final ScheduledExecutorService reaper;
    private final int port;
    private final String advertiseHost;
    private final long epoch;
    private final AuthKeys.Loaded key;
    private final boolean tls;
    private final Refusals refusals;
    private final Durability durability;
    private final Recovery recovery;
    private final io.jmanager.wire.MemoryBudget memory;
    private final ManagerService.Exporter exporter;
    private final SessionTable sessions;
    private final RegistryConfig.Tls tlsConfig;
    private volatile boolean closed;
    /** The Raft member and root of a group member; null for a single registry. */
    private io.jmanager.registry.group.GroupMember group;
    private GroupRoot groupRoot;

    /**
     * What a start on a data directory found.
     *
     * @param objects objects restored
     * @param records records read
     * @param millis  time to open the directory and restore them
     * @param notes   what the start found and accepted with {@code --skip-damaged-records} or
     *                {@code --accept-rollback} (each skipped record, how far back a rollback went); empty for a
     *                clean start
     */
    public record Recovery(long objects, long records, long millis, java.util.List<String> notes) {
    }

    private RegistryServer(Registry rmiRegistry, ManagerService service, ScheduledExecutorService reaper, int port,
                           String advertiseHost, long epoch, AuthKeys.Loaded key, boolean tls, Refusals refusals,
                           Durability durability, Recovery recovery, io.jmanager.wire.MemoryBudget memory,
                           ManagerService.Exporter exporter, SessionTable sessions, RegistryConfig.Tls tlsConfig) {
        this.tlsConfig = tlsConfig;
        this.memory = memory;
        this.exporter = exporter;
        this.sessions = sessions;
        this.durability = durability;
        this.recovery = recovery;
        this.rmiRegistry = rmiRegistry;
        this.service = service;
        this.reaper = reaper;
        this.port = port;
        this.advertiseHost = advertiseHost;
        this.epoch = epoch;
        this.key = key;
        this.tls = tls;
        this.refusals = refusals;
    }

    /** Counts connections refused during their handshake, and reports them at most every 10 s. */
    static final class Refusals implements ServerSecurity.Monitor {
        private static final System.Logger LOG = System.getLogger("io.jmanager.registry");
        private static final long REPORT_NANOS = 10_000_000_000L;
        private final AtomicLong total = new AtomicLong();
        private final AtomicLong sinceReport = new AtomicLong();
        private volatile long lastReport = System.nanoTime() - REPORT_NANOS;
        private final RegistryObserver observer;

        private volatile String last;

        Refusals(RegistryObserver observer) {
            this.observer = observer;
        }

        @Override
        public void refused(java.net.InetAddress address, String reason) {
            observer.connectionRefused(address, reason);
            last = reason;
            total.incrementAndGet();
            long n = sinceReport.incrementAndGet();
            long now = System.nanoTime();
            long last = lastReport;
            if (now - last >= REPORT_NANOS && compareAndSetLast(last, now)) {
                sinceReport.addAndGet(-n);
                LOG.log(System.Logger.Level.WARNING, "refused " + n + " connection(s) that did not authenticate"
                        + " (the last from " + (address == null ? "?" : address.getHostAddress()) + ": " + reason
                        + ")");
            }
        }

        private synchronized boolean compareAndSetLast(long expected, long now) {
            if (lastReport != expected) {
                return false;
            }
            lastReport = now;
            return true;
        }

        long total() {
            return total.get();
        }

        String last() {
            return last;
        }
    }

    /**
     * Starts a registry.
     *
     * <p>Its key is {@link RegistryConfig#authKey()}, else the key file of {@link RegistryConfig#authKeyFile()},
     * else {@code JMANAGER_AUTHKEY}, else {@code JMANAGER_AUTHKEY_FILE}, else {@code ~/.jmanager/authkey}; a
     * missing key file is created with a new random key.
     *
     * <p>It also sets the RMI registry's and the DGC's deserialization filters
     * ({@link WireFilter#installRmiFilterProperties()}), unless the operator set them; they take effect only if no
     * remote object was exported in this JVM before.
     *
     * @throws java.rmi.server.ExportException if the port is in use
     * @throws UnknownHostException            if the bind address does not resolve
     * @throws IOException                     if the key cannot be read or created (the message says which and why)
     * @throws DataDirectoryException          if the data directory is corrupted, foreign or in use
     */
    public static RegistryServer start(RegistryConfig config) throws IOException {
        return start(config, RegistryObserver.NONE);
    }

    /**
     * Starts a registry like {@link #start(RegistryConfig)} that tells {@code observer} what happens in it (sessions,
     * lock grants and recoveries, refused connections, commits, and the time of every remote call if it
     * {@link RegistryObserver#timesOperations() times operations}).
     */
    public static RegistryServer start(RegistryConfig config, RegistryObserver observer) throws IOException {
        long opening = System.nanoTime();
        Durability durability = config.dataDir() == null ? Durability.IN_MEMORY
                : MvStoreDurability.open(config.dataDir(), config.fsync(), config.recovery());
        durability.observe(observer);
        try {
            return start(config, durability, opening, observer);
        } catch (IOException | RuntimeException | Error e) {
            durability.abandon(); // a refused start leaves the data directory as it found it
            throw e;
        }
    }

    /**
     * Starts a member of a registry group ({@code --group}, docs/group.md): its RMI port is the member's, its
     * objects are served only while it leads, and every change is committed by a majority of the group before a
     * call answers. {@link RegistryConfig#dataDir()} is ignored: the member keeps its Raft log in
     * {@link GroupConfig#dataDir()}.
     *
     * @throws IOException if a port, the key or the Raft storage cannot be used
     */
    public static RegistryServer startGroup(RegistryConfig config, io.jmanager.registry.group.GroupConfig group)
            throws IOException {
        return startGroup(config, group, RegistryObserver.NONE);
    }

    /** Like {@link #startGroup(RegistryConfig, io.jmanager.registry.group.GroupConfig)}, telling {@code observer}. */
    public static RegistryServer startGroup(RegistryConfig config, io.jmanager.registry.group.GroupConfig group,
                                            RegistryObserver observer) throws IOException {
        return start(config.withPort(group.me().rmiPort()).withDataDir(null), Durability.IN_MEMORY,
                System.nanoTime(), observer, group);
    }

    private static RegistryServer start(RegistryConfig config, Durability durability, long opening,
                                        RegistryObserver observer) throws IOException {
        return start(config, durability, opening, observer, null);
    }

    private static RegistryServer start(RegistryConfig config, Durability durability, long opening,
                                        RegistryObserver observer, io.jmanager.registry.group.GroupConfig group)
            throws IOException {
        WireFilter.installRmiFilterProperties();
        AuthKeys.Loaded key = config.authKey() != null
                ? new AuthKeys.Loaded(config.authKey(), false, null)
                : AuthKeys.forRegistry(config.authKeyFile(), System.getenv(), AuthKeys.defaultFile());
        InetAddress bind = bindAddress(config.bindAddress());
        String advertise = config.advertiseHost() != null ? config.advertiseHost() : defaultAdvertiseHost(bind);
        System.setProperty("java.rmi.server.hostname", advertise);
        int port = config.port() == 0 ? freePort(bind) : config.port();

        checkProtection(config);
        io.jmanager.wire.MemoryBudget memory = new io.jmanager.wire.MemoryBudget(config.effectiveMemoryBudget());
        long maxCallBytes = config.effectiveMaxCallBytes();
        RegistryConfig.Tls tls = config.tls();
        RMIClientSocketFactory csf = tls == null ? new ClientSocketFactory() : new TlsClientSocketFactory();
        ManagerService[] serviceRef = new ManagerService[1];
        SessionTable sessions = new SessionTable((session, how) -> {
            ManagerService current = serviceRef[0];
            if (current != null) { // null: a group member between terms
                current.sessionEnded(session, how);
            }
        },
                config.limits().maxSessions(), TimeUnit.MILLISECONDS.toNanos(config.leaseMillis()));
        sessions.observe(observer);
        Refusals refusals = new Refusals(observer);
        ServerSecurity security = new ServerSecurity(key.key(), config.handshakeTimeoutMillis(),
                config.maxPendingHandshakes(), tls == null ? null : tls.context(), tls != null && tls.mutual(),
                refusals, new ServerSecurity.Connections(maxCallBytes, config.protection().idleTimeoutMillis(),
                        config.protection().maxConnectionsPerPeer(), memory));
        ServerSocketFactory ssf = new ServerSocketFactory(bind, sessions, security);
        Registry rmiRegistry = LocateRegistry.createRegistry(port, csf, ssf);
        WireFilter filter = wireFilter(config.maxValueBytes(), config.limits().maxBatchItems());
        ManagerService.Exporter exporter = new ManagerService.Exporter() {
            /** Each object as exported: itself, or its timing wrapper when the observer times calls. */
            private final java.util.Map<Remote, Remote> exported = new java.util.concurrent.ConcurrentHashMap<>();

            @Override
            public Remote export(Remote object) throws RemoteException {
                Remote served = TimedRemote.wrap(object, observer);
                exported.put(object, served);
                try {
                    return UnicastRemoteObject.exportObject(served, port, csf, ssf, filter);
                } catch (RemoteException | RuntimeException e) {
                    exported.remove(object);
                    throw e;
                }
            }

            @Override
            public void unexport(Remote object) {
                Remote served = exported.remove(object);
                ManagerService.unexportQuietly(served == null ? object : served);
            }
        };
        long epoch = newEpoch();
        RegistryContext context = new RegistryContext(config.maxValueBytes(),
                Math.min(maxBatchBytes(config.maxValueBytes()), maxCallBytes),
                TimeUnit.MILLISECONDS.toNanos(config.waitSliceMillis()), sessions, name -> {
                    ManagerService current = serviceRef[0];
                    if (current == null) {
                        throw new io.jmanager.NoSuchSharedObjectException("no lock named '" + name + "': this"
                                + " group member does not serve");
                    }
                    return current.lock(name);
                },
                config.limits().maxBatchItems(), config.limits().maxWaitersPerObject(), memory, observer);
        if (group != null) {
            return startMember(config, group, context, exporter, rmiRegistry, serviceRef, port, advertise, key,
                    tls != null, refusals, memory, sessions);
        }
        ManagerService service = new ManagerService(context, exporter, rmiRegistry, epoch, config.leaseMillis(),
                config.limits().maxObjects(), durability).withMaxLease(config.protection().maxLeaseMillis())
                .withMaxCallBytes(maxCallBytes);
        serviceRef[0] = service;
        Recovery recovery = null;
        if (durability.durable()) {
            long[] restored;
            try {
                restored = service.restoreAll();
            } catch (RuntimeException | AssertionError | OutOfMemoryError | StackOverflowError e) {
                // damage found by a check, an exception of the storage engine, or records a state machine refused:
                // one refusal that names the file and what to do, never the exception itself
                service.unexportAll();
                ManagerService.unexportQuietly(rmiRegistry);
                throw MvStoreDurability.startFailure(config.dataDir(), e);
            }
            recovery = new Recovery(restored[0], restored[1], (System.nanoTime() - opening) / 1_000_000,
                    durability.startNotes());
        }
        Remote root = exporter.export(service);
        try {
            rmiRegistry.bind(RemoteManager.BINDING, root);
        } catch (AlreadyBoundException e) {
            throw new IllegalStateException("impossible: a new registry already has a binding", e);
        }
        ScheduledExecutorService reaper = leaseReaper(config, sessions);
        return new RegistryServer(rmiRegistry, service, reaper, port, advertise, epoch, key, tls != null, refusals,
                durability, recovery, memory, exporter, sessions, tls);
    }

    /** Expires overdue sessions every 1/20 of the lease (20 to 500 ms), on a daemon thread of its own. */
    private static ScheduledExecutorService leaseReaper(RegistryConfig config, SessionTable sessions) {
        ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "jmanager-lease-reaper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(20, Math.min(500, config.leaseMillis() / 20));
        reaper.scheduleWithFixedDelay(sessions::expireOverdue, period, period, TimeUnit.MILLISECONDS);
        return reaper;
    }

    /** The rest of {@link #startGroup}: the group's root, the Raft member, the lease reaper. */
    private static RegistryServer startMember(RegistryConfig config, io.jmanager.registry.group.GroupConfig group,
                                              RegistryContext context, ManagerService.Exporter exporter,
                                              Registry rmiRegistry, ManagerService[] serviceRef, int port,
                                              String advertise, AuthKeys.Loaded key, boolean tls, Refusals refusals,
                                              io.jmanager.wire.MemoryBudget memory, SessionTable sessions)
            throws IOException {
        GroupRoot root = new GroupRoot(durability -> {
            ManagerService service = new ManagerService(context, exporter, rmiRegistry, newEpoch(),
                    config.leaseMillis(), config.limits().maxObjects(), durability)
                    .withMaxLease(config.protection().maxLeaseMillis()).onlyReplicated(GroupRoot.REPLICATED);
            serviceRef[0] = service;
            return service;
        });
        Remote stub = exporter.export(root);
        try {
            rmiRegistry.bind(RemoteManager.BINDING, stub);
        } catch (AlreadyBoundException e) {
            throw new IllegalStateException("impossible: a new registry already has a binding", e);
        }
        io.jmanager.registry.group.GroupMember member;
        try {
            java.nio.file.Files.createDirectories(group.dataDir());
            String raftBind = "*".equals(config.bindAddress()) ? "0.0.0.0" : config.bindAddress();
            member = io.jmanager.registry.group.GroupMember.start(group, raftBind, key.key(), root);
        } catch (IOException | RuntimeException e) {
            ManagerService.unexportQuietly(root);
            ManagerService.unexportQuietly(rmiRegistry);
            throw new io.jmanager.registry.group.GroupStartException("cannot start the Raft server of group member "
                    + group.self() + " on port " + group.me().raftPort() + " with its log in "
                    + group.dataDir().resolve("raft") + ": " + e.getMessage(), e);
        }
        root.attach(member);
        ScheduledExecutorService reaper = leaseReaper(config, sessions);
        RegistryServer server = new RegistryServer(rmiRegistry, null, reaper, port, advertise, 0, key, tls, refusals,
                Durability.IN_MEMORY, null, memory, exporter, sessions, config.tls());
        server.group = member;
        server.groupRoot = root;
        return server;
    }

    /**
     * Checks that the protection limits let through what the other limits accept.
     *
     * @throws IllegalArgumentException naming the options that contradict each other
     */
    static void checkProtection(RegistryConfig config) {
        long minCall = 2L * config.maxValueBytes() + (64 << 10);
        if (config.effectiveMaxCallBytes() < minCall) {
            throw new IllegalArgumentException("--max-call-bytes " + config.effectiveMaxCallBytes() + " cannot carry"
                    + " a key and a value of --max-value-size " + config.maxValueBytes() + " bytes: it must be at"
                    + " least " + minCall);
        }
        if (config.leaseMillis() > config.protection().maxLeaseMillis()) {
            throw new IllegalArgumentException("--lease " + config.leaseMillis() + " ms is above --max-lease "
                    + config.protection().maxLeaseMillis() + " ms");
        }
    }

    /** The largest total of one batch call. */
    static long maxBatchBytes(int maxValueBytes) {
        return 4L * maxValueBytes + (64 << 20);
    }

    /**
     * The deserialization filter of every exported object. It must let through every call the registry's own
     * limits accept, so that those limits answer with {@link io.jmanager.ValueTooLargeException}: the stream may
     * hold a whole batch (for putAll, keys and values together) plus the stream's own bytes for each array and
     * the call's other arguments, for which 64 MiB leave room for millions of items.
     */
    static WireFilter wireFilter(int maxValueBytes) {
        return wireFilter(maxValueBytes, RegistryConfig.Limits.defaults().maxBatchItems());
    }

    /** Like {@link #wireFilter(int)}, letting through batches of up to {@code maxBatchItems} items. */
    static WireFilter wireFilter(int maxValueBytes, int maxBatchItems) {
        return new WireFilter(maxBatchBytes(maxValueBytes) + (64 << 20),
                Math.max(Math.max(maxValueBytes + 64L, 1 << 20), 2L * maxBatchItems + 2));
    }

    private static InetAddress bindAddress(String address) throws UnknownHostException {
        if (address == null || address.isEmpty() || address.equals("0.0.0.0") || address.equals("*")) {
            return null;
        }
        return InetAddress.getByName(address);
    }

    private static String defaultAdvertiseHost(InetAddress bind) {
        if (bind != null && !bind.isAnyLocalAddress()) {
            return bind.getHostAddress();
        }
        try {
            String host = InetAddress.getLocalHost().getHostName();
            InetAddress.getByName(host);
            return host;
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    private static int freePort(InetAddress bind) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, bind)) {
            return s.getLocalPort();
        }
    }

    private static long newEpoch() {
        long e;
        do {
            e = new SecureRandom().nextLong() & Long.MAX_VALUE;
        } while (e == 0);
        return e;
    }

    /** The port the registry and all objects listen on. */
    public int port() {
        return port;
    }

    /** The host name put into stubs. */
    public String advertiseHost() {
        return advertiseHost;
    }

    /** The URL workers use, e.g. {@code rmi://host:1099}. */
    public String url() {
        return "rmi://" + advertiseHost + ":" + port;
    }

    /** The key workers must prove, with where it came from and whether it was created at this start. */
    public AuthKeys.Loaded authKey() {
        return key;
    }

    /** True if every connection is TLS. */
    public boolean tls() {
        return tls;
    }

    /**
     * How many connections were closed during their handshake since start (wrong key, garbage, too slow), or
     * right after it (over {@code --max-connections-per-peer}).
     */
    public long refusedConnections() {
        return refusals.total();
    }

    /** Why the newest refused connection was refused (null if none was). */
    public String lastRefusal() {
        return refusals.last();
    }

    /** This registry's version. */
    public String version() {
        return RegistryVersion.get();
    }

    /** The TLS context and client-certificate rule of {@code --tls}, or null without TLS (for the status port). */
    public RegistryConfig.Tls tlsConfig() {
        return tlsConfig;
    }

    /**
     * The service whose objects and sessions the status methods describe: a single registry's, or the service of
     * a group member's current term.
     *
     * @throws io.jmanager.NotLeaderException if this group member does not serve now (it is not the leader)
     */
    private ManagerService served() {
        if (group == null) {
            return service;
        }
        ManagerService current = groupRoot.current();
        if (current == null) {
            throw group.notLeader("it serves no objects now");
        }
        return current;
    }

    /** Every shared object now, by name, with its summary and how many calls wait on it. */
    public java.util.List<ObjectStatus> objects() {
        return served().objectStatuses();
    }

    /**
     * What each open session holds now, by session id: its locks, semaphore permits and unacknowledged queue
     * deliveries, each in a few words ({@code "lock 'report'"}, {@code "2 permits of semaphore 'pool'"}).
     */
    public java.util.Map<Long, java.util.List<String>> holdings() {
        return served().holdings();
    }

    /** What each open session waits on now, by session id: {@code "lock 'report'"}, {@code "queue 'tasks'"}. */
    public java.util.Map<Long, java.util.List<String>> waits() {
        return served().waits();
    }

    /** How many shared objects the registry holds now. */
    public int objectCount() {
        return served().objectCount();
    }

    /** The open sessions now, by id. */
    public io.jmanager.wire.SessionInfo[] sessions() {
        return served().sessions();
    }

    /** How many sessions are open now. */
    public int sessionCount() {
        return sessions.size();
    }

    /** Every lock and rlock now, by name: holder, holds, since when, fencing token and waiters. */
    public io.jmanager.wire.LockInfo[] locks() {
        return served().locks();
    }

    /** The memory budget: its limit, and what stored values and calls being read take now. */
    public io.jmanager.wire.MemoryBudget memory() {
        return memory;
    }

    /** Where objects are kept, for the start-up message. */
    public String storage() {
        if (group != null) {
            return "replicated by the registry group " + group.config().members().stream()
                    .map(m -> m.id() + "=" + m.host() + ":" + m.rmiPort()).toList() + " (this member's Raft log in "
                    + group.config().dataDir().resolve("raft") + "); every change is committed by a majority";
        }
        return durability.describe();
    }

    /** True if objects are kept in a data directory (a group member's are, in its Raft log). */
    public boolean durable() {
        return group != null || durability.durable();
    }

    /** What the start on a data directory restored, or null in memory. */
    public Recovery recovery() {
        return recovery;
    }

    /** The group member this registry is, or null for a single registry. */
    public io.jmanager.registry.group.GroupMember groupMember() {
        return group;
    }

    /**
     * A random number chosen at start-up; differs after every restart. 0 for a registry group member, whose every
     * term of leadership has an epoch of its own (what workers see).
     */
    public long epoch() {
        return epoch;
    }

    /** Stops serving: unbinds and unexports everything. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        reaper.shutdownNow();
        try {
            rmiRegistry.unbind(RemoteManager.BINDING);
        } catch (Exception e) {
            // already gone
        }
        if (group != null) {
            group.close();
            groupRoot.stopped("the registry closed");
            ManagerService.unexportQuietly(groupRoot);
        } else {
            exporter.unexport(service);
            String url = url();
            service.retireAll(() -> new io.jmanager.RegistryUnavailableException(url, "it is stopping: the call"
                    + " reached it as it shut down and was not applied", "call again once it runs; a restarted"
                    + " registry without --data-dir starts empty", null));
        }
        ManagerService.unexportQuietly(rmiRegistry);
        durability.close();
    }
}
