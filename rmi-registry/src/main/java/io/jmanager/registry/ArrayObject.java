package io.jmanager.registry;

import io.jmanager.StructLayout;
import io.jmanager.TypeCode;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteArray;

/**
 * A typed value, array or struct array stored as typecode bits, one slot per field of each element. Every slot
 * written is range-checked against its field's typecode; arithmetic and compare-and-set are atomic.
 *
 * <p>Records: the slots in chunks of {@value #CHUNK} under the chunk's index, written when a slot in them changes;
 * a chunk without a record holds the spec's initial values.
 */
final class ArrayObject extends GuardedObject implements RemoteArray {
    /** Slots per record. */
    static final int CHUNK = 512;
    private final StructLayout layout;
    private final long[] slots;

    ArrayObject(String name, ObjectSpec spec, RegistryContext limits, StructLayout layout) {
        super(name, spec, limits);
        this.layout = layout;
        int n = Math.multiplyExact((int) spec.size(), layout.fieldCount());
        try {
            charge(8L * n + 16); // before the allocation: refused over --memory-budget
            this.slots = new long[n];
            long[] initial = spec.initialBits();
            if (initial != null) {
                if (initial.length != slots.length) {
                    throw new IllegalArgumentException(spec.describe() + " '" + name + "': " + initial.length
                            + " initial slots for " + slots.length);
                }
                for (int i = 0; i < initial.length; i++) {
                    typeOf(i).checkBits(initial[i]);
                }
                System.arraycopy(initial, 0, slots, 0, initial.length);
            }
        } catch (RuntimeException e) {
            destroy(); // never created: gives back what it was charged
            throw e;
        }
    }

    @Override
    String summary() {
        if (spec.size() == 1 && layout.isScalar()) {
            return String.valueOf(layout.fieldType(0).fromBits(slots[0]));
        }
        return spec.size() + " elements of '" + layout.spec() + "'";
    }

    private TypeCode typeOf(int slot) {
        return layout.fieldType(slot % layout.fieldCount());
    }

    private int check(int slot) {
        if (slot < 0 || slot >= slots.length) {
            throw new IndexOutOfBoundsException("slot " + slot + " out of range for " + spec.describe() + " '"
                    + name + "' of " + slots.length + " slots");
        }
        return slot;
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to > slots.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") out of range for "
                    + spec.describe() + " '" + name + "' of " + slots.length + " slots");
        }
    }

    @Override
    public int slots() {
        return slots.length;
    }

    @Override
    public long get(int slot) {
        return locked(() -> slots[check(slot)]);
    }

    @Override
    public long[] getRange(int from, int to) {
        return locked(() -> {
            checkRange(from, to);
            long[] out = new long[to - from];
            System.arraycopy(slots, from, out, 0, out.length);
            return out;
        });
    }

    @Override
    public void set(int slot, long bits) {
        lockedRun(() -> {
            typeOf(check(slot)).checkBits(bits);
            slots[slot] = bits;
            changed(slot, slot + 1);
        });
    }

    @Override
    public void setRange(int from, long[] bits) {
        lockedRun(() -> {
            checkRange(from, from + bits.length);
            for (int i = 0; i < bits.length; i++) {
                typeOf(from + i).checkBits(bits[i]);
            }
            System.arraycopy(bits, 0, slots, from, bits.length);
            changed(from, from + bits.length);
        });
    }

    @Override
    public long addAndGet(int slot, long deltaBits) {
        return locked(() -> {
            slots[slot] = typeOf(check(slot)).addBits(slots[slot], deltaBits);
            changed(slot, slot + 1);
            return slots[slot];
        });
    }

    @Override
    public boolean compareAndSet(int slot, long expectBits, long updateBits) {
        return locked(() -> {
            TypeCode type = typeOf(check(slot));
            type.checkBits(updateBits);
            if (!type.bitsEqual(slots[slot], expectBits)) {
                return false;
            }
            slots[slot] = updateBits;
            changed(slot, slot + 1);
            return true;
        });
    }

    @Override
    public long getAndSet(int slot, long bits) {
        return locked(() -> {
            typeOf(check(slot)).checkBits(bits);
            long old = slots[slot];
            slots[slot] = bits;
            changed(slot, slot + 1);
            return old;
        });
    }

    /** Writes the chunks of slots {@code [from, to)}. Call with the mutex held. */
    private void changed(int from, int to) {
        if (!records.durable() || from >= to) {
            return;
        }
        for (int chunk = from / CHUNK; chunk <= (to - 1) / CHUNK; chunk++) {
            records.put(chunk, chunk(chunk));
        }
    }

    private byte[] chunk(int chunk) {
        int start = chunk * CHUNK;
        int n = Math.min(CHUNK, slots.length - start);
        java.nio.ByteBuffer out = java.nio.ByteBuffer.allocate(8 * n);
        out.asLongBuffer().put(slots, start, n);
        return out.array();
    }

    @Override
    void restore(Iterable<java.util.Map.Entry<Long, byte[]>> stored) {
        for (java.util.Map.Entry<Long, byte[]> r : stored) {
            long start = r.getKey() * CHUNK;
            int n = r.getValue().length / 8;
            if (r.getKey() < 0 || start >= slots.length || r.getValue().length % 8 != 0
                    || n != Math.min(CHUNK, slots.length - start)) {
                throw new IllegalArgumentException(spec.describe() + " '" + name + "': malformed chunk record "
                        + r.getKey());
            }
            long[] bits = new long[n];
            java.nio.ByteBuffer.wrap(r.getValue()).asLongBuffer().get(bits);
            for (int i = 0; i < n; i++) {
                typeOf((int) start + i).checkBits(bits[i]);
            }
            System.arraycopy(bits, 0, slots, (int) start, n);
        }
    }

    @Override
    void writeState(RecordSink sink) {
        for (int chunk = 0; chunk * (long) CHUNK < slots.length; chunk++) {
            sink.put(chunk, chunk(chunk));
        }
    }
}
