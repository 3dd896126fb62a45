package io.jmanager.wire;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.Objects;

/**
 * What a client asks for when it gets or creates a shared object: the type and the type's parameters.
 * Immutable; crosses the wire from client to registry, so it holds only strings, primitives and {@code long[]}.
 *
 * <ul>
 *   <li>{@code layout}: for values and arrays, the {@link io.jmanager.StructLayout} spec (a typecode such as
 *       {@code "i"}, or fields such as {@code "x:d,y:d"}); otherwise {@code null}.</li>
 *   <li>{@code size}: array length in elements, queue maxsize (0 = unbounded), semaphore permits,
 *       barrier parties; otherwise 0.</li>
 *   <li>{@code linkedName}: the lock a condition is bound to; otherwise {@code null}.</li>
 *   <li>{@code initialBits}: initial contents of a value or array, as typecode bits; {@code null} = zeros.
 *       Used only when the object is created.</li>
 * </ul>
 */
public final class ObjectSpec implements Serializable {
    private static final long serialVersionUID = 1L;

    private final ObjectType type;
    private final String layout;
    private final long size;
    private final String linkedName;
    private final long[] initialBits;
    private final long visibilityMillis;

    private ObjectSpec(ObjectType type, String layout, long size, String linkedName, long[] initialBits) {
        this(type, layout, size, linkedName, initialBits, 0);
    }

    private ObjectSpec(ObjectType type, String layout, long size, String linkedName, long[] initialBits,
                       long visibilityMillis) {
        this.type = Objects.requireNonNull(type, "type");
        this.layout = layout;
        this.size = size;
        this.linkedName = linkedName;
        this.initialBits = initialBits;
        this.visibilityMillis = visibilityMillis;
    }

    /**
     * An at-least-once queue: items taken as deliveries stay owned by the taker for {@code visibilityMillis} and
     * return to the queue unless acknowledged (the taker died, or was too slow).
     */
    public static ObjectSpec atLeastOnceQueue(long maxsize, long visibilityMillis) {
        if (visibilityMillis <= 0) {
            throw new IllegalArgumentException("visibility timeout must be positive, got " + visibilityMillis);
        }
        return new ObjectSpec(ObjectType.QUEUE, null, maxsize, null, null, visibilityMillis);
    }

    /** A type without parameters: dict, list, namespace, lock, rlock, event. */
    public static ObjectSpec of(ObjectType type) {
        return new ObjectSpec(type, null, 0, null, null);
    }

    /** A type with one size parameter: queue maxsize, semaphore permits, barrier parties. */
    public static ObjectSpec sized(ObjectType type, long size) {
        return new ObjectSpec(type, null, size, null, null);
    }

    /** A value or an array of {@code length} elements with the given layout spec and optional initial bits. */
    public static ObjectSpec typed(ObjectType type, String layout, long length, long[] initialBits) {
        return new ObjectSpec(type, Objects.requireNonNull(layout, "layout"), length, null,
                initialBits == null ? null : initialBits.clone());
    }

    /** A condition bound to the lock named {@code lockName}. */
    public static ObjectSpec condition(String lockName) {
        return new ObjectSpec(ObjectType.CONDITION, null, 0, Objects.requireNonNull(lockName, "lockName"), null);
    }

    public ObjectType type() {
        return type;
    }

    public String layout() {
        return layout;
    }

    public long size() {
        return size;
    }

    public String linkedName() {
        return linkedName;
    }

    /** For an at-least-once queue, how long a delivery may stay unacknowledged; 0 for a plain queue. */
    public long visibilityMillis() {
        return visibilityMillis;
    }

    /** True for an at-least-once queue. */
    public boolean atLeastOnce() {
        return visibilityMillis > 0;
    }

    /** A copy of the initial bits, or {@code null}. */
    public long[] initialBits() {
        return initialBits == null ? null : initialBits.clone();
    }

    /** Human-readable parameters for error messages, e.g. {@code array('d', 3)}. */
    public String describe() {
        switch (type) {
            case VALUE: return "value('" + layout + "')";
            case ARRAY: return "array('" + layout + "', " + size + ")";
            case QUEUE:
                return (size == 0 ? "queue (unbounded" : "queue(maxsize=" + size) + (atLeastOnce()
                        ? ", at-least-once, visibility " + visibilityMillis + " ms)" : ")");
            case SEMAPHORE: case BOUNDED_SEMAPHORE: return type.displayName() + "(" + size + ")";
            case BARRIER: return "barrier(parties=" + size + ")";
            case CONDITION: return "condition(lock='" + linkedName + "')";
            default: return type.displayName();
        }
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * This spec as portable bytes, for data directories and exports: a format byte, the type's name, the size,
     * the visibility timeout, then layout, linked name and initial bits, each with a presence flag.
     */
    public byte[] toBytes() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(1);
            out.writeUTF(type.name());
            out.writeLong(size);
            out.writeLong(visibilityMillis);
            writeOptional(out, layout);
            writeOptional(out, linkedName);
            out.writeBoolean(initialBits != null);
            if (initialBits != null) {
                out.writeInt(initialBits.length);
                for (long bits : initialBits) {
                    out.writeLong(bits);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("impossible: writing to memory failed", e);
        }
        return bytes.toByteArray();
    }

    /**
     * The spec {@link #toBytes()} wrote.
     *
     * @throws IllegalArgumentException if the bytes are not such a spec (the message says what is wrong)
     */
    public static ObjectSpec fromBytes(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            int format = in.readUnsignedByte();
            if (format != 1) {
                throw new IllegalArgumentException("unknown object spec format " + format + " (this jmanager reads"
                        + " format 1; was the data written by a newer version?)");
            }
            ObjectType type = ObjectType.valueOf(in.readUTF());
            long size = in.readLong();
            long visibility = in.readLong();
            String layout = readOptional(in);
            String linked = readOptional(in);
            long[] initial = null;
            if (in.readBoolean()) {
                int n = in.readInt();
                if (n < 0 || n > in.available() / 8) {
                    throw new IllegalArgumentException("object spec with " + n + " initial slots but "
                            + in.available() + " bytes left");
                }
                initial = new long[n];
                for (int i = 0; i < n; i++) {
                    initial[i] = in.readLong();
                }
            }
            if (in.available() != 0) {
                throw new IllegalArgumentException("object spec with " + in.available() + " trailing bytes");
            }
            if ((type == ObjectType.VALUE || type == ObjectType.ARRAY) && layout == null
                    || type == ObjectType.CONDITION && linked == null
                    || visibility < 0 || visibility > 0 && type != ObjectType.QUEUE) {
                throw new IllegalArgumentException("inconsistent object spec for a " + type);
            }
            return new ObjectSpec(type, layout, size, linked, initial, visibility);
        } catch (IOException e) {
            throw new IllegalArgumentException("truncated object spec: " + e, e);
        }
    }

    private static void writeOptional(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readOptional(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** Refuses a stream that breaks the invariants the factory methods keep (the registry reads specs from it). */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        if (type == null) {
            throw new InvalidObjectException("ObjectSpec without a type");
        }
        if ((type == ObjectType.VALUE || type == ObjectType.ARRAY) && layout == null) {
            throw new InvalidObjectException("ObjectSpec of a " + type + " without a layout");
        }
        if (visibilityMillis < 0 || (visibilityMillis > 0 && type != ObjectType.QUEUE)) {
            throw new InvalidObjectException("ObjectSpec with a visibility timeout that is not a queue's");
        }
        if (type == ObjectType.CONDITION && linkedName == null) {
            throw new InvalidObjectException("ObjectSpec of a condition without a lock name");
        }
    }
}
