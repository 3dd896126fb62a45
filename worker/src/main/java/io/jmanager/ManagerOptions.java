package io.jmanager;

import io.jmanager.wire.ValueFilter;
import java.time.Duration;
import java.util.Objects;
import javax.net.ssl.SSLContext;

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
 * @param tls               the TLS context for a registry started with {@code --tls} (its trust store, and a client
 *                          certificate for mutual TLS), or null for plain TCP (default; {@code -Djmanager.tls=true}
 *                          makes the default the JVM's default TLS context, set by {@code javax.net.ssl.*})
 * @param valueFilter       which classes this worker deserializes when it reads a value: the JDK's value types
 *                          (default), plus those declared with {@link #allowClasses} and {@link #allowPackages}; a
 *                          value holding anything else fails with {@link ValueClassRefusedException} before any
 *                          code of the refused class runs (see SECURITY.md)
 * @param refusedAsPlaceholders if true, a value that cannot be read here (a refused class, or one not on the class
 *                          path) reads as a {@link RefusedValue} instead of failing: for tools that show values,
 *                          like {@code worker.jar} (default false)
 * @param async             how asynchronous operations ({@code putAsync}, ...) are batched and bounded
 *                          (default {@link AsyncOptions#defaults()})
 */
public record ManagerOptions(Duration connectTimeout, Duration readTimeout, Duration lease, Duration waitSlice,
                             int reconnectAttempts, Duration reconnectBackoff, SSLContext tls,
                             ValueFilter valueFilter, boolean refusedAsPlaceholders, AsyncOptions async) {
    /** The options without value settings: the default value filter, failing on refused values. */
    public ManagerOptions(Duration connectTimeout, Duration readTimeout, Duration lease, Duration waitSlice,
                          int reconnectAttempts, Duration reconnectBackoff, SSLContext tls) {
        this(connectTimeout, readTimeout, lease, waitSlice, reconnectAttempts, reconnectBackoff, tls,
                ValueFilter.defaults(), false, AsyncOptions.defaults());
    }

    public ManagerOptions {
        Objects.requireNonNull(valueFilter, "valueFilter");
        Objects.requireNonNull(async, "async");
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
        ManagerOptions plain = new ManagerOptions(Duration.ofSeconds(3), Duration.ofSeconds(30), Duration.ZERO,
                Duration.ofSeconds(1), 4, Duration.ofMillis(100), null);
        return Boolean.getBoolean("jmanager.tls") ? plain.withTls() : plain;
    }

    public ManagerOptions withConnectTimeout(Duration d) {
        return new ManagerOptions(d, readTimeout, lease, waitSlice, reconnectAttempts, reconnectBackoff, tls,
                valueFilter, refusedAsPlaceholders, async);
    }

    public ManagerOptions withReadTimeout(Duration d) {
        return new ManagerOptions(connectTimeout, d, lease, waitSlice, reconnectAttempts, reconnectBackoff, tls,
                valueFilter, refusedAsPlaceholders, async);
    }

    public ManagerOptions withLease(Duration d) {
        return new ManagerOptions(connectTimeout, readTimeout, d, waitSlice, reconnectAttempts, reconnectBackoff, tls,
                valueFilter, refusedAsPlaceholders, async);
    }

    public ManagerOptions withWaitSlice(Duration d) {
        return new ManagerOptions(connectTimeout, readTimeout, lease, d, reconnectAttempts, reconnectBackoff, tls,
                valueFilter, refusedAsPlaceholders, async);
    }

    public ManagerOptions withReconnect(int attempts, Duration backoff) {
        return new ManagerOptions(connectTimeout, readTimeout, lease, waitSlice, attempts, backoff, tls, valueFilter,
                refusedAsPlaceholders, async);
    }

    /**
     * Connects over TLS with {@code context} (a registry started with {@code --tls}); build one with
     * {@link io.jmanager.wire.TlsContexts#load}. TLS settings apply to the whole JVM, as timeouts do.
     */
    public ManagerOptions withTls(SSLContext context) {
        return new ManagerOptions(connectTimeout, readTimeout, lease, waitSlice, reconnectAttempts, reconnectBackoff,
                Objects.requireNonNull(context, "context"), valueFilter, refusedAsPlaceholders, async);
    }

    /** Connects over TLS with the JVM's default TLS context (set by the {@code javax.net.ssl.*} properties). */
    public ManagerOptions withTls() {
        try {
            return withTls(SSLContext.getDefault());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no default TLS context: " + e.getMessage(), e);
        }
    }

    /** Connects over plain TCP. */
    public ManagerOptions withoutTls() {
        return new ManagerOptions(connectTimeout, readTimeout, lease, waitSlice, reconnectAttempts, reconnectBackoff,
                null, valueFilter, refusedAsPlaceholders, async);
    }

    /**
     * Also deserializes values of exactly these classes (not their subclasses) and arrays of them: the records,
     * enums and other classes of the application that workers store. Their fields' classes must be admitted too
     * (JDK value types are). Example: {@code ManagerOptions.defaults().allowClasses(Order.class, Status.class)}.
     */
    public ManagerOptions allowClasses(Class<?>... classes) {
        return withValueFilter(valueFilter.allowClasses(classes));
    }

    /**
     * Also deserializes values of the classes of these packages: {@code "com.example.model.*"} (that package) or
     * {@code "com.example.**"} (and its sub-packages). Admit only packages of plain value classes: any class there
     * with a {@code readObject}, constructor or static initializer becomes code that every key holder can run in
     * this worker.
     *
     * @throws IllegalArgumentException if a pattern is not a package name followed by {@code .*} or {@code .**}
     */
    public ManagerOptions allowPackages(String... patterns) {
        return withValueFilter(valueFilter.allowPackages(patterns));
    }

    /** Deserializes values through {@code filter} (start from {@link ValueFilter#defaults()}). */
    public ManagerOptions withValueFilter(ValueFilter filter) {
        return new ManagerOptions(connectTimeout, readTimeout, lease, waitSlice, reconnectAttempts, reconnectBackoff,
                tls, Objects.requireNonNull(filter, "filter"), refusedAsPlaceholders, async);
    }

    /**
     * Reads a value that cannot be read here (a class the filter refuses, or one not on the class path) as a
     * {@link RefusedValue} instead of failing; for tools that display values. Nothing of the refused class runs
     * either way.
     */
    public ManagerOptions withRefusedAsPlaceholders(boolean placeholders) {
        return new ManagerOptions(connectTimeout, readTimeout, lease, waitSlice, reconnectAttempts, reconnectBackoff,
                tls, valueFilter, placeholders, async);
    }

    /** Batches and bounds asynchronous operations as {@code async} says. */
    public ManagerOptions withAsync(AsyncOptions async) {
        return new ManagerOptions(connectTimeout, readTimeout, lease, waitSlice, reconnectAttempts, reconnectBackoff,
                tls, valueFilter, refusedAsPlaceholders, Objects.requireNonNull(async, "async"));
    }

    /** The pause before retry number {@code attempt} (0-based): the backoff doubled per attempt, at most 2 s. */
    long backoffMillis(int attempt) {
        long base = Math.max(1, reconnectBackoff.toMillis());
        return Math.min(2_000, base << Math.min(attempt, 20));
    }
}
