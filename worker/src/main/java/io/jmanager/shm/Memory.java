package io.jmanager.shm;

import io.jmanager.TypeCode;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Typed, atomic access to a mapped area through JDK {@link VarHandle} views of its {@link ByteBuffer}: every access
 * is bounds-checked (a bad offset is an exception, never a JVM crash) and aligned. Numbers are little-endian.
 *
 * <p>Access modes, as the callers use them:
 * <ul>
 *   <li>element reads and writes are <em>opaque</em>: single-copy atomic (no torn {@code long} or {@code double})
 *       and coherent, with no ordering beyond that;</li>
 *   <li>lock words use acquire/release and compare-and-set (volatile);</li>
 *   <li>1- and 2-byte elements are compared-and-set by a masked compare-and-set of the aligned 4-byte word that
 *       holds them (the JDK has no byte or short compare-and-set on a buffer).</li>
 * </ul>
 *
 * <p>Values are exchanged as the <em>bits</em> of {@link TypeCode}: an element of typecode {@code f} is stored as
 * a 4-byte float and read back as {@code Double.doubleToRawLongBits((double) f)}; integral codes are stored in
 * their C size and read back zero- or sign-extended as the code says.
 *
 * <p>A page of the file that is no longer there (the file was truncated under a live mapping) makes the JVM raise
 * {@link InternalError} on access; it is reported as {@link SharedMemoryException} by {@link #fault}, and from then
 * on every operation of the mapping refuses ({@link #checkUsable}). The JDK limits what this can promise: it raises
 * the error of a fault in compiled code <em>asynchronously</em>, at the thread's next transition into the VM, so it
 * may surface after the operation returned (a read returning garbage, a write lost) and outside jmanager's code;
 * and a compare-and-set that faults while run by the interpreter is not covered at all (JDK 17's
 * {@code Unsafe_CompareAndSet*}): the JVM dies of SIGBUS, as a C program using POSIX shared memory would. Never
 * truncate the file of an area in use: {@code SharedMemory.destroy} and {@code worker.jar shm rm} unlink it, which
 * is safe.
 *
 * <p>Thread-safety: safe for any number of threads and processes; the buffer's position and limit are never used.
 */
final class Memory {
    private static final VarHandle SHORT = MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final ByteBuffer buffer;
    private final String area;
    /** The fault that made the mapping unusable, or null: once set, every operation refuses (see {@link #fault}). */
    private volatile InternalError lost;

    Memory(ByteBuffer buffer, String area) {
        this.buffer = buffer;
        this.area = area;
    }

    int size() {
        return buffer.capacity();
    }

    // ---- words for the area's own bookkeeping ----

    int getIntVolatile(int offset) {
        return (int) INT.getVolatile(buffer, offset);
    }

    void setIntRelease(int offset, int value) {
        INT.setRelease(buffer, offset, value);
    }

    int getIntPlain(int offset) {
        return (int) INT.get(buffer, offset);
    }

    void setIntPlain(int offset, int value) {
        INT.set(buffer, offset, value);
    }

    long getLongVolatile(int offset) {
        return (long) LONG.getVolatile(buffer, offset);
    }

    long getLongAcquire(int offset) {
        return (long) LONG.getAcquire(buffer, offset);
    }

    long getLongOpaque(int offset) {
        return (long) LONG.getOpaque(buffer, offset);
    }

    void setLongRelease(int offset, long value) {
        LONG.setRelease(buffer, offset, value);
    }

    void setLongOpaque(int offset, long value) {
        LONG.setOpaque(buffer, offset, value);
    }

    void setLongVolatile(int offset, long value) {
        LONG.setVolatile(buffer, offset, value);
    }

    long getLongPlain(int offset) {
        return (long) LONG.get(buffer, offset);
    }

    void setLongPlain(int offset, long value) {
        LONG.set(buffer, offset, value);
    }

    boolean casLong(int offset, long expect, long update) {
        return LONG.compareAndSet(buffer, offset, expect, update);
    }

    long getAndAddLong(int offset, long delta) {
        return (long) LONG.getAndAdd(buffer, offset, delta);
    }

    byte getBytePlain(int offset) {
        return buffer.get(offset);
    }

    void putBytes(int offset, byte[] bytes) {
        buffer.put(offset, bytes);
    }

    void getBytes(int offset, byte[] into) {
        buffer.get(offset, into);
    }

    /** Zeroes {@code length} bytes from {@code offset}. */
    void zero(int offset, int length) {
        byte[] zeros = new byte[Math.min(length, 1 << 16)];
        for (int done = 0; done < length; done += zeros.length) {
            buffer.put(offset + done, zeros, 0, Math.min(zeros.length, length - done));
        }
    }

    // ---- typed elements ----
    // An element's "raw" value is its bytes in memory, zero-extended to a long; its "bits" are TypeCode's form.

    /** Reads the element of {@code code} at {@code offset} (opaque), as TypeCode bits. */
    long read(TypeCode code, int offset) {
        return bitsOf(code, readRaw(code, offset));
    }

    /** Writes TypeCode bits (already checked against {@code code}) as the element at {@code offset} (opaque). */
    void write(TypeCode code, int offset, long bits) {
        long raw = rawOf(code, bits);
        switch (code.byteSize()) {
            case 1:
                // a byte store cannot tear; a masked compare-and-set of its word by another thread fails and retries
                buffer.put(offset, (byte) raw);
                break;
            case 2:
                SHORT.setOpaque(buffer, offset, (short) raw);
                break;
            case 4:
                INT.setOpaque(buffer, offset, (int) raw);
                break;
            default:
                LONG.setOpaque(buffer, offset, raw);
        }
    }

    /** Reads the element's raw value (opaque). */
    long readRaw(TypeCode code, int offset) {
        switch (code.byteSize()) {
            case 1:
                return rawByte(offset) & 0xFF;
            case 2:
                return ((short) SHORT.getOpaque(buffer, offset)) & 0xFFFF;
            case 4:
                return ((int) INT.getOpaque(buffer, offset)) & 0xFFFF_FFFFL;
            default:
                return (long) LONG.getOpaque(buffer, offset);
        }
    }

    /** Replaces the element's raw value {@code expect} with {@code update}; volatile semantics. */
    boolean compareAndSetRaw(TypeCode code, int offset, long expect, long update) {
        switch (code.byteSize()) {
            case 1:
                return casMasked(offset, 0xFF, expect, update);
            case 2:
                return casMasked(offset, 0xFFFF, expect, update);
            case 4:
                return INT.compareAndSet(buffer, offset, (int) expect, (int) update);
            default:
                return LONG.compareAndSet(buffer, offset, expect, update);
        }
    }

    /**
     * Adds atomically (lock-free) and returns the new value's bits; the sum is range-checked as
     * {@link TypeCode#addBits} does, and an overflow leaves the element unchanged.
     */
    long addAndGet(TypeCode code, int offset, long deltaBits) {
        while (true) {
            long raw = readRaw(code, offset);
            long next = code.addBits(bitsOf(code, raw), deltaBits);
            if (compareAndSetRaw(code, offset, raw, rawOf(code, next))) {
                return next;
            }
        }
    }

    /** Sets to {@code update} if the value equals {@code expect} as {@link TypeCode#bitsEqual} compares; atomic. */
    boolean compareAndSet(TypeCode code, int offset, long expectBits, long updateBits) {
        long update = rawOf(code, updateBits);
        while (true) {
            long raw = readRaw(code, offset);
            if (!code.bitsEqual(bitsOf(code, raw), expectBits)) {
                return false;
            }
            if (compareAndSetRaw(code, offset, raw, update)) {
                return true;
            }
        }
    }

    /** Sets and returns the previous value's bits; atomic. */
    long getAndSet(TypeCode code, int offset, long bits) {
        long update = rawOf(code, bits);
        while (true) {
            long raw = readRaw(code, offset);
            if (compareAndSetRaw(code, offset, raw, update)) {
                return bitsOf(code, raw);
            }
        }
    }

    /** TypeCode bits of a raw value: sign- or zero-extended as the code says, a float widened to double bits. */
    static long bitsOf(TypeCode code, long raw) {
        switch (code) {
            case SIGNED_CHAR:
                return (byte) raw;
            case SHORT:
                return (short) raw;
            case INT:
                return (int) raw;
            case FLOAT:
                return Double.doubleToRawLongBits(Float.intBitsToFloat((int) raw));
            default:
                return raw;
        }
    }

    /** The raw value of TypeCode bits. */
    static long rawOf(TypeCode code, long bits) {
        switch (code.byteSize()) {
            case 1:
                return bits & 0xFF;
            case 2:
                return bits & 0xFFFF;
            case 4:
                return code == TypeCode.FLOAT
                        ? Float.floatToRawIntBits((float) Double.longBitsToDouble(bits)) & 0xFFFF_FFFFL
                        : bits & 0xFFFF_FFFFL;
            default:
                return bits;
        }
    }

    private int rawByte(int offset) {
        int base = offset & ~3;
        return ((int) INT.getOpaque(buffer, base)) >>> ((offset & 3) * 8);
    }

    private boolean casMasked(int offset, int widthMask, long expect, long update) {
        int base = offset & ~3;
        int shift = (offset & 3) * 8;
        int mask = widthMask << shift;
        int expectField = ((int) expect & widthMask) << shift;
        int updateField = ((int) update & widthMask) << shift;
        while (true) {
            int word = (int) INT.getVolatile(buffer, base);
            if ((word & mask) != expectField) {
                return false;
            }
            if (INT.compareAndSet(buffer, base, word, (word & ~mask) | updateField)) {
                return true;
            }
        }
    }

    /**
     * The error for a fault of the mapping: the file was truncated or replaced under it. Marks the mapping lost, so
     * that every later operation refuses at once ({@link #checkUsable}) instead of reading what the fault left.
     */
    SharedMemoryException fault(InternalError error) {
        if (lost == null) {
            lost = error;
        }
        return lostError(error);
    }

    /** Whether a fault has made the mapping unusable. */
    boolean isLost() {
        return lost != null;
    }

    /** Throws the fault's error if a fault has made the mapping unusable. */
    void checkUsable() {
        InternalError error = lost;
        if (error != null) {
            throw lostError(error);
        }
    }

    private SharedMemoryException lostError(InternalError error) {
        return new SharedMemoryException("shared memory '" + area + "': the area's file was truncated or replaced"
                + " while mapped here (" + error.getMessage() + "); the values in it are lost to this process:"
                + " close it, and remove and create the area again", error);
    }
}
