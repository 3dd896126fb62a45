package io.jmanager.registry.metrics;

import io.jmanager.registry.ObjectStatus;
import io.jmanager.registry.RegistryObserver;
import io.jmanager.registry.RegistryServer;
import io.jmanager.registry.SessionEnd;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The registry's Prometheus metrics ({@code /metrics} of {@code registry.jar --http}), fed as a
 * {@link RegistryObserver}: every remote call is observed once, into a classic-bucket histogram whose series are
 * created once per (type, operation) and looked up by the call's {@link Method} without allocation. Counts that
 * the registry keeps anyway (sessions, objects, waiters, memory) are read at scrape time, costing the calls
 * nothing. Exemplars are off (there is no tracing to link them to, and sampling them costs every call). Thread-safe.
 *
 * <p>Series (all names start with {@code jmanager_}):
 * <ul>
 *   <li>{@code operation_seconds{type,op,outcome}}: each remote call's time in the registry (for blocking calls,
 *       waiting included, up to one wait slice); {@code outcome} is {@code ok} or the exception's simple class name.
 *       Its {@code _count} is the number of operations;</li>
 *   <li>{@code sessions}, {@code sessions_opened_total}, {@code sessions_ended_total{cause}} with cause
 *       {@code closed}, {@code connection_lost}, {@code lease_expired} or {@code killed};</li>
 *   <li>{@code objects{type}}, {@code waiters{type}}: objects held and calls waiting on them now;</li>
 *   <li>{@code lock_wait_seconds}: how long a granted acquire call waited (a wait longer than one wait slice is
 *       counted by its last slice); {@code lock_hold_seconds}: how long a holder held a lock;
 *       {@code locks_recovered_total{cause}}: locks taken back from sessions that ended holding them;</li>
 *   <li>{@code connections_refused_total}: connections closed during their handshake or over the per-peer
 *       limit;</li>
 *   <li>{@code memory_used_bytes}, {@code memory_budget_bytes};</li>
 *   <li>with a data directory: {@code commit_seconds} (a group commit: store commit and sync, witness sync) and
 *       {@code commit_batch_size} (the writers one group commit answered).</li>
 * </ul>
 */
public final class RegistryMetrics implements RegistryObserver {
    /** Upper bounds of the latency buckets: 10 µs to about 42 s, each twice the one before. */
    static final double[] LATENCY_BOUNDS = exponential(10e-6, 2, 23);

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
    private final Histogram operations;
    private final Counter sessionsOpened;
    private final Counter sessionsEnded;
    private final Histogram lockWait;
    private final Histogram lockHold;
    private final Counter locksRecovered;
    private final Counter refused;
    private final Histogram commitSeconds;
    private final Histogram commitBatch;
    private final Map<SessionEnd, io.prometheus.metrics.core.datapoints.CounterDataPoint> endedByCause =
            new EnumMap<>(SessionEnd.class);
    private volatile RegistryServer server;

