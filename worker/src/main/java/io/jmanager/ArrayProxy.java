package io.jmanager;

import java.util.concurrent.CompletableFuture;
import io.jmanager.wire.BatchCodec.Outcome;
import io.jmanager.wire.BatchOp;
import io.jmanager.wire.RemoteArray;
import java.util.ArrayList;
import java.util.List;

/** The {@link SharedArray} proxy over the registry's typed array state machine. */
final class ArrayProxy<T> extends PlainProxy implements SharedArray<T> {
    private final TypeCode code;
    private final int length;

    ArrayProxy(ProxyContext ctx, TypeCode code) {
        super(ctx);
        this.code = code;
        this.length = (int) ctx.spec().size();
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
    public int length() {
        return length;
    }

    @Override
    public T get(int index) {
        return value(ctx.shared(BatchOp.ARRAY_GET, null, null, index, 0, 0, Outcome::number,
                () -> remote().get(index)));
    }

    @Override
    public void set(int index, T value) {
        long bits = code.toBits(value);
        ctx.shared(BatchOp.ARRAY_SET, null, null, index, bits, 0, o -> null, () -> {
            remote().set(index, bits);
            return null;
        });
    }

    @Override
    public List<T> slice(int from, int to) {
        long[] bits = ctx.call(() -> remote().getRange(from, to));
        List<T> out = new ArrayList<>(bits.length);
        for (long b : bits) {
            out.add(value(b));
        }
        return out;
    }

    @Override
    public void setSlice(int from, List<? extends T> values) {
        long[] bits = new long[values.size()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = code.toBits(values.get(i));
        }
        ctx.run(() -> remote().setRange(from, bits));
    }

    @Override
    public List<T> toList() {
        return slice(0, length);
    }

    @Override
    public T addAndGet(int index, Number delta) {
        long d = code.deltaBits(delta);
        return value(ctx.shared(BatchOp.ARRAY_ADD_AND_GET, null, null, index, d, 0, Outcome::number,
                () -> remote().addAndGet(index, d)));
    }

    @Override
    public boolean compareAndSet(int index, T expect, T update) {
        long e = code.toBits(expect);
        long u = code.toBits(update);
        return ctx.shared(BatchOp.ARRAY_COMPARE_AND_SET, null, null, index, e, u, ProxyContext.asBoolean(),
                () -> remote().compareAndSet(index, e, u));
    }

    @Override
    public T getAndSet(int index, T value) {
        long bits = code.toBits(value);
        return value(ctx.shared(BatchOp.ARRAY_GET_AND_SET, null, null, index, bits, 0, Outcome::number,
                () -> remote().getAndSet(index, bits)));
    }

    @Override
    public byte[] bytes() {
        requireChar();
        long[] bits = ctx.call(() -> remote().getRange(0, length));
        byte[] out = new byte[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = (byte) bits[i];
        }
        return out;
    }

    @Override
    public void setBytes(byte[] bytes) {
        requireChar();
        long[] bits = new long[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bits[i] = code.toBits(bytes[i]);
        }
        ctx.run(() -> remote().setRange(0, bits));
    }

    private void requireChar() {
        if (code != TypeCode.CHAR) {
            throw new IllegalStateException("bytes() needs a 'c' array; array '" + name() + "' has typecode '"
                    + code.code() + "': use toList()");
        }
    }

    @Override
    public String toString() {
        return "Array('" + code.code() + "', " + toList() + ")";
    }

    @Override
    public CompletableFuture<T> getAsync(int index) {
        return ctx.async(BatchOp.ARRAY_GET, null, null, index, 0, 0, o -> value(o.number()));
    }

    @Override
    public CompletableFuture<Void> setAsync(int index, T value) {
        return ctx.async(BatchOp.ARRAY_SET, null, null, index, code.toBits(value), 0, o -> null);
    }

    @Override
    public CompletableFuture<T> addAndGetAsync(int index, Number delta) {
        return ctx.async(BatchOp.ARRAY_ADD_AND_GET, null, null, index, code.deltaBits(delta), 0,
                o -> value(o.number()));
    }

    @Override
    public CompletableFuture<Boolean> compareAndSetAsync(int index, T expect, T update) {
        return ctx.async(BatchOp.ARRAY_COMPARE_AND_SET, null, null, index, code.toBits(expect), code.toBits(update),
                ProxyContext.asBoolean());
    }

    @Override
    public CompletableFuture<T> getAndSetAsync(int index, T value) {
        return ctx.async(BatchOp.ARRAY_GET_AND_SET, null, null, index, code.toBits(value), 0,
                o -> value(o.number()));
    }
}
