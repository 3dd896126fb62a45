package io.jmanager.registry;

import io.jmanager.registry.metrics.RegistryMetrics;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteDict;
import io.jmanager.wire.ValueCodec;
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
 * JMH: what timing a remote call costs the registry with {@code --http} (issue 13): the same dict called through
 * its remote interface directly ({@code *Plain}, as without {@code --http}) and through the {@link TimedRemote}
 * wrapper that RMI dispatches to with {@code --http}, feeding {@link RegistryMetrics}' histogram ({@code *Timed}).
 * The difference is the per-call cost of the metrics, without RMI's own cost around it. Not a test: run with
 * {@code bench/jmh.sh TimedCall}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TimedCallBenchmark {
    static final int KEYS = 1024;

    Fixture fixture;
    RemoteDict plain;
    RemoteDict timed;
    byte[][] keys;
    byte[] value;
    int next;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new Fixture();
        DictObject dict = fixture.add(new DictObject("bench:dict", ObjectSpec.of(ObjectType.DICT), fixture.context));
        plain = dict;
        timed = (RemoteDict) TimedRemote.wrap(dict, new RegistryMetrics(false));
        keys = new byte[KEYS][];
        value = ValueCodec.encode(new byte[16], null);
        for (int k = 0; k < KEYS; k++) {
            keys[k] = ValueCodec.encode("key:" + k, null);
            dict.put(keys[k], value);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws InterruptedException {
        fixture.close();
    }

    private byte[] nextKey() {
        next = (next + 7) & (KEYS - 1);
        return keys[next];
    }

    @Benchmark
    public byte[] getPlain() throws Exception {
        return plain.get(nextKey());
    }

    @Benchmark
    public byte[] getTimed() throws Exception {
        return timed.get(nextKey());
    }

    @Benchmark
    public byte[] putPlain() throws Exception {
        return plain.put(nextKey(), value);
    }

    @Benchmark
    public byte[] putTimed() throws Exception {
        return timed.put(nextKey(), value);
    }
}
