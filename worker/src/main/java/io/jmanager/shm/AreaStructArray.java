package io.jmanager.shm;

import io.jmanager.RecordMapper;
import io.jmanager.StructLayout;
import io.jmanager.TypeCode;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link MappedStructArray}: {@code length} elements laid out as {@link StructOffsets} says. The mapper is null
 * when the array was attached without its record type (field access still works).
 */
final class AreaStructArray<R extends Record> extends AreaObject implements MappedStructArray<R> {
    private final StructLayout layout;
    private final StructOffsets offsets;
    private final RecordMapper<R> mapper;
    private final int length;
    private final int fields;

    AreaStructArray(SharedMemory shm, String name, int offset, AreaLock lock, StructLayout layout,
                    RecordMapper<R> mapper, int length) {
        super(shm, name, offset, lock);
        this.layout = layout;
        this.offsets = new StructOffsets(layout);
        this.mapper = mapper;
        this.length = length;
        this.fields = layout.fieldCount();
    }

    private RecordMapper<R> mapper() {
        if (mapper == null) {
            throw new IllegalStateException("struct array '" + name() + "' was opened without its record type: use"
                    + " shm.structArray(\"" + name() + "\", YourRecord.class, " + length + ") or getField()");
        }
        return mapper;
    }

    private int element(int index) {
        if (index < 0 || index >= length) {
            throw outOfRange("index", index, length, name());
        }
        return offset + index * offsets.elementSize();
    }

    @Override
    public StructLayout layout() {
        return layout;
    }

    @Override
    public int length() {
        return length;
    }

    private void readElement(int base, long[] into, int at) {
        for (int f = 0; f < fields; f++) {
            into[at + f] = memory.read(layout.fieldType(f), base + offsets.offset(f));
        }
    }

    private void writeElement(int base, long[] bits, int at) {
        for (int f = 0; f < fields; f++) {
            memory.write(layout.fieldType(f), base + offsets.offset(f), bits[at + f]);
        }
    }

    @Override
    public R get(int index) {
        RecordMapper<R> m = mapper();
        int base = element(index);
        long[] bits = new long[fields];
        boolean entered = enter();
        try {
            readElement(base, bits, 0);
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
        return m.fromBits(bits, 0);
    }

    @Override
    public void set(int index, R value) {
        int base = element(index);
        long[] bits = mapper().toBits(value);
        boolean entered = enter();
        try {
            writeElement(base, bits, 0);
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public List<R> toList() {
        RecordMapper<R> m = mapper();
        long[] bits = new long[length * fields];
        boolean entered = enter();
        try {
            for (int i = 0; i < length; i++) {
                readElement(offset + i * offsets.elementSize(), bits, i * fields);
            }
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
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
        boolean entered = enter();
        try {
            for (int i = 0; i < values.size(); i++) {
                writeElement(offset + i * offsets.elementSize(), bits, i * fields);
            }
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    private int fieldAt(int index, String field) {
        return element(index) + offsets.offset(layout.fieldIndex(field));
    }

    @Override
    public Object getField(int index, String field) {
        int at = fieldAt(index, field);
        TypeCode code = layout.fieldType(layout.fieldIndex(field));
        boolean entered = enter();
        try {
            return code.fromBits(memory.read(code, at));
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public void setField(int index, String field, Object value) {
        int at = fieldAt(index, field);
        TypeCode code = layout.fieldType(layout.fieldIndex(field));
        long bits = code.toBits(value);
        boolean entered = enter();
        try {
            memory.write(code, at, bits);
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public Object addAndGetField(int index, String field, Number delta) {
        int at = fieldAt(index, field);
        TypeCode code = layout.fieldType(layout.fieldIndex(field));
        long d = code.deltaBits(delta);
        boolean entered = enter();
        try {
            return code.fromBits(memory.addAndGet(code, at, d));
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public boolean compareAndSetField(int index, String field, Object expect, Object update) {
        int at = fieldAt(index, field);
        TypeCode code = layout.fieldType(layout.fieldIndex(field));
        long e = code.toBits(expect);
        long u = code.toBits(update);
        boolean entered = enter();
        try {
            return memory.compareAndSet(code, at, e, u);
        } catch (InternalError fault) {
            throw fault(fault);
        } finally {
            exit(entered);
        }
    }

    @Override
    public String toString() {
        return "StructArray('" + layout.spec() + "', " + (mapper == null ? length + " elements" : toList()) + ")";
    }
}
