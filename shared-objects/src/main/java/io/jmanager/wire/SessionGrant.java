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
    /** Added in 0.1: 0 when the registry did not tell (an older registry). */
    private final long maxCallBytes;
    /** Added in 0.1: 0 when the registry did not tell (an older registry). */
    private final int maxBatchItems;

    public SessionGrant(long sessionId, long epoch, long leaseMillis, int maxValueBytes, String registryVersion) {
        this(sessionId, epoch, leaseMillis, maxValueBytes, registryVersion, false);
    }

    /** With {@code durable}: whether the registry keeps its objects in a data directory across restarts. */
    public SessionGrant(long sessionId, long epoch, long leaseMillis, int maxValueBytes, String registryVersion,
                        boolean durable) {
        this(sessionId, epoch, leaseMillis, maxValueBytes, registryVersion, durable, 0);
    }

    /** With {@code maxCallBytes}: the most bytes the registry reads of one call ({@code --max-call-bytes}). */
    public SessionGrant(long sessionId, long epoch, long leaseMillis, int maxValueBytes, String registryVersion,
                        boolean durable, long maxCallBytes) {
        this(sessionId, epoch, leaseMillis, maxValueBytes, registryVersion, durable, maxCallBytes, 0);
    }

    /** With {@code maxBatchItems}: the most items of one batch call ({@code --max-batch-size}). */
    public SessionGrant(long sessionId, long epoch, long leaseMillis, int maxValueBytes, String registryVersion,
                        boolean durable, long maxCallBytes, int maxBatchItems) {
        this.maxBatchItems = maxBatchItems;
        this.maxCallBytes = maxCallBytes;
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

    /**
     * The most bytes the registry reads of one call ({@code --max-call-bytes}), counted at its socket; a worker
     * refuses a batch certainly above it before sending any of it. 0 if the registry did not say.
     */
    public long maxCallBytes() {
        return maxCallBytes;
    }

    /** The most items (or operations) of one batch call ({@code --max-batch-size}); 0 if the registry did not say. */
    public int maxBatchItems() {
        return maxBatchItems;
    }

    /** True if the registry keeps its objects in a data directory: a restart keeps them (not sessions or holds). */
    public boolean durable() {
        return durable;
    }
}
