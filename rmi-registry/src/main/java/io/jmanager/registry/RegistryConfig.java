package io.jmanager.registry;

import io.jmanager.AuthKey;
import io.jmanager.wire.ServerSecurity;
import java.nio.file.Path;
import java.util.Objects;
import javax.net.ssl.SSLContext;

/**
 * How to run a registry. Immutable; build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param port                   the RMI registry port, also used by every exported object; 0 picks a free port
 * @param bindAddress            the address to listen on; null or {@code 0.0.0.0} for all interfaces
 * @param advertiseHost          the host name put into stubs (what workers connect to); null for this host's name
 * @param leaseMillis            the default session lease
 * @param maxValueBytes          the largest encoded value accepted
 * @param waitSliceMillis        the longest one blocking call waits on the registry before the client calls again
 * @param authKey                the key workers must prove; null to take {@code authKeyFile}
 * @param authKeyFile            the key file ({@code --authkey-file}), created with a new key if missing; null for
 *                               {@code JMANAGER_AUTHKEY}, else {@code JMANAGER_AUTHKEY_FILE}, else
 *                               {@code ~/.jmanager/authkey} (created if missing), as {@code registry.jar} does
 * @param handshakeTimeoutMillis how long a new connection has to authenticate (TLS included)
 * @param maxPendingHandshakes   how many connections may be authenticating at once (the oldest is dropped)
 * @param tls                    TLS for every connection, or null for plain TCP
 * @param limits                 counts the registry refuses to exceed
 * @param dataDir                where objects are kept across restarts ({@code --data-dir}); null: in memory only
 * @param fsync                  when a data directory's writes reach the disk ({@code --fsync})
 * @param protection             what one authenticated worker may cost the registry (leases, calls, memory,
 *                               connections)
 * @param recovery               what a start on a damaged or rolled-back data directory may do instead of refusing
 *                               ({@code --skip-damaged-records}, {@code --accept-rollback})
 */
