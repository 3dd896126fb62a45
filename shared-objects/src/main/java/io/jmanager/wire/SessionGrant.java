package io.jmanager.wire;

import java.io.Serializable;

/**
 * The registry's answer to {@link RemoteManager#openSession}: the session id that, with a client thread id, forms
 * every owner id; the lease the client must renew within; the registry's epoch (changes on every restart); and
 * the limits the client should check before sending. Immutable.
 */
public final class SessionGrant implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long sessionId;
    private final long epoch;
    private final long leaseMillis;
    private final int maxValueBytes;
    private final String registryVersion;
    private final boolean durable;

    public SessionGrant(long sessionId, long epoch, long leaseMillis, int maxValueBytes, String registryVersion) {
        this(sessionId, epoch, leaseMillis, maxValueBytes, registryVersion, false);
    }

    /** With {@code durable}: whether the registry keeps its objects in a data directory across restarts. */
    public SessionGrant(long sessionId, long epoch, long leaseMillis, int maxValueBytes, String registryVersion,
                        boolean durable) {
        this.durable = durable;
        this.sessionId = sessionId;
        this.epoch = epoch;
        this.leaseMillis = leaseMillis;
        this.maxValueBytes = maxValueBytes;
        this.registryVersion = registryVersion;
    }

    public long sessionId() {
        return sessionId;
    }

    public long epoch() {
        return epoch;
    }

    public long leaseMillis() {
        return leaseMillis;
    }

    public int maxValueBytes() {
        return maxValueBytes;
    }

    public String registryVersion() {
        return registryVersion;
    }

    /** True if the registry keeps its objects in a data directory: a restart keeps them (not sessions or holds). */
    public boolean durable() {
        return durable;
    }
}
