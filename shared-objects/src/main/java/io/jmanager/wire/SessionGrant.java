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

    public SessionGrant(long sessionId, long epoch, long leaseMillis, int maxValueBytes, String registryVersion) {
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
}
