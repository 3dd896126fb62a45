package io.jmanager;

import java.util.concurrent.CompletableFuture;
import io.jmanager.wire.BatchCodec.Outcome;
import io.jmanager.wire.BatchOp;
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
        return value(ctx.shared(BatchOp.ARRAY_GET, null, null, 0, 0, 0, Outcome::number, () -> remote().get(0)));
    }

    @Override
    public void set(T value) {
        long bits = code.toBits(value);
        ctx.shared(BatchOp.ARRAY_SET, null, null, 0, bits, 0, o -> null, () -> {
            remote().set(0, bits);
            return null;
        });
    }

    @Override
    public T addAndGet(Number delta) {
        long d = code.deltaBits(delta);
        return value(ctx.shared(BatchOp.ARRAY_ADD_AND_GET, null, null, 0, d, 0, Outcome::number,
                () -> remote().addAndGet(0, d)));
    }

    @Override
    public boolean compareAndSet(T expect, T update) {
        long e = code.toBits(expect);
        long u = code.toBits(update);
        return ctx.shared(BatchOp.ARRAY_COMPARE_AND_SET, null, null, 0, e, u, ProxyContext.asBoolean(),
                () -> remote().compareAndSet(0, e, u));
    }

    @Override
    public T getAndSet(T value) {
        long bits = code.toBits(value);
        return value(ctx.shared(BatchOp.ARRAY_GET_AND_SET, null, null, 0, bits, 0, Outcome::number,
                () -> remote().getAndSet(0, bits)));
    }

    @Override
    public String toString() {
        return "Value('" + code.code() + "', " + get() + ")";
    }

    @Override
    public CompletableFuture<T> getAsync() {
        return ctx.async(BatchOp.ARRAY_GET, null, null, 0, 0, 0, o -> value(o.number()));
    }

    @Override
    public CompletableFuture<Void> setAsync(T value) {
        return ctx.async(BatchOp.ARRAY_SET, null, null, 0, code.toBits(value), 0, o -> null);
    }

    @Override
    public CompletableFuture<T> addAndGetAsync(Number delta) {
        return ctx.async(BatchOp.ARRAY_ADD_AND_GET, null, null, 0, code.deltaBits(delta), 0, o -> value(o.number()));
    }

    @Override
    public CompletableFuture<Boolean> compareAndSetAsync(T expect, T update) {
        return ctx.async(BatchOp.ARRAY_COMPARE_AND_SET, null, null, 0, code.toBits(expect), code.toBits(update),
                ProxyContext.asBoolean());
    }

    @Override
    public CompletableFuture<T> getAndSetAsync(T value) {
        return ctx.async(BatchOp.ARRAY_GET_AND_SET, null, null, 0, code.toBits(value), 0, o -> value(o.number()));
    }
}
