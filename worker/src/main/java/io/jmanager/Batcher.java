package io.jmanager;

import io.jmanager.wire.BatchCodec;
import io.jmanager.wire.BatchCodec.Call;
import io.jmanager.wire.BatchCodec.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A manager's asynchronous operations, sent in batches ("smart batching"). Each operation goes to the lane of its
 * object (its name's hash), and each lane has at most one batch call in flight: an operation issued while its lane
 * is idle is sent at once, alone; operations issued while a call is in flight wait and go together in the next
 * call, up to {@link AsyncOptions#maxBatchSize()} (and the registry's {@code --max-batch-size} and call budget).
 * So nothing waits for a timer, and batches grow with the load.
 *
 * <p>Order: the operations on one object, from every thread of this manager, are applied in the order they were
 * issued (one lane, first in first out, one call at a time). Operations on different objects may be applied in any
 * order relative to each other, and a synchronous call is not ordered with the asynchronous operations issued
 * before it: wait for their futures first.
 *
 * <p>Futures complete on the lane's thread: callbacks attached with {@code thenApply} and the like run there, and
 * one that blocks holds up its lane; use the {@code *Async(..., executor)} variants for slow callbacks. Thread-safe.
 */
final class Batcher implements AutoCloseable {
    private final Manager manager;
    private final AsyncOptions options;
    private final Lane[] lanes;
    private final Semaphore pending;
    private final ExecutorService senders;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.LongAdder batches = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder operations = new java.util.concurrent.atomic.LongAdder();

    Batcher(Manager manager, AsyncOptions options) {
        this.manager = manager;
        this.options = options;
        this.pending = new Semaphore(options.maxPending());
        this.lanes = new Lane[options.lanes()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane();
        }
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jmanager-async-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** How often an emptied lane gives up the CPU and looks again before it goes idle. */
    private static final int IDLE_YIELDS = 4;

    /** One operation waiting for its answer. */
    private record Pending(Call call, CompletableFuture<Object> future, Function<Outcome, ?> result) {
    }

    /**
     * Issues {@code call}; the future completes with {@code result} applied to its outcome, or with the error the
     * registry answered for it alone, or with the failure of its batch call.
     */
    @SuppressWarnings("unchecked")
    <T> CompletableFuture<T> submit(Call call, Function<Outcome, T> result) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new IllegalStateException("the manager for " + manager.url()
                    + " is closed: no more operations"));
            return (CompletableFuture<T>) (CompletableFuture<?>) future;
        }
        if (options.whenFull() == AsyncOptions.Backpressure.FAIL) {
            if (!pending.tryAcquire()) {
                future.completeExceptionally(new TooManyPendingOperationsException(options.maxPending()
                        + " asynchronous operations are pending (AsyncOptions.maxPending); this one was not sent."
                        + " Wait for some futures, or allow more with ManagerOptions.withAsync"));
                return (CompletableFuture<T>) (CompletableFuture<?>) future;
            }
        } else {
            try {
                pending.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                future.completeExceptionally(new JManagerException("interrupted while waiting for one of "
                        + options.maxPending() + " pending asynchronous operations to finish; this one was not sent",
                        e));
                return (CompletableFuture<T>) (CompletableFuture<?>) future;
            }
        }
        lanes[Math.floorMod(call.object().hashCode(), lanes.length)].offer(new Pending(call, future, result));
        return (CompletableFuture<T>) (CompletableFuture<?>) future;
    }

    /** Batch calls sent so far (for tests and the benchmark). */
    long batches() {
        return batches.sum();
    }

    /** Operations sent so far, in {@link #batches()} calls. */
    long operations() {
        return operations.sum();
    }

    /** Fails what was not sent yet; a call in flight still completes its futures. */
    @Override
    public void close() {
        closed = true;
        for (Lane lane : lanes) {
            for (Pending p; (p = lane.queue.poll()) != null; ) {
                fail(p, new IllegalStateException("the manager for " + manager.url()
                        + " was closed before this operation was sent"));
            }
        }
        senders.shutdown();
    }

    /** The operations of some objects, sent by one batch call at a time, in order. */
    private final class Lane {
        private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean sending = new AtomicBoolean();

        void offer(Pending p) {
            queue.add(p);
            wake();
        }

        private void wake() {
            if (!queue.isEmpty() && sending.compareAndSet(false, true)) {
                try {
                    senders.execute(this::drain);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    sending.set(false); // closed meanwhile: close() fails what is queued
                    close();
                }
            }
        }

        /** Sends batches until the queue is empty, then lets the next offer start again. */
        private void drain() {
            try {
                List<Pending> batch = new ArrayList<>();
                while (!closed) {
                    take(batch);
                    if (batch.isEmpty()) {
                        // the answers just handed out may be followed at once by new operations from the threads
                        // they woke: give them the CPU a few times before this lane goes idle (idle, the next
                        // operation costs a hand-off to a new sender task, and goes alone)
                        for (int spin = 0; spin < IDLE_YIELDS && batch.isEmpty(); spin++) {
                            Thread.yield();
                            take(batch);
                        }
                        if (batch.isEmpty()) {
                            break;
                        }
                    }
                    send(batch);
                    batch.clear();
                }
            } finally {
                sending.set(false);
            }
            wake(); // an offer that came after the last poll and saw the lane sending
        }

        private void take(List<Pending> batch) {
            int max = options.maxBatchSize();
            int registryMax = manager.connection().grant().maxBatchItems();
            if (registryMax > 0) {
                max = Math.min(max, registryMax);
            }
            long budget = manager.connection().grant().maxCallBytes();
            long bytes = 0;
            for (Pending p; batch.size() < max && (p = queue.peek()) != null; ) {
                long size = 64L + p.call().object().length() * 3L + length(p.call().a()) + length(p.call().b());
                if (!batch.isEmpty() && budget > 0 && bytes + size > budget / 2) {
                    break; // the rest goes in the next call: half the call budget leaves room for the stream
                }
                bytes += size;
                batch.add(queue.poll());
            }
        }

        private void send(List<Pending> batch) {
            List<Call> calls = new ArrayList<>(batch.size());
            for (Pending p : batch) {
                calls.add(p.call());
            }
            List<Outcome> outcomes;
            batches.increment();
            operations.add(calls.size());
            try {
                byte[] request = BatchCodec.encodeCalls(calls);
                byte[] answer = Calls.call(manager, "a batch of " + calls.size() + " operation(s)",
                        () -> manager.connection().root().batch(manager.session(), request));
                outcomes = BatchCodec.decodeOutcomes(answer, calls.size());
            } catch (RuntimeException | Error e) {
                for (Pending p : batch) {
                    fail(p, e);
                }
                return;
            }
            for (int i = 0; i < batch.size(); i++) {
                Pending p = batch.get(i);
                Outcome o = outcomes.get(i);
                if (o.error() != null) {
                    fail(p, o.error());
                    continue;
                }
                Object value;
                try {
                    value = p.result().apply(o);
                } catch (RuntimeException e) {
                    fail(p, e); // e.g. a value this worker's filter refuses
                    continue;
                }
                pending.release(); // before the callbacks run, so that they may issue operations again
                p.future().complete(value);
            }
        }
    }

    /** Frees the operation's place among the pending ones, then fails its future (its callbacks run now). */
    private void fail(Pending p, Throwable e) {
        pending.release();
        p.future().completeExceptionally(e);
    }

    private static long length(byte[] b) {
        return b == null ? 0 : b.length;
    }
}
