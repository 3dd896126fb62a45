package io.jmanager.registry.log;

import io.jmanager.registry.RegistryObserver;
import io.jmanager.registry.SessionEnd;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Logs what happens in a registry, one record per event, on the logger {@code io.jmanager.registry}: sessions
 * opened (INFO) and ended with their cause (INFO when closed, WARN when the worker left without closing), locks
 * taken back from sessions that ended holding them (WARN), and durability commits slower than
 * {@value #SLOW_COMMIT_MILLIS} ms (WARN, at most one record every 10 s, counting those in between). Refused
 * connections are logged, rate-limited, where they are counted ({@code RegistryServer}). Thread-safe.
 */
public final class EventLog implements RegistryObserver {
    /** A commit slower than this is logged. */
    public static final long SLOW_COMMIT_MILLIS = 500;
    private static final long REPORT_NANOS = 10_000_000_000L;
    private static final System.Logger LOG = System.getLogger("io.jmanager.registry");
    private final AtomicLong slowSinceReport = new AtomicLong();
    private final AtomicLong lastSlowReport = new AtomicLong(System.nanoTime() - REPORT_NANOS);

    @Override
    public void sessionOpened(long session, String host, long pid, long leaseMillis) {
        LOG.log(Level.INFO, "session " + session + " opened by " + host + " pid " + pid + " (lease " + leaseMillis
                + " ms)");
    }

    @Override
    public void sessionEnded(long session, String host, long pid, SessionEnd cause, long openMillis) {
        String why = switch (cause) {
            case CLOSED -> "closed by the worker";
            case EXPIRED -> "lease expired: the worker did not renew it (paused, cut off or dead)";
            case CONNECTION_LOST -> "connection lost: the worker's liveness connection closed (its process died)";
            case KILLED -> "killed by an operator (kill-session)";
        };
        LOG.log(cause == SessionEnd.CLOSED ? Level.INFO : Level.WARNING, "session " + session + " of " + host
                + " pid " + pid + " ended after " + seconds(openMillis * 1_000_000) + ": " + why);
    }

    @Override
    public void lockRecovered(String lock, long session, long token, long heldNanos, int waiters, SessionEnd cause) {
        LOG.log(Level.WARNING, "lock '" + lock + "' recovered from session " + session + " (" + cause.label()
                + ") that held it for " + seconds(heldNanos) + "; its fencing token " + token + " is stale now; "
                + waiters + " waiting");
    }

    @Override
    public void committed(long nanos, int batch) {
        if (nanos < SLOW_COMMIT_MILLIS * 1_000_000) {
            return;
        }
        long n = slowSinceReport.incrementAndGet();
        long now = System.nanoTime();
        long last = lastSlowReport.get();
        if (now - last >= REPORT_NANOS && lastSlowReport.compareAndSet(last, now)) {
            slowSinceReport.addAndGet(-n);
            LOG.log(Level.WARNING, "slow durability commit: " + seconds(nanos) + " for " + batch + " writer(s)"
                    + (n > 1 ? " (" + n + " commits over " + SLOW_COMMIT_MILLIS + " ms since the last report)" : "")
                    + "; the data directory's disk is slow or busy");
        }
    }

    @Override
    public void connectionRefused(InetAddress peer, String reason) {
        // logged, rate-limited, by the registry's refusal counter
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f s", nanos / 1e9);
    }
}
