package io.jmanager;

import java.time.Duration;
import java.util.Objects;

/**
 * How a worker connects. Immutable; start from {@link #defaults()}.
 *
 * @param connectTimeout how long to wait for a TCP connection to the registry (default 3 s)
 * @param readTimeout    how long to wait for any answer of the registry (default 30 s; must exceed the wait slice)
 * @param lease          the session lease to ask for; {@link Duration#ZERO} takes the registry's default (10 s)
 * @param waitSlice      the longest one blocking call waits on the registry before this worker calls again
 *                       (default 1 s); interrupts and timeouts are honoured at once regardless
 */
public record ManagerOptions(Duration connectTimeout, Duration readTimeout, Duration lease, Duration waitSlice) {
    public ManagerOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(waitSlice, "waitSlice");
        if (connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
        if (readTimeout.compareTo(waitSlice.plusSeconds(1)) < 0) {
            throw new IllegalArgumentException("readTimeout " + readTimeout + " must exceed waitSlice " + waitSlice
                    + " by at least a second");
        }
        if (lease.isNegative()) {
            throw new IllegalArgumentException("lease must not be negative, got " + lease);
        }
        if (waitSlice.toMillis() < 1) {
            throw new IllegalArgumentException("waitSlice must be at least 1 ms, got " + waitSlice);
        }
    }

    public static ManagerOptions defaults() {
        return new ManagerOptions(Duration.ofSeconds(3), Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(1));
    }

    public ManagerOptions withConnectTimeout(Duration d) {
        return new ManagerOptions(d, readTimeout, lease, waitSlice);
    }

    public ManagerOptions withReadTimeout(Duration d) {
        return new ManagerOptions(connectTimeout, d, lease, waitSlice);
    }

    public ManagerOptions withLease(Duration d) {
        return new ManagerOptions(connectTimeout, readTimeout, d, waitSlice);
    }

    public ManagerOptions withWaitSlice(Duration d) {
        return new ManagerOptions(connectTimeout, readTimeout, lease, d);
    }
}
