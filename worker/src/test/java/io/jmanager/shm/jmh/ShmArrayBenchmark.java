package io.jmanager.shm.jmh;

import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedArray;
import io.jmanager.shm.MappedStructArray;
import io.jmanager.shm.SharedMemory;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: element access of a {@code 'd'} shared-memory array of 4,096 without lock (Python's {@code Array('d', 4096,
 * lock=False)}) and field access of a struct array of {@code Point(x: d, y: d)}, one thread, cycling over the
 * elements. {@code rawBufferSet} and {@code rawBufferGet} are the floor the array sits on: an opaque
 * {@link VarHandle} access to a direct buffer with no range check, lock check or boxing of ours. Element reads are
 * returned unboxed (see {@link ShmValueBenchmark}). Not a test: run with
 * {@code bench/jmh.sh --module worker ShmArray}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ShmArrayBenchmark {
    static final int LENGTH = 4096;
    static final int MASK = LENGTH - 1;
    static final Double VALUE = 1.5;
    private static final VarHandle DOUBLES = MethodHandles.byteBufferViewVarHandle(double[].class,
            ByteOrder.LITTLE_ENDIAN);

    public record Point(double x, double y) {
    }

    SharedMemory shm;
    MappedArray<Double> array;
    MappedStructArray<Point> points;
    ByteBuffer raw;
    int next;
    final Point point = new Point(1.5, -2.5);

    @Setup(Level.Trial)
    public void setUp() {
        shm = ShmAreas.open(ShmAreas.name(getClass()));
        array = shm.array("array", 'd', LENGTH, Locking.NONE);
        points = shm.structArray("points", Point.class, LENGTH, Locking.NONE);
        raw = ByteBuffer.allocateDirect(LENGTH * 8);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ShmAreas.remove(shm);
    }

    private int index() {
        return next++ & MASK;
    }

    @Benchmark
    public void arraySet() {
        array.set(index(), VALUE);
    }

    @Benchmark
    public double arrayGet() {
        return array.get(index());
    }

    @Benchmark
    public void structSetField() {
        points.setField(index(), "x", VALUE);
    }

    @Benchmark
    public double structGetField() {
        return (Double) points.getField(index(), "x");
    }

    @Benchmark
    public void structSet() {
        points.set(index(), point);
    }

    @Benchmark
    public Point structGet() {
        return points.get(index());
    }

    @Benchmark
    public void rawBufferSet() {
        DOUBLES.setOpaque(raw, index() * 8, 1.5);
    }

    @Benchmark
    public double rawBufferGet() {
        return (double) DOUBLES.getOpaque(raw, index() * 8);
    }
}
