package io.jmanager.shm.jmh;

import io.jmanager.SharedLock;
import io.jmanager.SharedReentrantLock;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.SharedMemory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
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
 * JMH: shared-memory locks in one process, one thread (uncontended): lock+unlock of a {@code Lock} and an
 * {@code RLock}, and the locked increment {@code l = v.getLock(); l.lock(); v.set(v.get() + 1); l.unlock()} (Python's
 * {@code with v.get_lock(): v.value += 1}). The {@code heap*} methods are the in-heap floor: a
 * {@link ReentrantLock} pair and an {@link AtomicLong} increment. Not a test: run with
 * {@code bench/jmh.sh --module worker ShmLock}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ShmLockBenchmark {
    SharedMemory shm;
    SharedLock lock;
    SharedReentrantLock rlock;
    MappedValue<Long> counter;
    SharedLock counterLock;
    final ReentrantLock heapLock = new ReentrantLock();
    final AtomicLong heapCounter = new AtomicLong();

    @Setup(Level.Trial)
    public void setUp() {
        shm = ShmAreas.open(ShmAreas.name(getClass()));
        lock = shm.lock("lock");
        rlock = shm.rlock("rlock");
        counter = shm.value("counter", 'q', 0L);
        counterLock = counter.getLock();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ShmAreas.remove(shm);
    }

    @Benchmark
    public void lockUnlock() {
        lock.lock();
        lock.unlock();
    }

    @Benchmark
    public void rlockUnlock() {
        rlock.lock();
        rlock.unlock();
    }

    @Benchmark
    public void lockedIncrement() {
        counterLock.lock();
        try {
            counter.set(counter.get() + 1);
        } finally {
            counterLock.unlock();
        }
    }

    @Benchmark
    public void heapReentrantLockUnlock() {
        heapLock.lock();
        heapLock.unlock();
    }

    @Benchmark
    public long heapAtomicIncrement() {
        return heapCounter.incrementAndGet();
    }
}