    /** Metrics for a registry; {@code durable}: with a data directory (adds the commit series). */
    public RegistryMetrics(boolean durable) {
        operations = Histogram.builder().withoutExemplars().name("jmanager_operation_seconds")
                .help("Time of each remote call in the registry by object type, operation and outcome (ok or the"
                        + " exception's class); blocking calls include their wait, up to one wait slice")
                .unit(Unit.SECONDS).labelNames("type", "op", "outcome").classicOnly()
                .classicUpperBounds(LATENCY_BOUNDS).register(registry);
        sessionsOpened = Counter.builder().withoutExemplars().name("jmanager_sessions_opened_total")
                .help("Worker sessions opened since start").register(registry);
        sessionsEnded = Counter.builder().withoutExemplars().name("jmanager_sessions_ended_total")
                .help("Worker sessions ended since start, by cause: closed, connection_lost (the worker's process"
                        + " died), lease_expired, killed (by an operator)")
                .labelNames("cause").register(registry);
        for (SessionEnd cause : SessionEnd.values()) {
            endedByCause.put(cause, sessionsEnded.labelValues(cause.label())); // every cause shows, from 0
        }
        lockWait = Histogram.builder().withoutExemplars().name("jmanager_lock_wait_seconds")
                .help("How long an acquire call that was granted waited for its lock (at most one wait slice)")
                .unit(Unit.SECONDS).classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
        lockHold = Histogram.builder().withoutExemplars().name("jmanager_lock_hold_seconds")
                .help("How long a holder held a lock, from its grant to its release or its session's end")
                .unit(Unit.SECONDS).classicOnly().classicUpperBounds(LATENCY_BOUNDS).register(registry);
        locksRecovered = Counter.builder().withoutExemplars().name("jmanager_locks_recovered_total")
                .help("Locks taken back from sessions that ended holding them, by the session's end cause")
                .labelNames("cause").register(registry);
        refused = Counter.builder().withoutExemplars().name("jmanager_connections_refused_total")
                .help("Connections closed during their handshake (wrong key, not jmanager, too slow) or over"
                        + " --max-connections-per-peer").register(registry);
        GaugeWithCallback.builder().name("jmanager_sessions").help("Worker sessions open now")
                .callback(cb -> {
                    RegistryServer s = server;
                    if (s != null) {
                        cb.call(s.sessionCount());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("jmanager_objects").help("Shared objects held now, by type")
                .labelNames("type").callback(cb -> byType(false).forEach((t, n) -> cb.call(n, t))).register(registry);
        GaugeWithCallback.builder().name("jmanager_waiters").help("Calls waiting on shared objects now, by type")
                .labelNames("type").callback(cb -> byType(true).forEach((t, n) -> cb.call(n, t))).register(registry);
        GaugeWithCallback.builder().name("jmanager_memory_used_bytes")
                .help("Memory that stored values and calls being read take now (--memory-budget counts it)")
                .unit(Unit.BYTES).callback(cb -> {
                    RegistryServer s = server;
                    if (s != null) {
                        cb.call(s.memory().used());
                    }
                }).register(registry);
        GaugeWithCallback.builder().name("jmanager_memory_budget_bytes").help("The memory budget (--memory-budget)")
                .unit(Unit.BYTES).callback(cb -> {
                    RegistryServer s = server;
                    if (s != null) {
                        cb.call(s.memory().limit());
                    }
                }).register(registry);
        if (durable) {
            commitSeconds = Histogram.builder().withoutExemplars().name("jmanager_commit_seconds")
                    .help("Time of one commit of the data directory: store commit and sync, and the commit"
                            + " witness's sync").unit(Unit.SECONDS).classicOnly().classicUpperBounds(LATENCY_BOUNDS)
                    .register(registry);
            commitBatch = Histogram.builder().withoutExemplars().name("jmanager_commit_batch_size")
                    .help("Writers answered by one group commit (--fsync always)").classicOnly()
                    .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024).register(registry);
        } else {
            commitSeconds = null;
            commitBatch = null;
        }
    }

    /** Starts reading the counts the registry keeps (sessions, objects, waiters, memory) from {@code server}. */
    public void bind(RegistryServer server) {
        this.server = server;
    }

    private Map<String, Long> byType(boolean waiters) {
        Map<String, Long> out = new TreeMap<>();
        RegistryServer s = server;
        if (s == null) {
            return out;
        }
        for (ObjectStatus o : s.objects()) {
            out.merge(o.type().name().toLowerCase(Locale.ROOT), waiters ? (long) o.waiters() : 1L, Long::sum);
        }
        return out;
    }

    @Override
    public boolean timesOperations() {
        return true;
    }

    @Override
    public OperationTimer timer(String objectType, Method method) {
        DistributionDataPoint ok = operations.labelValues(objectType, method.getName(), "ok");
        Map<Class<?>, DistributionDataPoint> failures = new ConcurrentHashMap<>();
        return (nanos, failure) -> {
            double seconds = nanos / 1e9;
            if (failure == null) {
                ok.observe(seconds);
            } else {
                failures.computeIfAbsent(failure.getClass(), c -> operations.labelValues(objectType,
                        method.getName(), c.getSimpleName())).observe(seconds);
            }
        };
    }

    @Override
    public void sessionOpened(long session, String host, long pid, long leaseMillis) {
        sessionsOpened.inc();
    }

    @Override
    public void sessionEnded(long session, String host, long pid, SessionEnd cause, long openMillis) {
        endedByCause.get(cause).inc();
    }

    @Override
    public void lockGranted(String lock, long waitedNanos) {
        lockWait.observe(waitedNanos / 1e9);
    }

    @Override
    public void lockFreed(String lock, long heldNanos) {
        lockHold.observe(heldNanos / 1e9);
    }

    @Override
    public void lockRecovered(String lock, long session, long token, long heldNanos, int waiters, SessionEnd cause) {
        locksRecovered.labelValues(cause.label()).inc();
    }

    @Override
    public void connectionRefused(InetAddress peer, String reason) {
        refused.inc();
    }

    @Override
    public void committed(long nanos, int batch) {
        if (commitSeconds != null) {
            commitSeconds.observe(nanos / 1e9);
            if (batch > 0) {
                commitBatch.observe(batch);
            }
        }
    }

    /** Writes every series in the Prometheus text format (version 0.0.4). */
    public void writeText(OutputStream out) throws IOException {
        writer.write(out, registry.scrape());
    }

    /** The content type of {@link #writeText}. */
    public String contentType() {
        return writer.getContentType();
    }

    /**
     * The operations so far, summed over outcomes, for the status page's charts: for each {@code type.op}, the
     * count of calls in each latency bucket (not cumulative), in the order of {@link #latencyBounds()}.
     */
    public Map<String, long[]> operationBuckets() {
        Map<String, long[]> out = new TreeMap<>();
        HistogramSnapshot snapshot = operations.collect();
        for (HistogramSnapshot.HistogramDataPointSnapshot point : snapshot.getDataPoints()) {
            Labels labels = point.getLabels();
            String key = labels.get("type") + "." + labels.get("op");
            long[] counts = out.computeIfAbsent(key, k -> new long[LATENCY_BOUNDS.length + 1]);
            ClassicHistogramBuckets buckets = point.getClassicBuckets();
            for (int i = 0; i < buckets.size() && i < counts.length; i++) {
                counts[i] += buckets.getCount(i);
            }
        }
        return out;
    }

    /** The upper bounds of the latency buckets in seconds, without the last one (+Inf). */
    public static List<Double> latencyBounds() {
        return java.util.Arrays.stream(LATENCY_BOUNDS).boxed().toList();
    }

    private static double[] exponential(double start, double factor, int count) {
        double[] out = new double[count];
        for (int i = 0; i < count; i++) {
            out[i] = start * Math.pow(factor, i);
        }
        return out;
    }
}
