package io.jmanager;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** The asynchronous form of an operation done at once: for objects whose operations need no round trip. */
final class Async {
    private Async() {
    }

    /** Runs {@code operation} now; its result or its exception completes the returned future. */
    static <T> CompletableFuture<T> now(Supplier<T> operation) {
        try {
            return CompletableFuture.completedFuture(operation.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Like {@link #now(Supplier)} for an operation without a result. */
    static CompletableFuture<Void> run(Runnable operation) {
        return now(() -> {
            operation.run();
            return null;
        });
    }
}
