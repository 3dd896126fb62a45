package io.jmanager.cli;

import io.jmanager.SharedLock;
import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedArray;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.SharedMemory;
import java.util.Locale;

/**
 * The operations {@code shm bench} measures, each on objects of the bench area: the {@code 'q'} value
 * {@code counter}, the lock {@code lock} and the {@code 'd'} array {@code array}. Every process runs one
 * {@link Loop}; a loop is one class per operation, so that the call sites in the measured method stay monomorphic.
 */
enum ShmBenchOp {
    /** {@code counter.get()}. */
    GET("counter.get()"),
    /** {@code counter.set(42)}. */
    SET("counter.set(42L)"),
    /** {@code counter.addAndGet(1)}: one atomic increment (lock-free with {@code --lock none}). */
    ADD_AND_GET("counter.addAndGet(1)"),
    /** A compare-and-set increment: {@code do x = get() while (!compareAndSet(x, x + 1))}; one op per increment. */
    CAS_INCREMENT("do { x = counter.get(); } while (!counter.compareAndSet(x, x + 1))"),
    /** {@code lock = counter.getLock(); lock.lock(); counter.set(counter.get() + 1); lock.unlock()}. */
    LOCKED_INCREMENT("l = counter.getLock(); l.lock(); counter.set(counter.get() + 1); l.unlock()"),
    /** {@code lock.lock(); lock.unlock()} on a (non-reentrant) shared-memory lock, Python's {@code Lock}. */
    LOCK_UNLOCK("lock.lock(); lock.unlock()"),
    /** {@code array.set(i, 1.5)} over the process's own range of the {@code 'd'} array. */
    ARRAY_WRITE("array.set(i, 1.5) in the process's own range"),
    /** {@code array.get(i)} over the process's own range of the {@code 'd'} array. */
    ARRAY_READ("array.get(i) in the process's own range");

    static final String COUNTER = "counter";
    static final String LOCK = "lock";
    static final String ARRAY = "array";

    /** The value written by {@code set} and {@code array-write}, boxed once. */
    private static final Long SET_VALUE = 42L;
    private static final Double ARRAY_VALUE = 1.5;
    private static final Long ONE = 1L;

    final String code;

    ShmBenchOp(String code) {
        this.code = code;
    }

    /** The command-line name, e.g. {@code locked-increment}. */
    String cliName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static ShmBenchOp parse(String name) {
        return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }

    /** Whether the final value of {@code counter} must equal the operations of all processes. */
    boolean isCounter() {
        return this == ADD_AND_GET || this == CAS_INCREMENT || this == LOCKED_INCREMENT;
    }

    boolean usesArray() {
        return this == ARRAY_WRITE || this == ARRAY_READ;
    }

    /** The locking its object gets unless {@code --lock} says otherwise. */
    Locking defaultLocking() {
        return this == LOCKED_INCREMENT ? Locking.OWN : Locking.NONE;
    }

    /** Creates the operation's objects (or opens them) and resets the counter to 0; by the coordinating process. */
    void prepare(SharedMemory shm, Locking locking, int length) {
        if (usesArray()) {
            shm.array(ARRAY, 'd', length, locking);
        } else if (this == LOCK_UNLOCK) {
            shm.lock(LOCK);
        } else {
            MappedValue<Long> counter = shm.value(COUNTER, 'q', 0L, locking);
            counter.set(0L);
        }
    }

    /** The final counter value, for {@link #isCounter()} operations. */
    long counterValue(SharedMemory shm, Locking locking) {
        MappedValue<Long> counter = shm.value(COUNTER, 'q', 0L, locking);
        return counter.get();
    }

