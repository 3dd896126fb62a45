package io.jmanager;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A shared FIFO queue, Python's {@code manager.Queue(maxsize)} and {@code JoinableQueue}: a {@link BlockingQueue}
 * whose operations are atomic on the registry; blocking ones wait on the registry in bounded slices, honour
 * timeouts and interrupts, and never leave an item taken for a caller that gave up. Elements read are copies.
 * Iteration walks a snapshot.
 *
 * @param <E> element type
 */
public interface SharedQueue<E> extends BlockingQueue<E>, SharedObject {
    /**
     * Marks one item taken earlier as processed (Python's {@code task_done()}).
     *
     * @throws IllegalStateException if called more times than items were put
     */
    void taskDone();

    /** Waits until every item put has been marked done (Python's {@code join()}). */
    void join() throws InterruptedException;

    /** Waits up to the timeout; true when every item put has been marked done. */
    boolean join(long timeout, TimeUnit unit) throws InterruptedException;

    /** Items put and not yet marked done. */
    int unfinishedTasks();

    // Asynchronous operations (see SharedDict and AsyncOptions); the blocking ones (put, take) stay synchronous

    /** {@link #offer(Object)} without waiting, asynchronously: false if the queue is full. */
    default CompletableFuture<Boolean> offerAsync(E value) {
        return Async.now(() -> offer(value));
    }

    /** {@link #poll()} without waiting, asynchronously: null if the queue is empty. */
    default CompletableFuture<E> pollAsync() {
        return Async.now(this::poll);
    }
}
