package io.jmanager.shm;

import io.jmanager.TypeCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A {@link MappedArray}: {@code length} elements of its typecode, each {@code typeCode().byteSize()} bytes. */
final class AreaArray<T> extends AreaObject implements MappedArray<T> {
    private final TypeCode code;
    private final int length;
    private final int size;

    AreaArray(SharedMemory shm, String name, int offset, AreaLock lock, TypeCode code, int length) {
        super(shm, name, offset, lock);
        this.code = code;
        this.length = length;
        this.size = code.byteSize();
    }

    @SuppressWarnings("unchecked")
    private T value(long bits) {
        return (T) code.fromBits(bits);
    }

    private int at(int index) {
        if (index < 0 || index >= length) {
            throw outOfRange("index", index, length, name());
        }
        return offset + index * size;
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to > length || from > to) {
            throw new IndexOutOfBoundsException("slice " + from + ".." + to + " out of range for '" + name()
                    + "' of length " + length);
        }
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
        int at = at(index);
        boolean entered = enter();
        try {
            return value(memory.read(code, at));
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public void set(int index, T value) {
        int at = at(index);
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
    public List<T> slice(int from, int to) {
        long[] bits = readBits(from, to);
        List<T> out = new ArrayList<>(bits.length);
        for (long b : bits) {
            out.add(value(b));
        }
        return out;
    }

    private long[] readBits(int from, int to) {
        checkRange(from, to);
        long[] bits = new long[to - from];
        boolean entered = enter();
        try {
            for (int i = 0; i < bits.length; i++) {
                bits[i] = memory.read(code, offset + (from + i) * size);
            }
            return bits;
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    private void writeBits(int from, long[] bits) {
        checkRange(from, from + bits.length);
        boolean entered = enter();
        try {
            for (int i = 0; i < bits.length; i++) {
                memory.write(code, offset + (from + i) * size, bits[i]);
            }
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public void setSlice(int from, List<? extends T> values) {
        long[] bits = new long[values.size()];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = code.toBits(values.get(i));
        }
        writeBits(from, bits);
    }

    @Override
    public List<T> toList() {
        return slice(0, length);
    }

    @Override
    public T addAndGet(int index, Number delta) {
        int at = at(index);
        long d = code.deltaBits(delta);
        boolean entered = enter();
        try {
            return value(memory.addAndGet(code, at, d));
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public boolean compareAndSet(int index, T expect, T update) {
        int at = at(index);
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
    public T getAndSet(int index, T value) {
        int at = at(index);
        long bits = code.toBits(value);
        boolean entered = enter();
        try {
            return value(memory.getAndSet(code, at, bits));
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public byte[] bytes() {
        requireChar();
        long[] bits = readBits(0, length);
        byte[] out = new byte[bits.length];
        for (int i = 0; i < bits.length; i++) {
            out[i] = (byte) bits[i];
        }
        return out;
    }

    @Override
    public void setBytes(byte[] bytes) {
        requireChar();
        Objects.requireNonNull(bytes, "bytes must not be null");
        if (bytes.length > length) {
            throw new IndexOutOfBoundsException(bytes.length + " bytes do not fit '" + name() + "' of length "
                    + length);
        }
        long[] bits = new long[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            bits[i] = bytes[i] & 0xFF;
        }
        writeBits(0, bits);
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
}
