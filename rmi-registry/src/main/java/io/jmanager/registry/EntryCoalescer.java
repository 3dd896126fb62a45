package io.jmanager.registry;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A group leader's record entries on their way into the Raft log, coalesced while the log is busy ("group
 * commit"): an entry submitted while fewer than {@code maxInFlight} appended entries await their commit is appended
 * at once, on the calling thread; one submitted while that many are in flight waits, and when one of them is
 * committed every waiting entry goes into the log together, as one log entry (their changes concatenated in
 * submission order, a valid {@link RecordLog} entry), up to {@code maxBatchBytes}. No timer: under light load
 * every entry is appended the moment it is submitted; under heavy load one Raft entry, one append, one
 * replication round and one apply on each member carry many mutations.
 *
 * <p><b>Order.</b> Entries reach the log in the order of the {@link #submit} calls that returned, so callers that
 * submit under a lock (an object's mutex) keep their log order. <b>Atomicity.</b> A coalesced log entry is
 * applied whole or not at all, so its entries share one outcome: each one's future completes as the log entry's
 * does. <b>Failure.</b> After {@link #close}, or once an append failed, waiting entries are failed and new ones
 * are refused (an entry computed after a failed one must not be committed without it).
 *
 * <p>Thread-safe. Waiting entries are appended on {@code drainer}, which hears of every completed append (never
 * on the thread that completed it, which may be the log's own, holding its locks).
 */
final class EntryCoalescer {
    private record Waiting(byte[] entry, CompletableFuture<Void> done) {
    }

    private final Function<byte[], CompletableFuture<Void>> append;
    private final Executor drainer;
    private final int maxInFlight;
    private final int maxBatchBytes;
    private final ArrayDeque<Waiting> waiting = new ArrayDeque<>();
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
        if (maxInFlight < 1 || maxBatchBytes < 1) {
            throw new IllegalArgumentException("maxInFlight and maxBatchBytes must be at least 1");
        }
        this.append = append;
        this.drainer = drainer;
        this.maxInFlight = maxInFlight;
        this.maxBatchBytes = maxBatchBytes;
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
        if (inFlight < maxInFlight && waiting.isEmpty()) { // nothing waits: nothing to keep order with
            return appendNow(recordEntry);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        waiting.add(new Waiting(recordEntry, done));
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
    private CompletableFuture<Void> appendNow(byte[] entry) {
        inFlight++;
        CompletableFuture<Void> appended;
        try {
            appended = append.apply(entry);
        } catch (RuntimeException e) {
            appended = CompletableFuture.failedFuture(e);
        }
        // the completing thread may be the log's own, holding its locks while the lock here is held by a thread
        // that is appending: it only hands the news to the drainer
        appended.whenComplete((ok, e) -> onDrainer(() -> appendDone(e)));
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
    private void appendDone(Throwable failure) {
        List<Waiting> failed = List.of();
        synchronized (this) {
            inFlight--;
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

    // holds the lock
    private void drain() {
        while (!waiting.isEmpty() && inFlight < maxInFlight && refusal == null) {
            List<Waiting> batch = new ArrayList<>();
            int bytes = 0;
            while (!waiting.isEmpty() && (batch.isEmpty()
                    || bytes + waiting.peek().entry().length <= maxBatchBytes)) {
                Waiting w = waiting.poll();
                batch.add(w);
                bytes += w.entry().length;
            }
            byte[] entry = batch.size() == 1 ? batch.get(0).entry()
                    : RecordLog.concatenate(batch.stream().map(Waiting::entry).toList());
            appendNow(entry).whenComplete((ok, e) -> completeAll(batch, e));
        }
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
