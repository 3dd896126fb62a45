package io.jmanager.registry;

import io.jmanager.wire.ValueCodec;
import java.io.Serializable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH: the value encoding every call pays on the worker (encode arguments, decode results): a short String key, a
 * Long, a 16-byte {@code byte[]} value, and a record, which has no tag of its own and goes through Java
 * serialization (tag 9). Not a test: run with {@code bench/jmh.sh ValueCodec}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ValueCodecBenchmark {
    /** A record value: stored as a serialized blob, the path of every user class. */
    public record Point(double x, double y, String label) implements Serializable {
    }

    private final String key = "key:4711";
    private final Long number = 1_234_567_890_123L;
    private final byte[] bytes16 = "xxxxxxxxxxxxxxxx".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final Point point = new Point(1.875, -6.25, "p");
    private static final io.jmanager.wire.ValueFilter POINTS = io.jmanager.wire.ValueFilter.defaults()
            .allowClasses(Point.class);
    private byte[] keyEncoded;
    private byte[] numberEncoded;
    private byte[] bytesEncoded;
    private byte[] pointEncoded;

    @Setup
    public void setUp() {
        keyEncoded = ValueCodec.encode(key, null);
        numberEncoded = ValueCodec.encode(number, null);
        bytesEncoded = ValueCodec.encode(bytes16, null);
        pointEncoded = ValueCodec.encode(point, null);
    }

    @Benchmark
    public byte[] encodeString() {
        return ValueCodec.encode(key, null);
    }

    @Benchmark
    public Object decodeString() {
        return ValueCodec.decode(keyEncoded, null);
    }

    @Benchmark
    public byte[] encodeLong() {
        return ValueCodec.encode(number, null);
    }

    @Benchmark
    public Object decodeLong() {
        return ValueCodec.decode(numberEncoded, null);
    }

    @Benchmark
    public byte[] encodeBytes16() {
        return ValueCodec.encode(bytes16, null);
    }

    @Benchmark
    public Object decodeBytes16() {
        return ValueCodec.decode(bytesEncoded, null);
    }

    @Benchmark
    public byte[] encodeRecord() {
        return ValueCodec.encode(point, null);
    }

    @Benchmark
    public Object decodeRecord() {
        return ValueCodec.decode(pointEncoded, null, POINTS); // a declared record, as workers read it
    }
}
