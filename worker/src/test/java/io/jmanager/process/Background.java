package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.Timing;
import java.util.Arrays;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * One blocking call on its own thread (small stack), with its outcome, when it ended and whether the thread's
 * interrupt status was set at the end. Every wait here is bounded.
 */
final class Background<T> {
    /** Stack size of test threads: enough for RMI calls, small enough for hundreds of them. */
    static final long STACK = 256 * 1024;

    final Thread thread;
    private final CompletableFuture<T> result = new CompletableFuture<>();
    private volatile long endNanos;
    private volatile boolean interruptedAtEnd;

    private Background(String name, Callable<T> body) {
        this.thread = new Thread(null, () -> {
            try {
                T value = body.call();
                interruptedAtEnd = Thread.currentThread().isInterrupted();
                endNanos = System.nanoTime();
                result.complete(value);
            } catch (Throwable t) {
                interruptedAtEnd = Thread.currentThread().isInterrupted();
                endNanos = System.nanoTime();
                result.completeExceptionally(t);
            }
        }, name, STACK);
        thread.setDaemon(true);
    }

    static <T> Background<T> start(String name, Callable<T> body) {
        Background<T> b = new Background<>(name, body);
        b.thread.start();
        return b;
    }

    /** Waits until the thread is parked waiting for a wait slice (the first, non-blocking attempt is behind it). */
    Background<T> awaitBlocked() {
        awaitTrue(this::isBlockedInSlice, Timing.millis(10_000), () -> thread.getName() + " did not block; state "
                + thread.getState() + " at " + Arrays.toString(thread.getStackTrace()));
        return this;
    }

    boolean isBlockedInSlice() {
        if (thread.getState() != Thread.State.WAITING && thread.getState() != Thread.State.TIMED_WAITING) {
            return false;
        }
        // parked inside the client's bounded wait (waiting for a slice on the registry), not anywhere else
        for (StackTraceElement e : thread.getStackTrace()) {
            if (e.getClassName().equals("io.jmanager.Waits")) {
                return true;
            }
        }
        return false;
    }

    boolean isDone() {
        return result.isDone();
    }

    /** The call's value; fails if it threw or did not end within {@code millis}. */
    T value(long millis) {
        try {
            return result.get(millis, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError(thread.getName() + " failed", e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " did not end within " + millis + " ms; it is at "
                    + Arrays.toString(thread.getStackTrace()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** What the call threw; fails if it returned normally or did not end within {@code millis}. */
    Throwable failure(long millis) {
        try {
            T value = result.get(millis, TimeUnit.MILLISECONDS);
            return fail(thread.getName() + " returned " + value + " instead of throwing");
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (TimeoutException e) {
            return fail(thread.getName() + " did not end within " + millis + " ms; it is at "
                    + Arrays.toString(thread.getStackTrace()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Asserts the call threw {@code type} within {@code millis}; returns it. */
    <X extends Throwable> X failsWith(Class<X> type, long millis) {
        Throwable t = failure(millis);
        return assertInstanceOf(type, t, () -> thread.getName() + " threw " + t);
    }

    /** Waits for the end (bounded) whatever the outcome; true if it returned normally. */
    boolean awaitEnd(long millis) {
        try {
            result.get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException e) {
            return false;
        } catch (TimeoutException e) {
            throw new AssertionError(thread.getName() + " did not end within " + millis + " ms; it is at "
                    + Arrays.toString(thread.getStackTrace()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    long endNanos() {
        assertTrue(result.isDone());
        return endNanos;
    }

    boolean interruptedAtEnd() {
        assertTrue(result.isDone());
        return interruptedAtEnd;
    }

    /** Polls {@code condition} until it holds, for at most {@code millis}. */
    static void awaitTrue(BooleanSupplier condition, long millis, java.util.function.Supplier<String> message) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail(message.get());
            }
            // a thread's state has no event to wait for: poll it, every 2 ms, within the bound
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
            if (Thread.interrupted()) {
                throw new AssertionError("interrupted while waiting for: " + message.get());
            }
        }
    }
}
