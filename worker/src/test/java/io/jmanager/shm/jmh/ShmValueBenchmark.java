package io.jmanager.shm.jmh;

import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.SharedMemory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: one {@code 'q'} shared-memory value in one process, one thread (uncontended): what a single operation costs
 * with no lock ({@code Locking.NONE}, Python's {@code lock=False}: atomic by the processor's instructions) and with
 * its own lock ({@code Locking.OWN}, Python's default: every operation takes the lock). Results are returned
 * unboxed, as a caller that uses the number does, so that the JIT can drop the box as it does in such code (a box
 * handed to JMH's blackhole would be allocated). Not a test: run with {@code bench/jmh.sh --module worker ShmValue}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ShmValueBenchmark {
    private static final Long ZERO = 0L;
    private static final Long ONE = 1L;

    @Param({"none", "own"})
    public String lock;

    SharedMemory shm;
    MappedValue<Long> value;

    @Setup(Level.Trial)
    public void setUp() {
        shm = ShmAreas.open(ShmAreas.name(getClass()));
        value = shm.value("v", 'q', 0L, lock.equals("own") ? Locking.OWN : Locking.NONE);
        value.set(0L);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ShmAreas.remove(shm);
    }

    @Benchmark
    public long get() {
        return value.get();
    }

    @Benchmark
    public void set() {
        value.set(ZERO);
    }

    @Benchmark
    public long addAndGet() {
        return value.addAndGet(ONE);
    }

    /** A successful compare-and-set (the value stays 0). */
    @Benchmark
    public boolean compareAndSet() {
        return value.compareAndSet(ZERO, ZERO);
    }
}
