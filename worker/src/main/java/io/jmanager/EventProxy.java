package io.jmanager;

import io.jmanager.wire.RemoteEvent;
import java.util.concurrent.TimeUnit;

/** The {@link SharedEvent} proxy. */
final class EventProxy extends PlainProxy implements SharedEvent {

    EventProxy(ProxyContext ctx) {
        super(ctx);
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteEvent remote() {
        return (RemoteEvent) ctx.stub();
    }

    @Override
    public void set() {
        ctx.run(() -> remote().set());
    }

    @Override
    public void clear() {
        ctx.run(() -> remote().clear());
    }

    @Override
    public boolean isSet() {
        return ctx.call(() -> remote().isSet());
    }

    @Override
    public void await() throws InterruptedException {
        ctx.awaitPlain(remote(), Waits.FOREVER, true, (id, n) -> remote().await(ctx.session(), id, n) ? Boolean.TRUE : null);
    }

    @Override
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return ctx.awaitPlain(remote(), Math.max(0, unit.toNanos(timeout)), true,
                (id, n) -> remote().await(ctx.session(), id, n) ? Boolean.TRUE : null) != null;
    }
}
