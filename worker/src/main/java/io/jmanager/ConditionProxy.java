package io.jmanager;

import io.jmanager.wire.RemoteCondition;
import java.util.Date;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The {@link SharedCondition} proxy. An await is three steps on the registry: {@code awaitBegin} (release the
 * lock, enter the wait set), {@code awaitSlice} until signalled and the lock is held again, and on a timeout or an
 * interrupt {@code awaitGiveUp} followed by uninterruptible {@code awaitSlice} calls until the lock is held again.
 */
final class ConditionProxy extends PlainProxy implements SharedCondition {
    private final SharedLock lock;

    ConditionProxy(ProxyContext ctx, SharedLock lock) {
        super(ctx);
        this.lock = lock;
        ctx.dependsOn(((Proxied) lock).context());
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteCondition remote() {
        return (RemoteCondition) ctx.stub();
    }

    @Override
    public SharedLock lock() {
        return lock;
    }

    /** Awaits; returns true if signalled, false if the budget ran out. The lock is held again in every case. */
    private boolean doAwait(long timeoutNanos, boolean interruptible) throws InterruptedException {
        if (interruptible && Thread.interrupted()) {
            throw new InterruptedException();
        }
        long owner = ProxyContext.thread();
        long session = ctx.session();
        long waitId = ctx.manager.waits().newWaitId();
        // re-sent to a new leader with the same wait id, a begin that was committed is not repeated
        ctx.callResendablePlain(() -> {
            remote().awaitBegin(session, owner, waitId);
            return null;
        });
        Waits.Slice<Integer> slice = (id, n) -> {
            int state = remote().awaitSlice(session, owner, id, n);
            return state == RemoteCondition.WAITING ? null : state;
        };
        Integer state;
        InterruptedException interrupted = null;
        try {
            state = ctx.await(remote(), waitId, timeoutNanos, interruptible, slice);
        } catch (InterruptedException e) {
            interrupted = e;
            state = null;
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("impossible: " + e, e);
        }
        if (state == null) {
            boolean signalled = ctx.callResendablePlain(() -> remote().awaitGiveUp(session, owner, waitId));
            try {
                state = ctx.await(remote(), waitId, Waits.FOREVER, false, slice);
            } catch (BrokenBarrierException e) {
                throw new IllegalStateException("impossible: " + e, e);
            }
            if (interrupted != null) {
                if (signalled) {
                    // signalled before the interrupt: return normally like AbstractQueuedSynchronizer, keeping the
                    // interrupt status, so that the signal this waiter consumed is not lost for the others
                    Thread.currentThread().interrupt();
                    return true;
                }
                throw interrupted;
            }
            return signalled;
        }
        return state == RemoteCondition.SIGNALLED;
    }

    @Override
    public void await() throws InterruptedException {
        doAwait(Waits.FOREVER, true);
    }

    @Override
    public void awaitUninterruptibly() {
        try {
            doAwait(Waits.FOREVER, false);
        } catch (InterruptedException e) {
            throw new IllegalStateException("impossible: " + e, e);
        }
    }

    @Override
    public long awaitNanos(long nanosTimeout) throws InterruptedException {
        long start = System.nanoTime();
        boolean signalled = doAwait(Math.max(0, nanosTimeout), true);
        long left = nanosTimeout - (System.nanoTime() - start);
        return signalled ? Math.max(left, 1) : Math.min(left, 0);
    }

    @Override
    public boolean await(long time, TimeUnit unit) throws InterruptedException {
        return doAwait(Math.max(0, unit.toNanos(time)), true);
    }

    @Override
    public boolean awaitUntil(Date deadline) throws InterruptedException {
        long millis = deadline.getTime() - System.currentTimeMillis();
        return doAwait(Math.max(0, TimeUnit.MILLISECONDS.toNanos(millis)), true);
    }

    @Override
    public boolean awaitUntil(BooleanSupplier predicate, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        boolean result = predicate.getAsBoolean();
        while (!result) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                break;
            }
            doAwait(remaining, true);
            result = predicate.getAsBoolean();
        }
        return result;
    }

    @Override
    public void awaitUntil(BooleanSupplier predicate) throws InterruptedException {
        while (!predicate.getAsBoolean()) {
            doAwait(Waits.FOREVER, true);
        }
    }

    @Override
    public void signal() {
        long owner = ProxyContext.thread();
        long session = ctx.session();
        ctx.run(() -> remote().signal(session, owner));
    }

    @Override
    public void signalAll() {
        long owner = ProxyContext.thread();
        long session = ctx.session();
        ctx.run(() -> remote().signalAll(session, owner));
    }
}
