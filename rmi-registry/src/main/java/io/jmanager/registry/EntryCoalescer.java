package io.jmanager.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A group leader's record entries on their way into the Raft log, coalesced while the log is busy ("group
 * commit"): an entry submitted while fewer than {@code maxInFlight} appended entries await their commit is appended
 * at once, on the calling thread (unless it is gathered, below); one submitted while that many are in flight
 * waits, and when one of them is committed every waiting entry goes into the log together, as one log entry (their
 * changes concatenated in submission order, a valid {@link RecordLog} entry), up to {@code maxBatchBytes}. Under
 * light load every entry is appended the moment it is submitted; under heavy load one Raft entry, one append, one
 * replication round and one apply on each member carry many mutations.
 *
 * <p><b>Order.</b> Entries reach the log in the order of the {@link #submit} calls that returned, so callers that
 * submit under a lock (an object's mutex) keep their log order. <b>Atomicity.</b> A coalesced log entry is
 * applied whole or not at all, so its entries share one outcome: each one's future completes as the log entry's
 * does. <b>Failure.</b> After {@link #close}, or once an append failed, waiting entries are failed and new ones
 * are refused (an entry computed after a failed one must not be committed without it).
 *
 * <p><b>Gathering</b> (when {@code gatherNanos} is positive). Writers that wait for their answer come back
 * together: the callers answered by one commit submit their next entries a round trip later, while the next log
 * entry is already on its way with what waited meanwhile, so under a steady load from N synchronous callers the
 * log entries alternate between carrying some of them and the rest (about N/2 each, twice the rounds needed). So
 * when the log has room, entries are appended once as many distinct submitting threads wait as took part in the
 * last round (those in the last committed log entry and those waiting when it committed), or {@code gatherNanos}
 * after the first of them began to wait, whichever comes first. A lone caller never waits (it alone took part), so
 * a light load appends at once as before; the wait is paid only by a round with fewer callers than the last one.
 * Like PostgreSQL's {@code commit_delay} with {@code commit_siblings} and the single registry's group commit
 * ({@code MvStoreDurability.gather}): bounded, and only when others are active.
 *
 * <p>Thread-safe. Waiting entries are appended on {@code drainer}, which hears of every completed append (never
 * on the thread that completed it, which may be the log's own, holding its locks), or by the submit that completes
 * a gathering, on its thread.
 */
final class EntryCoalescer {
    /** Runs a task on the drainer after a delay. */
    interface Timer {
        /**
         * Runs {@code task} about {@code nanos} from now; may refuse it with {@link RejectedExecutionException} once
         * the drainer is shut down (the coalescer is closed then).
         */
        void after(long nanos, Runnable task);
    }

    private record Waiting(byte[] entry, CompletableFuture<Void> done, long submitter) {
    }

    private final Function<byte[], CompletableFuture<Void>> append;
    private final Executor drainer;
    private final int maxInFlight;
    private final int maxBatchBytes;
    private final long gatherNanos;
    private final Timer timer;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
    /** How many distinct submitters took part in the last round: the next entry waits for as many. */
    private int expected = 1;
    /** Whether the waiting entries are being gathered ({@link #gatherDue} set, its timer task scheduled). */
    private boolean gathering;
    /** When the current gathering ends ({@link System#nanoTime()}). */
    private long gatherDue;
    /** Counts gatherings, so that a timer task of an earlier one does nothing. */
    private long gatherings;
    private int inFlight;
    private Supplier<RuntimeException> refusal;

    /**
     * @param append        appends one record entry to the log now, in call order; its future completes once the
     *                      entry was committed and applied, or exceptionally
     * @param drainer       runs the appends of waiting entries
     * @param maxInFlight   appended entries awaiting their commit before new ones wait (at least 1)
     * @param maxBatchBytes the most bytes of entries coalesced into one (a larger entry goes alone)
     */
    EntryCoalescer(Function<byte[], CompletableFuture<Void>> append, Executor drainer, int maxInFlight,
            int maxBatchBytes) {
        this(append, drainer, maxInFlight, maxBatchBytes, 0, null);
    }

    /**
     * @param gatherNanos how long waiting entries may be gathered for the callers of the last round (0: never)
     * @param timer       runs the end of a gathering on the drainer (unused when {@code gatherNanos} is 0)
     */
    EntryCoalescer(Function<byte[], CompletableFuture<Void>> append, Executor drainer, int maxInFlight,
            int maxBatchBytes, long gatherNanos, Timer timer) {
        if (maxInFlight < 1 || maxBatchBytes < 1 || gatherNanos < 0 || (gatherNanos > 0 && timer == null)) {
            throw new IllegalArgumentException("maxInFlight and maxBatchBytes must be at least 1, gatherNanos at"
                    + " least 0, and a positive gatherNanos needs a timer");
        }
        this.append = append;
        this.drainer = drainer;
        this.maxInFlight = maxInFlight;
        this.maxBatchBytes = maxBatchBytes;
        this.gatherNanos = gatherNanos;
        this.timer = timer;
    }

    /**
     * Appends {@code recordEntry} now, or coalesces it with the next log entry if the log is busy.
     *
     * @return completes once the log entry that carries it was committed and applied, or exceptionally as that
     *         log entry's append did (or with the refusal given to {@link #close})
     */
    synchronized CompletableFuture<Void> submit(byte[] recordEntry) {
        if (refusal != null) {
            return CompletableFuture.failedFuture(refusal.get());
        }
        long submitter = Thread.currentThread().getId();
        if (inFlight < maxInFlight && waiting.isEmpty() && (gatherNanos == 0 || expected <= 1)) {
            return appendNow(recordEntry, Set.of(submitter)); // nothing waits: nothing to keep order with
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting.add(new Waiting(recordEntry, done, submitter));
        drain(); // appends now if the log has room and the gathering is complete
        return done;
    }

    /** Fails every waiting entry with {@code why}'s exception and refuses new ones; appended entries go on. */
    void close(Supplier<RuntimeException> why) {
        List<Waiting> failed;
        synchronized (this) {
            if (refusal != null) {
                return;
            }
            refusal = why;
            failed = new ArrayList<>(waiting);
            waiting.clear();
        }
        completeAll(failed, why.get());
    }

    /** Entries waiting now (for tests and status). */
    synchronized int waiting() {
        return waiting.size();
    }

    // holds the lock: the append is made in submission order
    private CompletableFuture<Void> appendNow(byte[] entry, Set<Long> submitters) {
        inFlight++;
        CompletableFuture<Void> appended;
        try {
            appended = append.apply(entry);
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        // the completing thread may be the log's own, holding its locks while the lock here is held by a thread
        // that is appending: it only hands the news to the drainer
        appended.whenComplete((ok, e) -> onDrainer(() -> appendDone(e, submitters)));
        return appended;
    }

    private void onDrainer(Runnable task) {
        try {
            drainer.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: the waiting entries were failed, nothing more is appended
        }
    }

    // on the drainer
    private void appendDone(Throwable failure, Set<Long> submitters) {
        List<Waiting> failed = List.of();
        synchronized (this) {
            inFlight--;
            if (failure == null) {
                Set<Long> round = waitingSubmitters();
                round.addAll(submitters);
                expected = round.size();
            }
            if (failure != null && refusal == null) {
                RuntimeException cause = failure instanceof CompletionException c
                        && c.getCause() instanceof RuntimeException r ? r
                        : failure instanceof RuntimeException r ? r : new IllegalStateException(failure);
                refusal = () -> cause;
                failed = new ArrayList<>(waiting);
                waiting.clear();
            }
            drain();
        }
        completeAll(failed, failure);
    }

    // on the drainer: the gathering numbered n is due
    private synchronized void gatherDue(long n) {
        if (gathering && gatherings == n) {
            gatherDue = System.nanoTime();
            drain();
        }
    }

    // holds the lock
    private void drain() {
        while (!waiting.isEmpty() && inFlight < maxInFlight && refusal == null && !stillGathering()) {
            List<Waiting> batch = new ArrayList<>();
            Set<Long> submitters = new HashSet<>();
            int bytes = 0;
            while (!waiting.isEmpty() && (batch.isEmpty()
                    || bytes + waiting.peek().entry().length <= maxBatchBytes)) {
                Waiting w = waiting.poll();
                batch.add(w);
                submitters.add(w.submitter());
                bytes += w.entry().length;
            }
            byte[] entry = batch.size() == 1 ? batch.get(0).entry()
                    : RecordLog.concatenate(batch.stream().map(Waiting::entry).toList());
            appendNow(entry, submitters).whenComplete((ok, e) -> completeAll(batch, e));
        }
    }

    /**
     * Whether the waiting entries should wait for more submitters of the last round; starts a gathering (and its
     * timer) when they first should, ends it once as many wait as took part or its time is up. Holds the lock.
     */
    private boolean stillGathering() {
        if (gatherNanos == 0 || waitingSubmitters().size() >= expected) {
            gathering = false;
            return false;
        }
        if (!gathering) {
            gathering = true;
            gatherDue = System.nanoTime() + gatherNanos;
            long n = ++gatherings;
            try {
                timer.after(gatherNanos, () -> gatherDue(n));
            } catch (RejectedExecutionException e) {
                // closed: the waiting entries were failed, nothing more is appended
            }
            return true;
        }
        if (System.nanoTime() - gatherDue < 0) {
            return true;
        }
        gathering = false;
        return false;
    }

    /** The distinct threads whose entries wait (a new set). Holds the lock. */
    private Set<Long> waitingSubmitters() {
        Set<Long> submitters = new HashSet<>();
        waiting.forEach(w -> submitters.add(w.submitter()));
        return submitters;
    }

    /** Completes every entry of {@code entries} as their log entry's append did ({@code failure} null: committed). */
    private static void completeAll(List<Waiting> entries, Throwable failure) {
        for (Waiting w : entries) {
            if (failure == null) {
                w.done().complete(null);
            } else {
                w.done().completeExceptionally(failure);
            }
        }
    }
}
