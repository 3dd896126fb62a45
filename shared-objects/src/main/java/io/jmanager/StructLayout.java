package io.jmanager;

import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A fixed layout of named primitive fields, like a Python ctypes {@code Structure}
 * ({@code _fields_ = [('x', c_double), ('y', c_double)]}), or a single unnamed field (a scalar).
 *
 * <p>The canonical text form, {@link #spec()}, is {@code name:code} pairs separated by commas,
 * e.g. {@code x:d,y:d}; a scalar's spec is just its typecode, e.g. {@code i}. Layouts are equal
 * when their specs are equal.
 *
 * <p>Serialization writes only the spec; deserialization parses it again, so a deserialized
 * layout is always valid.
 *
 * <p>Thread-safety: immutable; safe to share between threads.
 */
public final class StructLayout implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Record component types a field may have, with their typecodes. */
    private static final Map<Class<?>, TypeCode> PRIMITIVE_CODES = Map.of(
            byte.class, TypeCode.SIGNED_CHAR,
            short.class, TypeCode.SHORT,
            int.class, TypeCode.INT,
            long.class, TypeCode.LONG_LONG,
            float.class, TypeCode.FLOAT,
            double.class, TypeCode.DOUBLE,
            char.class, TypeCode.WCHAR);
    private static final String ALLOWED_PRIMITIVES = "byte, short, int, long, float, double, char";

    private final List<String> names;
    private final List<TypeCode> types;
    private final boolean scalar;
    private final String spec;

    private StructLayout(List<String> names, List<TypeCode> types, boolean scalar) {
        this.names = List.copyOf(names);
        this.types = List.copyOf(types);
        this.scalar = scalar;
        this.spec = scalar ? String.valueOf(types.get(0).code()) : buildSpec(this.names, this.types);
    }

    /**
     * Returns the layout of a record whose components are all primitives: one field per component,
     * in declaration order, named after it, with {@code byte→b}, {@code short→h}, {@code int→i},
     * {@code long→q}, {@code float→f}, {@code double→d}, {@code char→u}.
     *
     * @param type a record class
     * @return the record's layout
     * @throws NullPointerException     if {@code type} is null
     * @throws IllegalArgumentException if {@code type} is not a record, has no components, or has a
     *                                  component of another type (the message names the record, the
     *                                  component and its type)
     */
    public static StructLayout of(Class<? extends Record> type) {
        Objects.requireNonNull(type, "record type must not be null");
        RecordComponent[] components = type.getRecordComponents();
        if (components == null) {
            throw new IllegalArgumentException(type.getName() + " is not a record");
        }
        if (components.length == 0) {
            throw new IllegalArgumentException(
                    "record " + type.getName() + " has no components; a struct needs at least one field");
        }
        List<String> names = new ArrayList<>();
        List<TypeCode> types = new ArrayList<>();
        for (RecordComponent component : components) {
            TypeCode code = PRIMITIVE_CODES.get(component.getType());
            if (code == null) {
                throw new IllegalArgumentException("record " + type.getName() + " component '"
                        + component.getName() + "' has type " + component.getType().getTypeName()
                        + "; struct fields must be one of " + ALLOWED_PRIMITIVES);
            }
            names.add(component.getName());
            types.add(code);
        }
        return new StructLayout(names, types, false);
    }

    /**
     * Parses a spec such as {@code x:d,y:d} (field name, colon, one typecode character; fields
     * separated by commas; whitespace around names and codes is ignored) or a lone typecode such as
     * {@code i} for a scalar layout.
     *
     * @param spec the spec to parse
     * @return the layout; its {@link #spec()} is the canonical form of {@code spec}
     * @throws NullPointerException     if {@code spec} is null
     * @throws IllegalArgumentException if the spec is malformed: empty, an empty field, a field without
     *                                  exactly one colon, a name that is not a Java identifier, a
     *                                  duplicate name or an unknown typecode; the message quotes the spec
     */
    public static StructLayout parse(String spec) {
        Objects.requireNonNull(spec, "struct spec must not be null");
        if (spec.isBlank()) {
            throw badSpec(spec, "it is empty");
        }
        if (spec.indexOf(':') < 0 && spec.indexOf(',') < 0) {
            return scalar(parseCode(spec, spec.strip()));
        }
        List<String> names = new ArrayList<>();
        List<TypeCode> types = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        String[] fields = spec.split(",", -1);
        for (int i = 0; i < fields.length; i++) {
            String[] parts = fields[i].split(":", -1);
            if (fields[i].isBlank()) {
                throw badSpec(spec, "field " + (i + 1) + " is empty");
            }
            if (parts.length != 2) {
                throw badSpec(spec, "field \"" + fields[i].strip() + "\" must be name:typecode");
            }
            String name = parts[0].strip();
            if (!isJavaIdentifier(name)) {
                throw badSpec(spec, "field name \"" + name + "\" is not a Java identifier");
            }
            if (!seen.add(name)) {
                throw badSpec(spec, "duplicate field name \"" + name + "\"");
            }
            names.add(name);
            types.add(parseCode(spec, parts[1].strip()));
        }
        return new StructLayout(names, types, false);
    }

    /**
     * Returns the layout of a single unnamed value of the given typecode, e.g. a
     * {@code Value('i')}; its spec is the typecode character alone.
     *
     * @param code the typecode
     * @return the scalar layout
     * @throws NullPointerException if {@code code} is null
     */
    public static StructLayout scalar(TypeCode code) {
        Objects.requireNonNull(code, "typecode must not be null");
        return new StructLayout(List.of(""), List.of(code), true);
    }

    /**
     * Returns the canonical spec, e.g. {@code x:d,y:d}, or {@code i} for a scalar; it round-trips
     * through {@link #parse(String)}.
     *
     * @return the canonical spec
     */
    public String spec() {
        return spec;
    }

    /**
     * Returns the number of fields (1 for a scalar).
     *
     * @return the field count, at least 1
     */
    public int fieldCount() {
        return types.size();
    }

    /**
     * Returns the name of a field; a scalar's only field has the empty name {@code ""}.
     *
     * @param index the field index
     * @return the field name
     * @throws IndexOutOfBoundsException if {@code index} is not in 0..fieldCount()-1
     */
    public String fieldName(int index) {
        return names.get(index);
    }

    /**
     * Returns the typecode of a field.
     *
     * @param index the field index
     * @return the field's typecode
     * @throws IndexOutOfBoundsException if {@code index} is not in 0..fieldCount()-1
     */
    public TypeCode fieldType(int index) {
        return types.get(index);
    }

    /**
     * Returns the index of a named field.
     *
     * @param name the field name
     * @return the field index
     * @throws IllegalArgumentException if there is no such field (the message lists the field names),
     *                                  or the layout is a scalar, which has no named fields
     */
    public int fieldIndex(String name) {
        int index = scalar ? -1 : names.indexOf(name);
        if (index < 0) {
            String known = scalar ? "it is a scalar without named fields" : "fields are " + String.join(", ", names);
            throw new IllegalArgumentException("struct " + spec + " has no field '" + name + "': " + known);
        }
        return index;
    }

    /**
     * Tells whether this is a scalar layout (a single unnamed field made by {@link #scalar(TypeCode)}).
     *
     * @return true for a scalar layout
     */
    public boolean isScalar() {
        return scalar;
    }

    /**
     * Returns the field names in order ({@code [""]} for a scalar).
     *
     * @return an unmodifiable list of the field names
     */
    public List<String> fieldNames() {
        return names;
    }

    /**
     * Layouts are equal when their specs are equal.
     *
     * @param other the object to compare with
     * @return true if {@code other} is a layout with the same spec
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof StructLayout layout && spec.equals(layout.spec);
    }

    /**
     * Returns the hash code of the spec.
     *
     * @return the hash code
     */
    @Override
    public int hashCode() {
        return spec.hashCode();
    }

    /**
     * Returns the spec, e.g. {@code x:d,y:d}.
     *
     * @return the spec
     */
    @Override
    public String toString() {
        return spec;
    }

    private static String buildSpec(List<String> names, List<TypeCode> types) {
        StringBuilder spec = new StringBuilder();
        for (int i = 0; i < names.size(); i++) {
            spec.append(i == 0 ? "" : ",").append(names.get(i)).append(':').append(types.get(i).code());
        }
        return spec.toString();
    }

    private static TypeCode parseCode(String spec, String code) {
        try {
            return TypeCode.of(code);
        } catch (IllegalArgumentException unknown) {
            throw badSpec(spec, unknown.getMessage());
        }
    }

    private static boolean isJavaIdentifier(String name) {
        if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
            return false;
        }
        return name.chars().skip(1).allMatch(Character::isJavaIdentifierPart);
    }

    private static IllegalArgumentException badSpec(String spec, String problem) {
        return new IllegalArgumentException("bad struct spec \"" + spec + "\": " + problem);
    }

    private Object writeReplace() {
        return new SerialForm(spec);
    }

    private void readObject(ObjectInputStream in) throws InvalidObjectException {
        throw new InvalidObjectException("StructLayout is deserialized through its serial form only");
    }

    /** The serialized form: just the spec, parsed again on deserialization. */
    private static final class SerialForm implements Serializable {
        private static final long serialVersionUID = 1L;

        private final String spec;

        SerialForm(String spec) {
            this.spec = spec;
        }

        private Object readResolve() throws ObjectStreamException {
            try {
                return parse(spec);
            } catch (RuntimeException invalid) {
                InvalidObjectException failure = new InvalidObjectException(
                        "invalid serialized StructLayout: " + invalid.getMessage());
                failure.initCause(invalid);
                throw failure;
            }
        }
    }
}
