package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.ValueCodec;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.ThreadParams;

/**
 * JMH: the registry's state machines called directly, without RMI: what one call costs the registry once RMI has
 * unmarshalled it. Objects are made as the unit tests make them ({@link Fixture}: a session table, small limits),
 * so this file follows any change of their constructors there. Not a test: run with
 * {@code bench/jmh.sh StateMachine}.
 *
 * <p>{@code dict*}, {@code lock*} and {@code queue*} run on one thread; {@code contended} runs the lock pair on two
 * threads of two sessions (this machine has 2 vCPUs), which measures the registry mutex and the hand-over.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class StateMachineBenchmark {
    static final int KEYS = 1024;
    /** Entries per batch: {@link Fixture#MAX_BATCH} (4 KiB) bounds a batch's bytes, about 25 bytes an entry here. */
    static final int BATCH = 100;

    Fixture fixture;
    DictObject dict;
    LockObject lock;
    QueueObject queue;
    byte[][] keys;
    byte[] value;
    byte[][] batchKeys;
    byte[][] batchValues;
    long session;
    long otherSession;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new Fixture();
        dict = fixture.add(new DictObject("bench:dict", ObjectSpec.of(ObjectType.DICT), fixture.context));
        lock = fixture.lock("bench:lock");
        queue = fixture.add(new QueueObject("bench:queue", ObjectSpec.sized(ObjectType.QUEUE, 0), fixture.context));
        session = fixture.session();
        otherSession = fixture.session();
        keys = new byte[KEYS][];
        value = ValueCodec.encode(new byte[16], null);
        for (int k = 0; k < KEYS; k++) {
            keys[k] = ValueCodec.encode("key:" + k, null);
            dict.put(keys[k], value);
        }
        batchKeys = new byte[BATCH][];
        batchValues = new byte[BATCH][];
        for (int i = 0; i < BATCH; i++) {
            batchKeys[i] = keys[i];
            batchValues[i] = value;
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        fixture.close();
    }

    /** A per-thread cursor over the key space, so that calls touch different keys as the real bench does. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        long thread;

        @Setup
        public void setUp(ThreadParams params) {
            thread = params.getThreadIndex() + 1;
        }

        int nextKey() {
            next = (next + 7) & (KEYS - 1);
            return next;
        }
    }

    @Benchmark
    public byte[] dictPut(Cursor c) {
        return dict.put(keys[c.nextKey()], value);
    }

    @Benchmark
    public byte[] dictGet(Cursor c) {
        return dict.get(keys[c.nextKey()]);
    }

    /** One putAll of {@value #BATCH} entries; divide by {@value #BATCH} for the cost per entry. */
    @Benchmark
    public void dictPutAll() {
        dict.putAll(batchKeys, batchValues);
    }

    /** One getAll of {@value #BATCH} keys. */
    @Benchmark
    public byte[][] dictGetAll() {
        return dict.getAll(batchKeys);
    }

    /** An uncontended acquire (granted at once) and release. */
    @Benchmark
    public void lockAcquireRelease(Cursor c) {
        lock.acquire(session, c.thread, 0, 0);
        lock.release(session, c.thread);
    }

    /** A non-blocking offer and poll of one item. */
    @Benchmark
    public byte[] queueOfferPoll() {
        queue.offer(session, 0, value, 0);
        return queue.poll(session, 0, 0);
    }

    /**
     * Two threads of two sessions taking turns on one lock, each waiting (bounded) for the other's release: the
     * registry side of the 4-client contended lock bench.
     */
    @Benchmark
    @Group("contended")
    @GroupThreads(2)
    public void lockContended(Cursor c) {
        long s = (c.thread & 1) == 0 ? session : otherSession;
        if (lock.acquire(s, c.thread, 0, TimeUnit.SECONDS.toNanos(1)) != 0) {
            lock.release(s, c.thread);
        }
    }
}
