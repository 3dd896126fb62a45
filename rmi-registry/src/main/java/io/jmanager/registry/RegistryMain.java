package io.jmanager.registry;

import io.jmanager.wire.ServerSecurity;
import io.jmanager.wire.TlsContexts;
import io.jmanager.wire.WireFilter;
import java.nio.file.Path;
import java.rmi.server.ExportException;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code java -jar registry.jar}: starts a registry with working defaults and prints the URL workers use.
 * Exit codes: 0 after a clean stop (SIGTERM, Ctrl-C), 1 when it cannot start, 2 for bad options.
 */
@Command(name = "java -jar registry.jar", mixinStandardHelpOptions = true,
        versionProvider = RegistryMain.Version.class, sortOptions = false,
        description = "Starts a jmanager registry: named shared dicts, lists, queues, locks, ... served over Java"
                + " RMI to worker JVMs that connect with Manager.connect(\"rmi://host:port\").")
public final class RegistryMain implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", description = "RMI port for the registry and all objects"
            + " (default: ${DEFAULT-VALUE})")
    int port = RegistryConfig.DEFAULT_PORT;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "address to listen on (default: all"
            + " interfaces)")
    String bind;

    @Option(names = "--advertise", paramLabel = "HOST", description = "host name workers reach this registry by;"
            + " put into every stub (default: this host's name). Set it in containers and behind NAT")
    String advertise;

    @Option(names = "--lease", paramLabel = "MILLIS", description = "default session lease in milliseconds:"
            + " a worker silent this long loses its locks (default: ${DEFAULT-VALUE})")
    long leaseMillis = RegistryConfig.defaults().leaseMillis();

    @Option(names = "--max-value-size", paramLabel = "SIZE", converter = SizeConverter.class,
            description = "largest value accepted, e.g. 16MiB, 512KiB, 65536 (default: 16MiB)")
    int maxValueBytes = RegistryConfig.defaults().maxValueBytes();

    @Option(names = "--authkey-file", paramLabel = "FILE", description = "the key workers must prove, created with"
            + " a new random key if missing (default: $JMANAGER_AUTHKEY, else the file $JMANAGER_AUTHKEY_FILE, else"
            + " ~/.jmanager/authkey). The file must be readable by its owner only")
    Path authKeyFile;

    @Option(names = "--handshake-timeout", paramLabel = "MILLIS", description = "how long a new connection has to"
            + " authenticate (TLS included) before it is dropped (default: ${DEFAULT-VALUE})")
    int handshakeTimeoutMillis = ServerSecurity.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS;

    @Option(names = "--max-pending-handshakes", paramLabel = "N", description = "connections that may be"
            + " authenticating at once; a newer one drops the oldest (default: ${DEFAULT-VALUE})")
    int maxPendingHandshakes = ServerSecurity.DEFAULT_MAX_PENDING_HANDSHAKES;

    @Option(names = "--tls", description = "serve every connection over TLS (the key handshake still runs inside);"
            + " needs --tls-keystore. Workers connect with ManagerOptions.withTls(...)")
    boolean tls;

    @Option(names = "--tls-keystore", paramLabel = "FILE", description = "PKCS12 file with the registry's"
            + " certificate and private key")
    Path tlsKeyStore;

    @Option(names = "--tls-keystore-password", paramLabel = "PASSWORD",
            defaultValue = "${env:JMANAGER_TLS_KEYSTORE_PASSWORD}",
            description = "its password (default: $JMANAGER_TLS_KEYSTORE_PASSWORD)")
    String tlsKeyStorePassword;

    @Option(names = "--tls-truststore", paramLabel = "FILE", description = "PKCS12 file with the certificates of"
            + " the clients to accept, for --tls-mutual")
    Path tlsTrustStore;

    @Option(names = "--tls-truststore-password", paramLabel = "PASSWORD",
            defaultValue = "${env:JMANAGER_TLS_TRUSTSTORE_PASSWORD}",
            description = "its password (default: $JMANAGER_TLS_TRUSTSTORE_PASSWORD)")
    String tlsTrustStorePassword;

    @Option(names = "--tls-mutual", description = "mutual TLS: refuse clients without a certificate from"
            + " --tls-truststore")
    boolean tlsMutual;

    @Option(names = "--max-objects", paramLabel = "N", description = "most shared objects (default: ${DEFAULT-VALUE})")
    int maxObjects = RegistryConfig.Limits.defaults().maxObjects();

    @Option(names = "--max-sessions", paramLabel = "N", description = "most open worker sessions (default:"
            + " ${DEFAULT-VALUE})")
    int maxSessions = RegistryConfig.Limits.defaults().maxSessions();

    @Option(names = "--max-waiters-per-object", paramLabel = "N", description = "most calls blocked on one object"
            + " at once (default: ${DEFAULT-VALUE})")
    int maxWaitersPerObject = RegistryConfig.Limits.defaults().maxWaitersPerObject();

    @Option(names = "--max-batch-size", paramLabel = "N", description = "most items in one batch call such as"
            + " putAll or extend (default: ${DEFAULT-VALUE})")
    int maxBatchItems = RegistryConfig.Limits.defaults().maxBatchItems();

    @Option(names = "--max-lease", paramLabel = "MILLIS", description = "longest session lease granted; a worker"
            + " asking for more gets this. A session without a liveness connection expires after --lease at most"
            + " (default: ${DEFAULT-VALUE})")
    long maxLeaseMillis = RegistryConfig.Protection.DEFAULT_MAX_LEASE_MILLIS;

    @Option(names = "--max-call-bytes", paramLabel = "SIZE", converter = LongSizeConverter.class,
            description = "most bytes one call may carry, counted as they arrive (strings included), and most"
                    + " memory its arrays may declare; a larger call is refused and its connection closed"
                    + " (default: 4 x --max-value-size, 64MiB; at least 2 x it + 1MiB)")
    long maxCallBytes;

    @Option(names = "--memory-budget", paramLabel = "SIZE", converter = LongSizeConverter.class,
            description = "most memory that stored values (array slots, dict, list and queue entries) and calls"
                    + " being read may take together; a create or put above it is refused (default: half of the"
                    + " JVM's max heap)")
    long memoryBudget;

    @Option(names = "--idle-timeout", paramLabel = "MILLIS", description = "close a worker's RMI connection after"
            + " this long without a call (or silent in the middle of one); a call being served and a worker's"
            + " liveness connection are never cut (default: ${DEFAULT-VALUE})")
    int idleTimeoutMillis = io.jmanager.wire.ServerSecurity.Connections.DEFAULT_IDLE_TIMEOUT_MILLIS;

    @Option(names = "--max-connections-per-peer", paramLabel = "N", description = "most authenticated connections"
            + " from one address at once; more are closed after their handshake (default: ${DEFAULT-VALUE})")
    int maxConnectionsPerPeer = io.jmanager.wire.ServerSecurity.Connections.DEFAULT_MAX_PER_PEER;

    @Option(names = "--group", paramLabel = "ID=HOST:PORT,...", description = "run as a member of a registry group"
            + " (docs/group.md): every member's id, host and RMI port (optionally :RAFTPORT, default the RMI port + 1);"
            + " needs --id and --data-dir. Members authenticate each other with the key (mutual TLS)")
    String group;

    @Option(names = "--id", paramLabel = "ID", description = "with --group: which member this registry is")
    String groupId;

    @Option(names = "--unauthenticated-group-traffic", description = "with --group: plain, unauthenticated Raft"
            + " traffic between members instead of mutual TLS with credentials derived from the key (docs/group.md):"
            + " anyone who reaches a Raft port could join the log. Only for a network you control, every member alike")
    boolean unauthenticatedGroupTraffic;

    @Option(names = "--snapshot-every", paramLabel = "N", description = "with --group: snapshot the records every N"
            + " log entries and let the log behind the snapshot be purged (default: ${DEFAULT-VALUE})")
    long snapshotEvery = io.jmanager.registry.group.GroupConfig.DEFAULT_SNAPSHOT_EVERY;

    @Option(names = "--rejoin", description = "with --group: this member lost its Raft log (wiped or replaced disk)"
            + " and rejoins as a new member: the leader removes it from the group and adds it back once it caught"
            + " up. A member without its log that the group knows refuses to start and names this option")
    boolean rejoin;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "keep every object in DIR (created if missing)"
            + " so that each acknowledged change survives a crash and a restart on the same DIR restores them;"
            + " without it state is in memory only, like Python's manager")
    java.nio.file.Path dataDir;

    @Option(names = "--fsync", paramLabel = "POLICY", description = "with --data-dir: 'always' (default: a change"
            + " is acknowledged once it is on disk; concurrent changes share syncs) or 'interval=MS' (faster:"
            + " acknowledged at once, synced every MS ms; a crash loses the changes of the last MS ms plus one"
            + " commit)")
    String fsync = "always";

    @Option(names = "--skip-damaged-records", description = "with --data-dir: start even if records fail their"
            + " checksums or cannot be read, without them (and without any object that cannot be rebuilt without"
            + " them); each is listed, and the repaired state is written back, so the next start is clean. Without"
            + " it such a directory is refused")
    boolean skipDamagedRecords;

    @Option(names = "--accept-rollback", description = "with --data-dir: start even if the store is older than the"
            + " newest state it acknowledged (its tail was lost, or it is an old copy) or that record"
            + " (registry.commit) is missing; says how far back it is and records the store's state as the newest."
            + " Without it such a directory is refused")
    boolean acceptRollback;

    @Option(names = "--http", paramLabel = "[ADDRESS:]PORT", description = "serve a read-only status page (/) and"
            + " Prometheus metrics (/metrics) on this port, for clients that send the registry's key (bearer token,"
            + " or basic-auth password); on loopback unless an ADDRESS is given (0.0.0.0: all interfaces); HTTPS"
            + " with --tls. Off unless given")
    String http;

    public static void main(String[] args) {
        // one logging path: System.Logger records as one line each on standard error (docs/DESIGN.md, Logging)
        io.jmanager.registry.log.RegistryLogging.install(System.err);
        // the registry process deserializes nothing but what its filters admit, even on a stream without a filter
        WireFilter.installRmiFilterProperties();
        WireFilter.installProcessBackstop();
        int code = run(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    /** Parses, starts, and (when started) blocks until the JVM is asked to stop. */
    static int run(String[] args) {
        CommandLine cli = new CommandLine(new RegistryMain());
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("registry.jar: " + e.getMessage());
            e.getCommandLine().usage(e.getCommandLine().getErr());
            return 2;
        });
        return cli.execute(args);
    }

    @Override
    public Integer call() throws Exception {
        if (group != null || groupId != null) {
            // before the first name lookup, which fixes the JVM's address caching: peers may come back elsewhere
            io.jmanager.registry.group.PeerAddressCaching.install();
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--port must be 0..65535, got " + port);
        }
        if (leaseMillis < 100) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--lease must be at least 100 ms, got " + leaseMillis);
        }
        requirePositive("--handshake-timeout", handshakeTimeoutMillis);
        requirePositive("--max-pending-handshakes", maxPendingHandshakes);
        requirePositive("--max-objects", maxObjects);
        requirePositive("--max-sessions", maxSessions);
        requirePositive("--max-waiters-per-object", maxWaitersPerObject);
        requirePositive("--max-batch-size", maxBatchItems);
        requirePositive("--idle-timeout", idleTimeoutMillis);
        requirePositive("--max-connections-per-peer", maxConnectionsPerPeer);
        if (maxLeaseMillis < 100) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--max-lease must be at least 100 ms, got " + maxLeaseMillis);
        }
        boolean tlsOptions = tlsKeyStore != null || tlsTrustStore != null || tlsMutual;
        if (tlsOptions && !tls) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--tls-keystore, --tls-truststore and"
                    + " --tls-mutual need --tls");
        }
        if (tls && tlsKeyStore == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--tls needs --tls-keystore FILE (a PKCS12"
                    + " file with the registry's certificate and key)");
        }
        if (tlsMutual && tlsTrustStore == null) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--tls-mutual needs --tls-truststore FILE"
                    + " (the client certificates to accept)");
        }
        FsyncPolicy fsyncPolicy;
        try {
            fsyncPolicy = FsyncPolicy.parse(fsync);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        if (dataDir == null && !"always".equals(fsync)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--fsync needs --data-dir DIR");
        }
        if (dataDir == null && (skipDamagedRecords || acceptRollback)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--skip-damaged-records and"
                    + " --accept-rollback need --data-dir DIR");
        }
        java.net.InetSocketAddress httpAddress;
        try {
            httpAddress = http == null ? null : HttpAddress.parse(http);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        long started = System.nanoTime();
        RegistryConfig config = RegistryConfig.defaults().withPort(port).withBindAddress(bind)
                .withAdvertiseHost(advertise).withLeaseMillis(leaseMillis).withMaxValueBytes(maxValueBytes)
                .withAuthKeyFile(authKeyFile).withHandshakeTimeoutMillis(handshakeTimeoutMillis)
                .withMaxPendingHandshakes(maxPendingHandshakes)
                .withLimits(new RegistryConfig.Limits(maxObjects, maxSessions, maxWaitersPerObject, maxBatchItems))
                .withDataDir(dataDir).withFsync(fsyncPolicy)
                .withProtection(new RegistryConfig.Protection(maxLeaseMillis, maxCallBytes, memoryBudget,
                        idleTimeoutMillis, maxConnectionsPerPeer))
                .withRecovery(new RecoveryOptions(skipDamagedRecords, acceptRollback));
        try {
            RegistryServer.checkProtection(config);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        if (tls) {
            try {
                config = config.withTls(new RegistryConfig.Tls(TlsContexts.load(tlsKeyStore,
                        password(tlsKeyStorePassword), tlsTrustStore, password(tlsTrustStorePassword)), tlsMutual));
            } catch (java.io.IOException e) {
                System.err.println("registry.jar: " + e.getMessage());
                return 1;
            }
        }
        io.jmanager.registry.group.GroupConfig groupConfig = null;
        if (group == null && groupId == null && (rejoin || unauthenticatedGroupTraffic
                || snapshotEvery != io.jmanager.registry.group.GroupConfig.DEFAULT_SNAPSHOT_EVERY)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--rejoin, --snapshot-every and"
                    + " --unauthenticated-group-traffic are options of a group member: they need --group and --id");
        }
        if (group != null || groupId != null) {
            try {
                groupConfig = io.jmanager.registry.group.GroupConfig.parse(group, groupId, dataDir)
                        .withSnapshotEvery(snapshotEvery).withPlaintextRaft(unauthenticatedGroupTraffic)
                        .withRejoin(rejoin);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
            }
            if (port != RegistryConfig.DEFAULT_PORT) {
                throw new CommandLine.ParameterException(new CommandLine(this), "with --group the RMI port is the"
                        + " member's in --group; leave out --port");
            }
            if (!"always".equals(fsync) || skipDamagedRecords || acceptRollback) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--fsync, --skip-damaged-records"
                        + " and --accept-rollback are for a single registry's data directory, not a group member's");
            }
        }
        RegistryServer server;
        io.jmanager.registry.metrics.RegistryMetrics metrics = httpAddress == null ? null
                : new io.jmanager.registry.metrics.RegistryMetrics(dataDir != null);
        RegistryObserver observer = RegistryObserver.both(new io.jmanager.registry.log.EventLog(),
                metrics == null ? RegistryObserver.NONE : metrics);
        try {
            server = groupConfig != null ? RegistryServer.startGroup(config, groupConfig, observer)
                    : RegistryServer.start(config, observer);
        } catch (ExportException e) {
            System.err.println("registry.jar: cannot listen on port " + port + ": " + rootMessage(e)
                    + ". Is another registry running? Choose another with --port");
            return 1;
        } catch (java.net.UnknownHostException e) {
            System.err.println("registry.jar: unknown --bind address " + bind);
            return 1;
        } catch (DataDirectoryException e) {
            System.err.println("registry.jar: " + e.getMessage());
            if (e.getCause() != null) {
                // what the storage engine said, on one line, for the operator (and a bug report)
                System.err.println("registry.jar: details: " + MvStoreDurability.details(e.getCause()));
            }
            return 1;
        } catch (RuntimeException e) {
            // nothing below start() is expected to fail this way; still one line, never a stack trace
            System.err.println("registry.jar: cannot start: " + MvStoreDurability.engineMessage(e)
                    + (dataDir == null ? "" : " (data directory " + dataDir + " was not modified)"));
            System.err.println("registry.jar: details: " + MvStoreDurability.details(e));
            return 1;
        } catch (io.jmanager.registry.group.GroupStartException e) {
            System.err.println("registry.jar: " + e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            // the key: unreadable, refused (readable by others), or cannot be created
            System.err.println("registry.jar: cannot use the authentication key: " + e.getMessage());
            return 1;
        }
        io.jmanager.registry.http.StatusServer status = null;
        if (httpAddress != null) {
            metrics.bind(server);
            try {
                status = io.jmanager.registry.http.StatusServer.start(httpAddress, server, metrics,
                        server.authKey().key(), server.tls() ? server.tlsConfig().context() : null,
                        server.tls() && server.tlsConfig().mutual());
            } catch (java.io.IOException | RuntimeException e) {
                server.close();
                System.err.println("registry.jar: cannot serve --http " + http + ": " + rootMessage(e)
                        + ". Is the port in use? Choose another, or leave --http out");
                return 1;
            }
        }
        io.jmanager.registry.http.StatusServer statusServer = status;
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (statusServer != null) {
                statusServer.close();
            }
            server.close();
            // stdout, not the log: java.util.logging closes its handlers in its own shutdown hook
            System.out.println("jmanager registry stopped");
            System.out.flush();
            stopped.countDown();
        }, "jmanager-shutdown"));
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("jmanager registry " + RegistryVersion.get() + " listening on "
                + (bind == null ? "all interfaces" : bind) + ", port " + server.port() + " (started in " + millis
                + " ms)");
        System.out.println("state is kept " + server.storage() + "; memory budget " + mib(server.memory().limit())
                + " (--memory-budget), " + mib(config.effectiveMaxCallBytes()) + " per call (--max-call-bytes)");
        if (server.recovery() != null) {
            RegistryServer.Recovery r = server.recovery();
            System.out.println("restored " + r.objects() + " objects (" + r.records() + " records) in " + r.millis()
                    + " ms; sessions and lock holds do not survive a restart: every lock is free");
            for (String note : r.notes()) {
                System.out.println("WARNING: " + note);
            }
        }
        System.out.println("authentication key: " + server.authKey().key().source()
                + (server.authKey().created() ? " (created now)" : "") + ", fingerprint "
                + server.authKey().key().fingerprint());
        if (server.authKey().file() != null) {
            System.out.println("workers of this user on this host find the key by themselves; elsewhere give them a"
                    + " copy (JMANAGER_AUTHKEY_FILE=FILE, mode 600) or its text (JMANAGER_AUTHKEY)");
        }
        if (server.tls()) {
            System.out.println("TLS on every connection" + (tlsMutual ? ", client certificates required" : ""));
        } else {
            System.out.println("connections are authenticated, not encrypted: use --tls on networks you do not"
                    + " control");
        }
        if (groupConfig != null) {
            System.out.println("member " + groupConfig.self() + " of the registry group "
                    + groupConfig.members().stream().map(m -> m.id() + "=" + m.host() + ":" + m.rmiPort() + " (Raft "
                    + m.raftPort() + ")").toList() + "; it serves only while it leads");
            if (groupConfig.plaintextRaft()) {
                System.out.println("WARNING: the Raft traffic between members is not authenticated"
                        + " (--unauthenticated-group-traffic): keep the Raft ports on a network you control");
            } else {
                System.out.println("Raft traffic between members: mutual TLS with certificates derived from the key"
                        + " (a member started with another key is refused)");
            }
            System.out.println("workers connect with: Manager.connect(\"rmi://" + groupConfig.members().stream()
                    .map(m -> m.host() + ":" + m.rmiPort()).collect(java.util.stream.Collectors.joining(","))
                    + "\")");
        } else {
            System.out.println("workers connect with: Manager.connect(\"" + server.url() + "\")"
                    + (server.tls() ? " and ManagerOptions.withTls(...)" : ""));
        }
        if (status != null) {
            System.out.println("status page and Prometheus metrics: " + status.url() + " and " + status.url()
                    + "metrics (send the registry's key; see SECURITY.md)");
        }
        System.out.println("jmanager registry ready at " + server.url());
        System.out.flush();
        LOG.log(System.Logger.Level.INFO, "registry started: " + server.url() + ", port " + server.port() + ", "
                + (server.durable() ? "data directory " + dataDir : "in memory") + (server.tls() ? ", TLS" : "")
                + (status == null ? "" : ", status page " + status.url()) + ", in " + millis + " ms");
        stopped.await();
        return 0;
    }

    private static final System.Logger LOG = System.getLogger("io.jmanager.registry");

    private void requirePositive(String option, int value) {
        if (value <= 0) {
            throw new CommandLine.ParameterException(new CommandLine(this), option + " must be positive, got " + value);
        }
    }

    private static String mib(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }

    private static char[] password(String text) {
        return text == null ? new char[0] : text.toCharArray();
    }

    private static String rootMessage(Throwable e) {
        while (e.getCause() != null) {
            e = e.getCause();
        }
        return e.getMessage();
    }

    /** The version for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"jmanager registry " + RegistryVersion.get(), "Java " + System.getProperty(
                    "java.version")};
        }
    }

    /** Parses sizes such as {@code 16MiB}, {@code 512KiB}, {@code 16m} or a plain byte count. */
    static final class SizeConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            long bytes = parse(value);
            if (bytes < 1024 || bytes > Integer.MAX_VALUE - 1024) {
                throw new CommandLine.TypeConversionException("size '" + value + "' must be between 1KiB and 2GiB");
            }
            return (int) bytes;
        }

        /** The size in bytes; {@link Long#MAX_VALUE} for sizes too large to count. */
        static long parse(String value) {
            String v = value.trim().toLowerCase(Locale.ROOT);
            long unit = 1;
            String[][] units = {{"gib", "g", "gb"}, {"mib", "m", "mb"}, {"kib", "k", "kb"}};
            long[] factors = {1L << 30, 1L << 20, 1L << 10};
            outer:
            for (int i = 0; i < units.length; i++) {
                for (String suffix : units[i]) {
                    if (v.endsWith(suffix)) {
                        v = v.substring(0, v.length() - suffix.length()).trim();
                        unit = factors[i];
                        break outer;
                    }
                }
            }
            long bytes;
            try {
                bytes = Long.parseLong(v);
            } catch (NumberFormatException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a size; use e.g. 16MiB");
            }
            try {
                bytes = Math.multiplyExact(bytes, unit);
            } catch (ArithmeticException e) {
                bytes = Long.MAX_VALUE; // far too large, and must not wrap around into the accepted range
            }
            return bytes;
        }
    }

    /** Parses sizes like {@link SizeConverter}, from 1KiB up to 1PiB. */
    static final class LongSizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            long bytes = SizeConverter.parse(value);
            if (bytes < 1024 || bytes > (1L << 50)) {
                throw new CommandLine.TypeConversionException("size '" + value + "' must be between 1KiB and 1PiB");
            }
            return bytes;
        }
    }
}