    /**
     * The loop of process {@code index} of {@code procs}. Array operations use the process's own range of
     * {@code span} elements ({@code span} a power of two, {@code procs * span <= length}), as Python's benchmark
     * does, so that processes do not write the same cache lines.
     */
    Loop loop(SharedMemory shm, Locking locking, int index, int procs, int length) {
        switch (this) {
            case GET: return new GetLoop(shm.value(COUNTER, 'q', 0L, locking));
            case SET: return new SetLoop(shm.value(COUNTER, 'q', 0L, locking));
            case ADD_AND_GET: return new AddAndGetLoop(shm.value(COUNTER, 'q', 0L, locking));
            case CAS_INCREMENT: return new CasIncrementLoop(shm.value(COUNTER, 'q', 0L, locking));
            case LOCKED_INCREMENT: return new LockedIncrementLoop(shm.value(COUNTER, 'q', 0L, locking));
            case LOCK_UNLOCK: return new LockUnlockLoop(shm.lock(LOCK));
            case ARRAY_WRITE: case ARRAY_READ: {
                MappedArray<Double> array = shm.array(ARRAY, 'd', length, locking);
                int span = Integer.highestOneBit(Math.max(1, length / procs));
                return this == ARRAY_WRITE ? new ArrayWriteLoop(array, index * span, span - 1)
                        : new ArrayReadLoop(array, index * span, span - 1);
            }
            default: throw new IllegalStateException(name());
        }
    }

    /** One process's operation loop. */
    abstract static class Loop {
        /** Runs {@code n} operations; returns a value that depends on them, so that the JIT cannot drop them. */
        abstract long run(int n);
    }

    static final class GetLoop extends Loop {
        private final MappedValue<Long> counter;

        GetLoop(MappedValue<Long> counter) {
            this.counter = counter;
        }

        @Override
        long run(int n) {
            long sum = 0;
            for (int i = 0; i < n; i++) {
                sum += counter.get();
            }
            return sum;
        }
    }

    static final class SetLoop extends Loop {
        private final MappedValue<Long> counter;

        SetLoop(MappedValue<Long> counter) {
            this.counter = counter;
        }

        @Override
        long run(int n) {
            for (int i = 0; i < n; i++) {
                counter.set(SET_VALUE);
            }
            return n;
        }
    }

    static final class AddAndGetLoop extends Loop {
        private final MappedValue<Long> counter;

        AddAndGetLoop(MappedValue<Long> counter) {
            this.counter = counter;
        }

        @Override
        long run(int n) {
            long last = 0;
            for (int i = 0; i < n; i++) {
                last = counter.addAndGet(ONE);
            }
            return last;
        }
    }

    static final class CasIncrementLoop extends Loop {
        private final MappedValue<Long> counter;

        CasIncrementLoop(MappedValue<Long> counter) {
            this.counter = counter;
        }

        @Override
        long run(int n) {
            long x = 0;
            for (int i = 0; i < n; i++) {
                do {
                    x = counter.get();
                } while (!counter.compareAndSet(x, x + 1));
            }
            return x;
        }
    }

    static final class LockedIncrementLoop extends Loop {
        private final MappedValue<Long> counter;
        private final SharedLock lock;

        LockedIncrementLoop(MappedValue<Long> counter) {
            this.counter = counter;
            this.lock = counter.getLock();
        }

        @Override
        long run(int n) {
            for (int i = 0; i < n; i++) {
                lock.lock();
                try {
                    counter.set(counter.get() + 1);
                } finally {
                    lock.unlock();
                }
            }
            return n;
        }
    }

    static final class LockUnlockLoop extends Loop {
        private final SharedLock lock;

        LockUnlockLoop(SharedLock lock) {
            this.lock = lock;
        }

        @Override
        long run(int n) {
            for (int i = 0; i < n; i++) {
                lock.lock();
                lock.unlock();
            }
            return n;
        }
    }

    static final class ArrayWriteLoop extends Loop {
        private final MappedArray<Double> array;
        private final int base;
        private final int mask;
        private int next;

        ArrayWriteLoop(MappedArray<Double> array, int base, int mask) {
            this.array = array;
            this.base = base;
            this.mask = mask;
        }

        @Override
        long run(int n) {
            int j = next;
            for (int i = 0; i < n; i++) {
                array.set(base + (j++ & mask), ARRAY_VALUE);
            }
            next = j;
            return j;
        }
    }

    static final class ArrayReadLoop extends Loop {
        private final MappedArray<Double> array;
        private final int base;
        private final int mask;
        private int next;

        ArrayReadLoop(MappedArray<Double> array, int base, int mask) {
            this.array = array;
            this.base = base;
            this.mask = mask;
        }

        @Override
        long run(int n) {
            int j = next;
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += array.get(base + (j++ & mask));
            }
            next = j;
            return Double.doubleToRawLongBits(sum);
        }
    }
}
