package io.jmanager;

import io.jmanager.wire.RemoteBarrier;
import io.jmanager.wire.RemoteBarrier.Arrival;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The {@link SharedBarrier} proxy. The first slice arrives (taking the arrival index), later slices wait for the
 * trip; giving up (timeout, interrupt) calls {@code leave}, which breaks the barrier unless it tripped meanwhile.
 */
final class BarrierProxy extends PlainProxy implements SharedBarrier {

    BarrierProxy(ProxyContext ctx) {
        super(ctx);
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteBarrier remote() {
        return (RemoteBarrier) ctx.stub();
    }

    private int doAwait(long timeoutNanos) throws InterruptedException, BrokenBarrierException, TimeoutException {
        long owner = ProxyContext.thread();
        long session = ctx.session();
        long waitId = ctx.manager.waits().newWaitId();
        int[] index = {-1};
        Waits.Slice<Integer> slice = (id, n) -> {
            if (index[0] < 0) {
                long arrival = remote().arrive(session, owner, id, n);
                index[0] = Arrival.index(arrival);
                return Arrival.tripped(arrival) ? index[0] : null;
            }
            return remote().awaitTrip(session, id, n) ? index[0] : null;
        };
        Integer tripped;
        try {
            tripped = ctx.await(remote(), waitId, timeoutNanos, true, slice);
        } catch (InterruptedException e) {
            if (index[0] >= 0 && leave(session, waitId)) {
                Thread.currentThread().interrupt();
                return index[0];
            }
            throw e;
        }
        if (tripped != null) {
            return tripped;
        }
        if (leave(session, waitId)) {
            return index[0];
        }
        throw new TimeoutException("barrier '" + name() + "' did not trip within the timeout; it is now broken for"
                + " the other parties");
    }

    private boolean leave(long session, long waitId) {
        return ctx.call(() -> remote().leave(session, waitId));
    }

    @Override
    public int await() throws InterruptedException, BrokenBarrierException {
        try {
            return doAwait(Waits.FOREVER);
        } catch (TimeoutException e) {
            throw new IllegalStateException("impossible: " + e, e);
        }
    }

    @Override
    public int await(long timeout, TimeUnit unit) throws InterruptedException, BrokenBarrierException,
            TimeoutException {
        return doAwait(Math.max(0, unit.toNanos(timeout)));
    }

    @Override
    public void abort() {
        ctx.run(() -> remote().abort());
    }

    @Override
    public void reset() {
        ctx.run(() -> remote().reset());
    }

    @Override
    public boolean isBroken() {
        return ctx.call(() -> remote().isBroken());
    }

    @Override
    public int getParties() {
        return (int) ctx.spec().size();
    }

    @Override
    public int getNumberWaiting() {
        return ctx.call(() -> remote().numberWaiting());
    }
}
