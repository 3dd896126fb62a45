package io.jmanager;

import io.jmanager.wire.RemoteArray;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@link SharedStructArray} proxy: element {@code i}, field {@code k} is slot {@code i * fields + k} of the
 * registry's typed array state machine. The mapper is null when the array was attached without its record type.
 */
final class StructArrayProxy<R extends Record> extends PlainProxy implements SharedStructArray<R> {
    private final StructLayout layout;
    private final RecordMapper<R> mapper;
    private final int fields;
    private final int length;

    StructArrayProxy(ProxyContext ctx, StructLayout layout, RecordMapper<R> mapper) {
        super(ctx);
        this.layout = layout;
        this.mapper = mapper;
        this.fields = layout.fieldCount();
        this.length = (int) ctx.spec().size();
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteArray remote() {
        return (RemoteArray) ctx.stub();
    }

    private RecordMapper<R> mapper() {
        if (mapper == null) {
            throw new IllegalStateException("struct array '" + name() + "' was opened without its record type: use"
                    + " manager.structArray(\"" + name() + "\", YourRecord.class, " + length + ") or getField()");
        }
        return mapper;
    }

    private int element(int index) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " out of range for struct array '" + name()
                    + "' of length " + length);
        }
        return index * fields;
    }

    private int slot(int index, String field) {
        return element(index) + layout.fieldIndex(field);
    }

    @Override
    public StructLayout layout() {
        return layout;
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public R get(int index) {
        int from = element(index);
        long[] bits = ctx.call(() -> remote().getRange(from, from + fields));
        return mapper().fromBits(bits, 0);
    }

    @Override
    public void set(int index, R value) {
        int from = element(index);
        long[] bits = mapper().toBits(value);
        ctx.run(() -> remote().setRange(from, bits));
    }

    @Override
    public List<R> toList() {
        RecordMapper<R> m = mapper();
        long[] bits = ctx.call(() -> remote().getRange(0, length * fields));
        List<R> out = new ArrayList<>(length);
        for (int i = 0; i < length; i++) {
            out.add(m.fromBits(bits, i * fields));
        }
        return out;
    }

    @Override
    public void setAll(List<R> values) {
        if (values.size() > length) {
            throw new IndexOutOfBoundsException(values.size() + " elements do not fit struct array '" + name()
                    + "' of length " + length);
        }
        RecordMapper<R> m = mapper();
        long[] bits = new long[values.size() * fields];
        for (int i = 0; i < values.size(); i++) {
            m.toBits(values.get(i), bits, i * fields);
        }
        ctx.run(() -> remote().setRange(0, bits));
    }

    @Override
    public Object getField(int index, String field) {
        int s = slot(index, field);
        return layout.fieldType(s % fields).fromBits(ctx.call(() -> remote().get(s)));
    }

    @Override
    public void setField(int index, String field, Object value) {
        int s = slot(index, field);
        long bits = layout.fieldType(s % fields).toBits(value);
        ctx.run(() -> remote().set(s, bits));
    }

    @Override
    public Object addAndGetField(int index, String field, Number delta) {
        int s = slot(index, field);
        TypeCode code = layout.fieldType(s % fields);
        long d = code.deltaBits(delta);
        return code.fromBits(ctx.call(() -> remote().addAndGet(s, d)));
    }

    @Override
    public boolean compareAndSetField(int index, String field, Object expect, Object update) {
        int s = slot(index, field);
        TypeCode code = layout.fieldType(s % fields);
        long e = code.toBits(expect);
        long u = code.toBits(update);
        return ctx.call(() -> remote().compareAndSet(s, e, u));
    }

    @Override
    public String toString() {
        return "StructArray('" + layout.spec() + "', " + (mapper == null ? length + " elements" : toList()) + ")";
    }
}
