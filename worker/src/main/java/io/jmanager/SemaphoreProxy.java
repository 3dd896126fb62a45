package io.jmanager;

import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteSemaphore;
import java.util.concurrent.TimeUnit;

/** The {@link SharedSemaphore} proxy. */
final class SemaphoreProxy extends PlainProxy implements SharedSemaphore {

    SemaphoreProxy(ProxyContext ctx) {
        super(ctx);
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteSemaphore remote() {
        return (RemoteSemaphore) ctx.stub();
    }

    private Boolean take(long waitId, int permits, long nanos) throws Exception {
        return remote().acquire(ctx.session(), waitId, permits, nanos) ? Boolean.TRUE : null;
    }

    @Override
    public void acquire() throws InterruptedException {
        acquire(1);
    }

    @Override
    public void acquire(int permits) throws InterruptedException {
        ctx.awaitPlain(remote(), Waits.FOREVER, true, (id, n) -> take(id, permits, n));
    }

    @Override
    public boolean tryAcquire() {
        long waitId = ctx.manager.waits().newWaitId(); // the same id if the request is sent again to a new leader
        return ctx.callResendablePlain(() -> take(waitId, 1, 0)) != null;
    }

    @Override
    public boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException {
        return tryAcquire(1, timeout, unit);
    }

    @Override
    public boolean tryAcquire(int permits, long timeout, TimeUnit unit) throws InterruptedException {
        return ctx.awaitPlain(remote(), Math.max(0, unit.toNanos(timeout)), true, (id, n) -> take(id, permits, n))
                != null;
    }

    @Override
    public void release() {
        release(1);
    }

    @Override
    public void release(int permits) {
        long session = ctx.session();
        ctx.run(() -> remote().release(session, permits));
    }

    @Override
    public int availablePermits() {
        return ctx.call(() -> remote().availablePermits());
    }

    @Override
    public int drainPermits() {
        long session = ctx.session();
        return ctx.call(() -> remote().drainPermits(session));
    }

    @Override
    public boolean isBounded() {
        return ctx.type() == ObjectType.BOUNDED_SEMAPHORE;
    }
}
