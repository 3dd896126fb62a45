package io.jmanager;

import io.jmanager.wire.RemoteBlocking;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Bounded blocking on the client. A blocking operation first tries once on the calling thread: without waiting
 * when it is interruptible, or waiting up to {@link #FIRST_SLICE_NANOS} when it is not ({@code lock()}, an
 * uninterruptible condition wait), which saves a thread hand-off for short waits. If that grants nothing it waits
 * on the registry in slices of at most {@code sliceNanos}, each slice running on a wait thread while the caller
 * waits for it, recomputing the remaining budget with {@link System#nanoTime()}.
 *
 * <p>An interrupt of the caller cancels the wait on the registry ({@link RemoteBlocking#cancelWait}) and then
 * collects the slice in flight: if it had already been granted, the caller gets the grant with its interrupt
 * status set (never a grant left behind); otherwise {@link InterruptedException}. A timed-out wait grants nothing
 * either, because the registry never waits past the budget it was given. Thread-safe.
 */
final class Waits implements AutoCloseable {
    /** One attempt: returns the grant, or null if nothing was granted within {@code nanos}. */
    @FunctionalInterface
    interface Slice<T> {
        T attempt(long waitId, long nanos) throws Exception;
    }

    /** No timeout. */
    static final long FOREVER = -1;

    /**
     * The longest first slice of an uninterruptible wait, run on the calling thread; longer waits go on in slices on
     * a wait thread, where they can be watched and cancelled.
     */
    static final long FIRST_SLICE_NANOS = 50_000_000L;

    private final ExecutorService executor;
    private final AtomicLong waitIds = new AtomicLong();
    private final long sliceNanos;

    Waits(long sliceNanos) {
        this.sliceNanos = sliceNanos;
        AtomicLong threads = new AtomicLong();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jmanager-wait-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** A new wait id, unique within this manager's session. */
    long newWaitId() {
        return waitIds.incrementAndGet();
    }

    /**
     * Waits for a grant.
     *
     * @param timeoutNanos  the budget; 0 tries once; {@link #FOREVER} waits without limit
     * @param interruptible whether an interrupt ends the wait (otherwise it is kept and re-asserted at the end)
     * @return the grant, or null if none came within the budget
     */
    <T> T await(ProxyContext proxy, RemoteBlocking remote, long waitId, long timeoutNanos, boolean interruptible,
                Slice<T> slice) throws InterruptedException, BrokenBarrierException {
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long begin = System.nanoTime();
        T granted = interruptible || timeoutNanos == 0
                ? proxy.callResendable(() -> slice.attempt(waitId, 0))
                : firstSliceOnCaller(proxy, waitId, timeoutNanos, slice);
        if (granted != null || timeoutNanos == 0) {
            return granted;
        }
        boolean forever = timeoutNanos < 0;
        long deadline = begin + timeoutNanos;
        boolean interrupted = false;
        try {
            while (true) {
                long remaining = forever ? sliceNanos : deadline - System.nanoTime();
                if (remaining <= 0) {
                    return null;
                }
                long nanos = Math.min(remaining, sliceNanos);
                proxy.manager.checkUsable();
                Future<T> inFlight;
                try {
                    inFlight = executor.submit(() -> proxy.callResendable(() -> slice.attempt(waitId, nanos)));
                } catch (RejectedExecutionException e) {
                    throw proxy.manager.failureAfterClose(e); // closed since checkUsable()
                }
                try {
                    granted = unwrap(proxy, inFlight, false);
                } catch (InterruptedException e) {
                    interrupted = true;
                    if (interruptible) {
                        try {
                            proxy.call(() -> {
                                remote.cancelWait(proxy.manager.session(), waitId);
                                return null;
                            });
                        } catch (RuntimeException cancelFailed) {
                            // e.g. the manager was closed meanwhile: the slice in flight must still be collected,
                            // or what it was granted would be lost; it ends with its slice at the latest
                            e.addSuppressed(cancelFailed);
                        }
                    }
                    granted = unwrap(proxy, inFlight, true);
                    if (granted == null && interruptible) {
                        interrupted = false;
                        throw e;
                    }
                }
                if (granted != null) {
                    return granted;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The first slice of an uninterruptible wait, on the calling thread: nothing has to react to an interrupt at
     * once, so a grant that comes within {@link #FIRST_SLICE_NANOS} costs one round trip and no thread hand-off.
     * The interrupt status is cleared for the call (a retry's back-off sleep must not see it) and restored after.
     */
    private <T> T firstSliceOnCaller(ProxyContext proxy, long waitId, long timeoutNanos, Slice<T> slice)
            throws BrokenBarrierException {
        long first = Math.min(FIRST_SLICE_NANOS, sliceNanos);
        long nanos = timeoutNanos < 0 ? first : Math.min(timeoutNanos, first);
        boolean wasInterrupted = Thread.interrupted();
        try {
            return proxy.callResendable(() -> slice.attempt(waitId, nanos));
        } finally {
            if (wasInterrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static <T> T unwrap(ProxyContext proxy, Future<T> future, boolean uninterruptibly)
            throws InterruptedException, BrokenBarrierException {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get();
                } catch (InterruptedException e) {
                    if (!uninterruptibly) {
                        throw e;
                    }
                    interrupted = true;
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof BrokenBarrierException b) {
                        throw b;
                    }
                    if (cause instanceof RuntimeException r) {
                        throw proxy.manager.failureAfterClose(r);
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw proxy.translate((Exception) cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
