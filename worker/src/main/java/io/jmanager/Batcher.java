package io.jmanager;

import io.jmanager.wire.BatchCodec;
import io.jmanager.wire.BatchCodec.Call;
import io.jmanager.wire.BatchCodec.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A manager's asynchronous operations, sent in batches ("smart batching"). Each operation goes to the lane of its
 * object (its name's hash), and each lane has at most one batch call in flight: an operation issued while its lane
 * is idle is sent at once, alone; operations issued while a call is in flight wait and go together in the next
 * call, up to {@link AsyncOptions#maxBatchSize()} (and the registry's {@code --max-batch-size} and call budget).
 * So nothing waits for a timer, and batches grow with the load.
 *
 * <p>Order: the operations on one object, from every thread of this manager, are applied in the order they were
 * issued (one lane, first in first out, one call at a time). Operations on different objects may be applied in any
 * order relative to each other. A synchronous call through {@link #call} comes after the asynchronous operations
 * its thread issued before on the same object; other synchronous calls are not ordered with them.
 *
 * <p>Futures complete on the lane's thread: callbacks attached with {@code thenApply} and the like run there, and
 * one that blocks holds up its lane; use the {@code *Async(..., executor)} variants for slow callbacks.
 *
 * <p><b>Synchronous calls</b> that have a batch form ({@link #call}) share the lanes when
 * {@link AsyncOptions#shareSynchronousCalls()} is on: a call whose lane is idle runs as its own remote call in the
 * calling thread, exactly as without sharing (so a lone thread pays nothing for it); a call issued while its lane
 * has a call in flight waits in the lane's queue and goes in the next batch, and its thread waits for the answer.
 * Under load, many threads' calls then share each round trip instead of each paying one.
 *
 * <p>A lane is idle, busy (a call in flight, or its sender preparing one) or lingering (its sender has just
 * handed out answers and gives the woken threads the CPU a few times before it goes idle, so that what they issue
 * next goes in its next batch). Thread-safe.
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
            Thread t = new SenderThread(r, "jmanager-async-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** How often an emptied lane gives up the CPU and looks again before it goes idle. */
    private static final int IDLE_YIELDS = 4;

    /**
     * One operation waiting for its answer; {@code counted} if it holds one of the {@link AsyncOptions#maxPending()}
     * places (asynchronous operations do; a synchronous call's waiting thread bounds it instead).
     */
    private record Pending(Call call, CompletableFuture<Object> future, Function<Outcome, ?> result,
                           boolean counted) {
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
        lane(call).offer(new Pending(call, future, result, true));
        return (CompletableFuture<T>) (CompletableFuture<?>) future;
    }

    /**
     * Runs a synchronous operation: {@code direct} (its own remote call) in this thread when the operation's lane
     * is idle or lingering with nothing queued; otherwise {@code call} goes in the lane's next batch and this thread
     * waits for its answer, which {@code result} turns into the return value, or for its error, which is thrown.
     * Each object's operations keep the order they were issued in, as for {@link #submit}.
     */
    @SuppressWarnings("unchecked")
    <T> T call(Call call, Function<Outcome, T> result, Supplier<T> direct) {
        Lane lane = lane(call);
        if (closed || Thread.currentThread() instanceof SenderThread) {
            // closed: the call fails as any call of a closed manager does; a future's callback runs on a sender
            // thread, which must not wait for a sender
            return direct.get();
        }
        if (lane.claimForDirectCall()) {
            try {
                return direct.get();
            } finally {
                lane.endDirectCall();
            }
        }
        Pending queued = new Pending(call, new CompletableFuture<>(), result, false);
        lane.offer(queued);
        return (T) answer(lane, queued);
    }

    /**
     * Waits for a queued synchronous call's answer, uninterruptibly like a remote call; rethrows its error. A call
     * still queued after the read timeout (the calls ahead of it are not answered: a hung registry) is taken out
     * of the queue, never to be sent, and fails as a direct call would; once sent, its batch call's own read
     * timeout bounds the wait.
     */
    private Object answer(Lane lane, Pending p) {
        CompletableFuture<Object> future = p.future();
        boolean interrupted = false;
        boolean sent = false;
        long timeoutMillis = manager.connection().options().readTimeout().toMillis();
        long queuedAt = System.nanoTime();
        try {
            while (true) {
                try {
                    if (sent) {
                        return future.get();
                    }
                    long left = timeoutMillis * 1_000_000L - (System.nanoTime() - queuedAt);
                    if (left <= 0) {
                        if (lane.queue.remove(p)) {
                            throw new RegistryUnavailableException(manager.url(), "it did not answer in time: this"
                                    + " call to '" + p.call().object() + "' waited the read timeout ("
                                    + timeoutMillis + " ms) behind calls the registry did not answer, and was not"
                                    + " sent; it is stopped, hung or overloaded, or the network to it is cut", null);
                        }
                        sent = true; // a sender took it: its batch call's deadline bounds the rest
                        continue;
                    }
                    return future.get(left, TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // loop: the deadline check above decides
                } catch (InterruptedException e) {
                    interrupted = true; // the call was sent or is about to be: its outcome must not be lost
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException r) {
                        throw r;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new JManagerException("a shared call failed: " + cause, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The threads that send batches and complete futures (and so run their callbacks). */
    private static final class SenderThread extends Thread {
        SenderThread(Runnable task, String name) {
            super(task, name);
        }
    }

    private Lane lane(Call call) {
        return lanes[Math.floorMod(call.object().hashCode(), lanes.length)];
    }

    /** Batch calls sent so far (for tests and the benchmark). */
    long batches() {
        return batches.sum();
    }

    /** Operations waiting in the lanes' queues, not yet sent (for tests). */
    int queued() {
        int n = 0;
        for (Lane lane : lanes) {
            n += lane.queue.size();
        }
        return n;
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
            lane.failQueued();
        }
        senders.shutdown();
    }

    /** The operations of some objects, sent by one call at a time, in order. */
    private final class Lane {
        private static final int IDLE = 0;
        private static final int BUSY = 1;
        private static final int LINGERING = 2;
        private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
        /** {@link #IDLE}, {@link #BUSY} or {@link #LINGERING}; see the class comment. */
        private final AtomicInteger state = new AtomicInteger(IDLE);

        void offer(Pending p) {
            queue.add(p);
            wake();
        }

        private void wake() {
            if (!queue.isEmpty() && state.compareAndSet(IDLE, BUSY)) {
                try {
                    senders.execute(this::drain);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    state.set(IDLE); // closed meanwhile: close() fails what is queued
                    close();
                }
            }
        }

        /**
         * Takes the lane for a synchronous call's own remote call: only when nothing is queued (an operation
         * queued before must go first) and no call is in flight. A lingering sender gives the lane up to it.
         */
        boolean claimForDirectCall() {
            if (!queue.isEmpty()) {
                return false;
            }
            int s = state.get();
            return s != BUSY && state.compareAndSet(s, BUSY);
        }

        /** Fails what is queued: the manager is closed. */
        void failQueued() {
            for (Pending p; (p = queue.poll()) != null; ) {
                fail(p, new IllegalStateException("the manager for " + manager.url()
                        + " was closed before this operation was sent"));
            }
        }

        /** The direct call is answered: the lane is free, and what was queued meanwhile goes next. */
        void endDirectCall() {
            state.set(IDLE);
            wake();
        }

        /** Sends batches until the queue is empty, then lets the next offer start again. Runs while BUSY. */
        private void drain() {
            try {
                drainBatches();
            } catch (RuntimeException | Error e) { // a bug: the lane must not stay busy with threads waiting on it
                state.set(IDLE);
                for (Pending p; (p = queue.poll()) != null; ) {
                    fail(p, e);
                }
                throw e;
            }
        }

        private void drainBatches() {
            List<Pending> batch = new ArrayList<>();
            while (!closed) {
                take(batch);
                if (batch.isEmpty()) {
                    state.set(IDLE);
                    wake(); // an offer that came after the last poll and saw the lane busy
                    return;
                }
                boolean linger = batch.size() > 1 || batch.get(0).counted();
                send(batch);
                batch.clear();
                if (linger && !lingered()) {
                    return; // a synchronous call took the lane, or it went idle
                }
            }
            state.set(IDLE);
            failQueued(); // closed: whatever came after close() looked, including a synchronous call's
        }

        /**
         * After a batch with asynchronous operations, or from several threads: the answers just handed out may be
         * followed at once by new operations from the threads they woke. Gives them the CPU a few times before
         * the lane goes idle (idle, the next operation costs a hand-off to a new sender task, and goes alone).
         * Returns true if this sender keeps the lane (BUSY) because something was queued meanwhile.
         */
        private boolean lingered() {
            state.set(LINGERING);
            for (int spin = 0; spin < IDLE_YIELDS; spin++) {
                if (!queue.isEmpty()) {
                    break;
                }
                Thread.yield();
            }
            int next = queue.isEmpty() ? IDLE : BUSY;
            if (!state.compareAndSet(LINGERING, next)) {
                return false; // a synchronous call claimed the lane; its end wakes a sender for what is queued
            }
            if (next == BUSY) {
                return true;
            }
            wake(); // idle now: an offer that came after the last look
            return false;
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
                if (p.counted()) {
                    pending.release(); // before the callbacks run, so that they may issue operations again
                }
                p.future().complete(value);
            }
        }
    }

    /** Frees the operation's place among the pending ones, then fails its future (its callbacks run now). */
    private void fail(Pending p, Throwable e) {
        if (p.counted()) {
            pending.release();
        }
        p.future().completeExceptionally(e);
    }

    private static long length(byte[] b) {
        return b == null ? 0 : b.length;
    }
}
