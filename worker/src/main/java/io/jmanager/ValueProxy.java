package io.jmanager;

import io.jmanager.wire.RemoteArray;

/** The {@link SharedValue} proxy: slot 0 of the registry's typed array state machine. */
final class ValueProxy<T> extends PlainProxy implements SharedValue<T> {
    private final TypeCode code;

    ValueProxy(ProxyContext ctx, TypeCode code) {
        super(ctx);
        this.code = code;
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteArray remote() {
        return (RemoteArray) ctx.stub();
    }

    @SuppressWarnings("unchecked")
    private T value(long bits) {
        return (T) code.fromBits(bits);
    }

    @Override
    public TypeCode typeCode() {
        return code;
    }

    @Override
    public T get() {
        return value(ctx.call(() -> remote().get(0)));
    }

    @Override
    public void set(T value) {
        long bits = code.toBits(value);
        ctx.run(() -> remote().set(0, bits));
    }

    @Override
    public T addAndGet(Number delta) {
        long d = code.deltaBits(delta);
        return value(ctx.call(() -> remote().addAndGet(0, d)));
    }

    @Override
    public boolean compareAndSet(T expect, T update) {
        long e = code.toBits(expect);
        long u = code.toBits(update);
        return ctx.call(() -> remote().compareAndSet(0, e, u));
    }

    @Override
    public T getAndSet(T value) {
        long bits = code.toBits(value);
        return value(ctx.call(() -> remote().getAndSet(0, bits)));
    }

    @Override
    public String toString() {
        return "Value('" + code.code() + "', " + get() + ")";
    }
}
