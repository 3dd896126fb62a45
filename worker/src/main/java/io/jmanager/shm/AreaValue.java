package io.jmanager.shm;

import io.jmanager.TypeCode;

/** A {@link MappedValue}: one element of its typecode in the area. */
final class AreaValue<T> extends AreaObject implements MappedValue<T> {
    private final TypeCode code;

    AreaValue(SharedMemory shm, String name, int offset, AreaLock lock, TypeCode code) {
        super(shm, name, offset, lock);
        this.code = code;
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
        boolean entered = enter();
        try {
            return value(memory.read(code, offset));
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public void set(T value) {
        long bits = code.toBits(value);
        boolean entered = enter();
        try {
            memory.write(code, offset, bits);
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public T addAndGet(Number delta) {
        long d = code.deltaBits(delta);
        boolean entered = enter();
        try {
            return value(memory.addAndGet(code, offset, d));
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public boolean compareAndSet(T expect, T update) {
        long e = code.toBits(expect);
        long u = code.toBits(update);
        boolean entered = enter();
        try {
            return memory.compareAndSet(code, offset, e, u);
        } catch (InternalError fault) {
            throw fault(fault);
        } finally {
            exit(entered);
        }
    }

    @Override
    public T getAndSet(T value) {
        long bits = code.toBits(value);
        boolean entered = enter();
        try {
            return value(memory.getAndSet(code, offset, bits));
        } catch (InternalError e) {
            throw fault(e);
        } finally {
            exit(entered);
        }
    }

    @Override
    public String toString() {
        return "Value('" + code.code() + "', " + get() + ")";
    }
}
