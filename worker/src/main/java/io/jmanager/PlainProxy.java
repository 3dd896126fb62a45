package io.jmanager;

/** Base of the proxies that are not collections: equal when they name the same object of the same manager. */
abstract class PlainProxy implements Proxied {
    final ProxyContext ctx;

    PlainProxy(ProxyContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public final ProxyContext context() {
        return ctx;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PlainProxy other && other.ctx.sameObject(ctx);
    }

    @Override
    public int hashCode() {
        return ctx.name().hashCode();
    }

    @Override
    public String toString() {
        return ctx.toString();
    }
}
