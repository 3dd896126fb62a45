package io.jmanager;

/**
 * How a manager batches its asynchronous operations ({@code putAsync}, {@code addAndGetAsync}, ...). Operations
 * issued while a batch call to the registry is in flight wait and go together in the next one ("smart batching":
 * no timer, so a lone operation goes at once, and the heavier the load, the larger the batches). Immutable.
 *
 * @param lanes        how many batch calls may be in flight at once; each object's operations always take the same
 *                     lane, so they are applied in the order issued (default 4)
 * @param maxBatchSize the most operations in one batch call; the registry's {@code --max-batch-size} also caps it
 *                     (default 256)
 * @param maxPending   the most operations issued and not yet answered, over all lanes (default 65,536)
 * @param whenFull     what issuing one more operation does when {@code maxPending} are pending (default
 *                     {@link Backpressure#BLOCK})
 * @param shareSynchronousCalls whether synchronous operations that have an asynchronous form ({@code put},
 *                     {@code get}, {@code addAndGet}, ...) share batch calls when several threads of the manager
 *                     issue them at once: a call whose lane is idle is sent at once as its own remote call, exactly
 *                     as without sharing; one issued while its lane has a call in flight goes in the lane's next
 *                     batch, and its thread waits for that answer (default true; see {@link Batcher})
 */
public record AsyncOptions(int lanes, int maxBatchSize, int maxPending, Backpressure whenFull,
                           boolean shareSynchronousCalls) {
    /** What an operation issued over {@link #maxPending()} does. */
    public enum Backpressure {
        /** The issuing thread waits until an answer frees a place (interruptibly). */
        BLOCK,
        /** The operation fails at once: its future completes with {@link TooManyPendingOperationsException}. */
        FAIL
    }

    public AsyncOptions {
        if (lanes < 1 || lanes > 64) {
            throw new IllegalArgumentException("lanes must be 1 to 64, got " + lanes);
        }
        if (maxBatchSize < 1) {
            throw new IllegalArgumentException("maxBatchSize must be positive, got " + maxBatchSize);
        }
        if (maxPending < 1) {
            throw new IllegalArgumentException("maxPending must be positive, got " + maxPending);
        }
        if (whenFull == null) {
            throw new IllegalArgumentException("whenFull must be BLOCK or FAIL, not null");
        }
    }

    public static AsyncOptions defaults() {
        return new AsyncOptions(4, 256, 65_536, Backpressure.BLOCK, true);
    }

    public AsyncOptions withLanes(int n) {
        return new AsyncOptions(n, maxBatchSize, maxPending, whenFull, shareSynchronousCalls);
    }

    public AsyncOptions withMaxBatchSize(int n) {
        return new AsyncOptions(lanes, n, maxPending, whenFull, shareSynchronousCalls);
    }

    /** At most {@code n} operations pending; one more blocks or fails as {@code whenFull} says. */
    public AsyncOptions withMaxPending(int n, Backpressure whenFull) {
        return new AsyncOptions(lanes, maxBatchSize, n, whenFull, shareSynchronousCalls);
    }

    /**
     * Whether synchronous operations of several threads share batch calls ({@code false}: each is its own remote
     * call, as before batching existed).
     */
    public AsyncOptions withSharedSynchronousCalls(boolean share) {
        return new AsyncOptions(lanes, maxBatchSize, maxPending, whenFull, share);
    }
}
