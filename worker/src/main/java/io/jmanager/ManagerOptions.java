package io.jmanager;

import java.time.Duration;
import java.util.Objects;

/**
 * How a worker connects. Immutable; start from {@link #defaults()}.
 *
 * @param connectTimeout    how long to wait for a TCP connection to the registry (default 3 s)
 * @param readTimeout       how long to wait for any answer of the registry (default 30 s; must exceed the wait
 *                          slice by a second)
 * @param lease             the session lease to ask for; {@link Duration#ZERO} takes the registry's default (10 s)
 * @param waitSlice         the longest one blocking call waits on the registry before this worker calls again
 *                          (default 1 s); interrupts and timeouts are honoured at once regardless
 * @param reconnectAttempts how many times a call retries when the registry cannot be reached, before it fails
 *                          with {@link RegistryUnavailableException} (default 4)
 * @param reconnectBackoff  the first pause between those retries, doubled each time up to 2 s (default 100 ms)
 */
public record ManagerOptions(Duration connectTimeout, Duration readTimeout, Duration lease, Duration waitSlice,
                             int reconnectAttempts, Duration reconnectBackoff) {
    public ManagerOptions {
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(lease, "lease");
        Objects.requireNonNull(waitSlice, "waitSlice");
        Objects.requireNonNull(reconnectBackoff, "reconnectBackoff");
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
        if (reconnectAttempts < 0) {
            throw new IllegalArgumentException("reconnectAttempts must not be negative, got " + reconnectAttempts);
        }
        if (reconnectBackoff.isNegative()) {
            throw new IllegalArgumentException("reconnectBackoff must not be negative, got " + reconnectBackoff);
        }
    }

    public static ManagerOptions defaults() {
        return new ManagerOptions(Duration.ofSeconds(3), Duration.ofSeconds(30), Duration.ZERO, Duration.ofSeconds(1),
                4, Duration.ofMillis(100));
    }

    public ManagerOptions withConnectTimeout(Duration d) {
        return new ManagerOptions(d, readTimeout, lease, waitSlice, reconnectAttempts, reconnectBackoff);
    }

    public ManagerOptions withReadTimeout(Duration d) {
        return new ManagerOptions(connectTimeout, d, lease, waitSlice, reconnectAttempts, reconnectBackoff);
    }

    public ManagerOptions withLease(Duration d) {
        return new ManagerOptions(connectTimeout, readTimeout, d, waitSlice, reconnectAttempts, reconnectBackoff);
    }

    public ManagerOptions withWaitSlice(Duration d) {
        return new ManagerOptions(connectTimeout, readTimeout, lease, d, reconnectAttempts, reconnectBackoff);
    }

    public ManagerOptions withReconnect(int attempts, Duration backoff) {
        return new ManagerOptions(connectTimeout, readTimeout, lease, waitSlice, attempts, backoff);
    }

    /** The pause before retry number {@code attempt} (0-based): the backoff doubled per attempt, at most 2 s. */
    long backoffMillis(int attempt) {
        long base = Math.max(1, reconnectBackoff.toMillis());
        return Math.min(2_000, base << Math.min(attempt, 20));
    }
}
