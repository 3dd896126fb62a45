package io.jmanager;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.RecordComponent;
import java.util.Objects;

/**
 * Maps records whose components are all primitives to and from the bits of their
 * {@link StructLayout} (one {@code long} per component, see {@link TypeCode}).
 *
 * <p>Instances hold only the record's accessors and canonical constructor; nothing is cached
 * globally. Thread-safety: immutable; safe to share between threads.
 *
 * @param <R> the record type
 */
public final class RecordMapper<R extends Record> {

    private final Class<R> type;
    private final StructLayout layout;
    private final Method[] accessors;
    private final Class<?>[] componentTypes;
    private final Constructor<R> constructor;

    private RecordMapper(Class<R> type, StructLayout layout, Method[] accessors,
                         Class<?>[] componentTypes, Constructor<R> constructor) {
        this.type = type;
        this.layout = layout;
        this.accessors = accessors;
        this.componentTypes = componentTypes;
        this.constructor = constructor;
    }

    /**
     * Returns a mapper for a record of primitive components, with its layout from
     * {@link StructLayout#of(Class)}.
     *
     * @param type the record class
     * @param <R>  the record type
     * @return the mapper
     * @throws NullPointerException     if {@code type} is null
     * @throws IllegalArgumentException if the record has no components or a non-primitive (or
     *                                  {@code boolean}) component, see {@link StructLayout#of(Class)}
     * @throws IllegalStateException    if the accessors or the canonical constructor cannot be
     *                                  found or made accessible
     */
    public static <R extends Record> RecordMapper<R> of(Class<R> type) {
        StructLayout layout = StructLayout.of(type);
        RecordComponent[] components = type.getRecordComponents();
        Method[] accessors = new Method[components.length];
        Class<?>[] componentTypes = new Class<?>[components.length];
        try {
            for (int i = 0; i < components.length; i++) {
                accessors[i] = components[i].getAccessor();
                accessors[i].setAccessible(true);
                componentTypes[i] = components[i].getType();
            }
            Constructor<R> constructor = type.getDeclaredConstructor(componentTypes);
            constructor.setAccessible(true);
            return new RecordMapper<>(type, layout, accessors, componentTypes, constructor);
        } catch (ReflectiveOperationException | RuntimeException failure) {
            throw new IllegalStateException("cannot map record " + type.getName()
                    + ": its accessors or canonical constructor are not accessible: " + failure, failure);
        }
    }

    /**
     * Returns the layout of the record.
     *
     * @return the layout, one field per record component
     */
    public StructLayout layout() {
        return layout;
    }

    /**
     * Returns the record class.
     *
     * @return the record class
     */
    public Class<R> type() {
        return type;
    }

    /**
     * Converts a record to a new array of bits, one per component.
     *
     * @param value the record
     * @return a new array of {@code layout().fieldCount()} bits
     * @throws NullPointerException  if {@code value} is null
     * @throws IllegalStateException if an accessor cannot be invoked
     */
    public long[] toBits(R value) {
        Objects.requireNonNull(value, () -> "cannot store a null " + type.getName() + " record");
        long[] bits = new long[accessors.length];
        for (int i = 0; i < accessors.length; i++) {
            bits[i] = layout.fieldType(i).toBits(invoke(accessors[i], value));
        }
        return bits;
    }

    /**
     * Converts a record to bits written into {@code dest[offset..offset+fieldCount-1]}; on failure
     * {@code dest} is left unchanged.
     *
     * @param value  the record
     * @param dest   the array to write into
     * @param offset the index of the first field's bits
     * @throws NullPointerException      if {@code value} or {@code dest} is null
     * @throws IndexOutOfBoundsException if the fields do not fit in {@code dest} at {@code offset}
     * @throws IllegalStateException     if an accessor cannot be invoked
     */
    public void toBits(R value, long[] dest, int offset) {
        Objects.requireNonNull(dest, "dest must not be null");
        Objects.checkFromIndexSize(offset, accessors.length, dest.length);
        long[] bits = toBits(value);
        System.arraycopy(bits, 0, dest, offset, bits.length);
    }

    /**
     * Builds a record from {@code bits[offset..offset+fieldCount-1]} through its canonical constructor.
     *
     * @param bits   the array to read from
     * @param offset the index of the first field's bits
     * @return the new record
     * @throws NullPointerException      if {@code bits} is null
     * @throws IndexOutOfBoundsException if the fields do not fit in {@code bits} at {@code offset}
     * @throws IllegalArgumentException  if some bits are not valid for their field's typecode
     * @throws IllegalStateException     if the constructor cannot be invoked
     * @throws RuntimeException          any unchecked exception the record's constructor throws, as is
     */
    public R fromBits(long[] bits, int offset) {
        Objects.requireNonNull(bits, "bits must not be null");
        Objects.checkFromIndexSize(offset, accessors.length, bits.length);
        Object[] arguments = new Object[accessors.length];
        for (int i = 0; i < arguments.length; i++) {
            TypeCode code = layout.fieldType(i);
            long fieldBits = bits[offset + i];
            code.checkBits(fieldBits);
            arguments[i] = toComponentType(code.fromBits(fieldBits), componentTypes[i]);
        }
        return invoke(constructor, arguments);
    }

    /** Narrows the typecode's value where its Java type is wider than the component (byte, short). */
    private static Object toComponentType(Object value, Class<?> componentType) {
        if (componentType == byte.class) {
            return ((Number) value).byteValue();
        }
        if (componentType == short.class) {
            return ((Number) value).shortValue();
        }
        return value;
    }

    private Object invoke(Method accessor, R record) {
        try {
            return accessor.invoke(record);
        } catch (InvocationTargetException thrown) {
            throw rethrow(thrown, "accessor " + accessor.getName() + "()");
        } catch (ReflectiveOperationException | RuntimeException failure) {
            throw reflectionFailure("accessor " + accessor.getName() + "()", failure);
        }
    }

    private R invoke(Constructor<R> canonical, Object[] arguments) {
        try {
            return canonical.newInstance(arguments);
        } catch (InvocationTargetException thrown) {
            throw rethrow(thrown, "canonical constructor");
        } catch (ReflectiveOperationException | RuntimeException failure) {
            throw reflectionFailure("canonical constructor", failure);
        }
    }

    /** Rethrows what the record's own code threw: unchecked as is, checked wrapped. */
    private RuntimeException rethrow(InvocationTargetException thrown, String member) {
        Throwable cause = thrown.getCause();
        if (cause instanceof RuntimeException unchecked) {
            throw unchecked;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return reflectionFailure(member, cause);
    }

    private IllegalStateException reflectionFailure(String member, Throwable failure) {
        return new IllegalStateException(
                "cannot invoke the " + member + " of record " + type.getName() + ": " + failure, failure);
    }
}