public record RegistryConfig(int port, String bindAddress, String advertiseHost, long leaseMillis,
                             int maxValueBytes, long waitSliceMillis, AuthKey authKey, Path authKeyFile,
                             int handshakeTimeoutMillis, int maxPendingHandshakes, Tls tls, Limits limits,
                             Path dataDir, FsyncPolicy fsync, Protection protection,
                             RecoveryOptions recovery) {
    public static final int DEFAULT_PORT = 1099;

    public RegistryConfig {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(fsync, "fsync");
        Objects.requireNonNull(protection, "protection");
        Objects.requireNonNull(recovery, "recovery");
    }

    /**
     * What one authenticated worker, buggy or hostile, may cost the registry; each refusal names its option.
     *
     * @param maxLeaseMillis        the longest session lease granted; longer requests get this
     *                              ({@code --max-lease})
     * @param maxCallBytes          the most bytes one call may carry, counted at the socket, and the most memory
     *                              its arrays may declare ({@code --max-call-bytes}); 0 for 4 × the value size limit
     *                              (see {@link RegistryConfig#effectiveMaxCallBytes()})
     * @param memoryBudget          the bytes that stored values and calls being read may take together
     *                              ({@code --memory-budget}); 0 for half of the largest heap
     * @param idleTimeoutMillis     how long an RMI connection may be silent while the registry waits to read from
     *                              it ({@code --idle-timeout}); liveness connections are never cut
     * @param maxConnectionsPerPeer the most authenticated connections from one address
     *                              ({@code --max-connections-per-peer})
     */
    public record Protection(long maxLeaseMillis, long maxCallBytes, long memoryBudget, int idleTimeoutMillis,
                             int maxConnectionsPerPeer) {
        public static final long DEFAULT_MAX_LEASE_MILLIS = 300_000;

        public Protection {
            if (maxLeaseMillis < 100 || maxCallBytes < 0 || memoryBudget < 0 || idleTimeoutMillis <= 0
                    || maxConnectionsPerPeer <= 0) {
                throw new IllegalArgumentException("invalid protection limits: lease " + maxLeaseMillis
                        + " ms (at least 100), call " + maxCallBytes + " bytes, memory " + memoryBudget
                        + " bytes, idle " + idleTimeoutMillis + " ms, " + maxConnectionsPerPeer + " per peer");
            }
        }

        public static Protection defaults() {
            return new Protection(DEFAULT_MAX_LEASE_MILLIS, 0, 0,
                    io.jmanager.wire.ServerSecurity.Connections.DEFAULT_IDLE_TIMEOUT_MILLIS,
                    io.jmanager.wire.ServerSecurity.Connections.DEFAULT_MAX_PER_PEER);
        }

        public Protection withMaxLeaseMillis(long millis) {
            return new Protection(millis, maxCallBytes, memoryBudget, idleTimeoutMillis, maxConnectionsPerPeer);
        }

        public Protection withMaxCallBytes(long bytes) {
            return new Protection(maxLeaseMillis, bytes, memoryBudget, idleTimeoutMillis, maxConnectionsPerPeer);
        }

        public Protection withMemoryBudget(long bytes) {
            return new Protection(maxLeaseMillis, maxCallBytes, bytes, idleTimeoutMillis, maxConnectionsPerPeer);
        }

        public Protection withIdleTimeoutMillis(int millis) {
            return new Protection(maxLeaseMillis, maxCallBytes, memoryBudget, millis, maxConnectionsPerPeer);
        }

        public Protection withMaxConnectionsPerPeer(int n) {
            return new Protection(maxLeaseMillis, maxCallBytes, memoryBudget, idleTimeoutMillis, n);
        }
    }

    /**
     * The per-call byte budget in force: {@link Protection#maxCallBytes()}, else 4 × the value size limit (64 MiB
     * by default), and at least room for a key and a value of that size plus 1 MiB.
     */
    public long effectiveMaxCallBytes() {
        return protection.maxCallBytes() > 0 ? protection.maxCallBytes()
                : Math.max(4L * maxValueBytes, 2L * maxValueBytes + (1 << 20));
    }

    /** The memory budget in force: {@link Protection#memoryBudget()}, or half of the largest heap. */
    public long effectiveMemoryBudget() {
        return protection.memoryBudget() > 0 ? protection.memoryBudget()
                : io.jmanager.wire.MemoryBudget.defaultLimit();
    }

    /**
     * TLS settings.
     *
     * @param context the registry's TLS context (its certificate; and, for mutual TLS, whom it trusts)
     * @param mutual  refuse clients without a certificate the context trusts
     */
    public record Tls(SSLContext context, boolean mutual) {
        public Tls {
            Objects.requireNonNull(context, "context");
        }
    }

    /**
     * What the registry refuses to exceed, each with {@link io.jmanager.RegistryLimitException} naming its option.
     *
     * @param maxObjects          shared objects in the registry ({@code --max-objects})
     * @param maxSessions         open worker sessions ({@code --max-sessions})
     * @param maxWaitersPerObject blocked calls waiting on one object at once ({@code --max-waiters-per-object})
     * @param maxBatchItems       items in one batch call, e.g. {@code putAll}, {@code extend}
     *                            ({@code --max-batch-size})
     */
    public record Limits(int maxObjects, int maxSessions, int maxWaitersPerObject, int maxBatchItems) {
        public Limits {
            if (maxObjects < 1 || maxSessions < 1 || maxWaitersPerObject < 1 || maxBatchItems < 1) {
                throw new IllegalArgumentException("every limit must be at least 1: " + maxObjects + ", "
                        + maxSessions + ", " + maxWaitersPerObject + ", " + maxBatchItems);
            }
        }

        public static Limits defaults() {
            return new Limits(100_000, 10_000, 10_000, 500_000);
        }

        public Limits withMaxObjects(int n) {
            return new Limits(n, maxSessions, maxWaitersPerObject, maxBatchItems);
        }

        public Limits withMaxSessions(int n) {
            return new Limits(maxObjects, n, maxWaitersPerObject, maxBatchItems);
        }

        public Limits withMaxWaitersPerObject(int n) {
            return new Limits(maxObjects, maxSessions, n, maxBatchItems);
        }

        public Limits withMaxBatchItems(int n) {
            return new Limits(maxObjects, maxSessions, maxWaitersPerObject, n);
        }
    }

    public static RegistryConfig defaults() {
        return new RegistryConfig(DEFAULT_PORT, null, null, 10_000, 16 << 20, 1_000, null, null,
                ServerSecurity.DEFAULT_HANDSHAKE_TIMEOUT_MILLIS, ServerSecurity.DEFAULT_MAX_PENDING_HANDSHAKES, null,
                Limits.defaults(), null, FsyncPolicy.ALWAYS, Protection.defaults(),
                RecoveryOptions.NONE);
    }

    public RegistryConfig withPort(int p) {
        return new RegistryConfig(p, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    public RegistryConfig withBindAddress(String a) {
        return new RegistryConfig(port, a, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    public RegistryConfig withAdvertiseHost(String h) {
        return new RegistryConfig(port, bindAddress, h, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    public RegistryConfig withLeaseMillis(long l) {
        return new RegistryConfig(port, bindAddress, advertiseHost, l, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    public RegistryConfig withMaxValueBytes(int m) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, m, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    public RegistryConfig withWaitSliceMillis(long w) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, w,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    /** Uses {@code key} (e.g. in tests, or a key the embedding application manages). */
    public RegistryConfig withAuthKey(AuthKey key) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                key, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    /** Uses the key in {@code file}, created with a new random key if it does not exist. */
    public RegistryConfig withAuthKeyFile(Path file) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, file, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    public RegistryConfig withHandshakeTimeoutMillis(int millis) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, millis, maxPendingHandshakes, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    public RegistryConfig withMaxPendingHandshakes(int n) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, n, tls, limits, dataDir, fsync, protection,
                recovery);
    }

    /** Serves every connection over TLS (null: plain TCP). */
    public RegistryConfig withTls(Tls t) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, t, limits, dataDir, fsync, protection,
                recovery);
    }

    public RegistryConfig withLimits(Limits l) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, l, dataDir, fsync, protection,
                recovery);
    }

    /** Keeps objects in {@code dir} across restarts (null: in memory only). */
    public RegistryConfig withDataDir(Path dir) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dir, fsync, protection,
                recovery);
    }

    public RegistryConfig withFsync(FsyncPolicy policy) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, policy, protection,
                recovery);
    }

    /** What one authenticated worker may cost the registry. */
    public RegistryConfig withProtection(Protection p) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync, p,
                recovery);
    }

    /** With {@code --skip-damaged-records} and {@code --accept-rollback} as {@code options} says. */
    public RegistryConfig withRecovery(RecoveryOptions options) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis,
                authKey, authKeyFile, handshakeTimeoutMillis, maxPendingHandshakes, tls, limits, dataDir, fsync,
                protection, options);
    }
}
