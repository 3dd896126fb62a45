package io.jmanager.cli;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a bench run: operations completed in the measured window, the window's length, the latency
 * histogram (nanoseconds) and, where measured ({@code bench --control}), the CPU time the client processes used
 * during the window ({@code -1} when not measured). Results of forked clients are merged with {@link #merge}: the
 * operations and CPU times add up, the window is the longest.
 */
final class BenchResult {
    final long operations;
    final long nanos;
    final Histogram latency;
    final long cpuNanos;

    BenchResult(long operations, long nanos, Histogram latency) {
        this(operations, nanos, latency, -1);
    }

    BenchResult(long operations, long nanos, Histogram latency, long cpuNanos) {
        this.operations = operations;
        this.nanos = nanos;
        this.latency = latency;
        this.cpuNanos = cpuNanos;
    }

    double opsPerSecond() {
        return nanos == 0 ? 0 : operations * 1e9 / nanos;
    }

    BenchResult merge(BenchResult other) {
        Histogram h = latency.copy();
        h.add(other.latency);
        long cpu = cpuNanos < 0 || other.cpuNanos < 0 ? -1 : cpuNanos + other.cpuNanos;
        return new BenchResult(operations + other.operations, Math.max(nanos, other.nanos), h, cpu);
    }

    /** Client CPU microseconds per operation, or -1 when the CPU time was not measured or nothing completed. */
    double cpuMicrosPerOp() {
        return cpuNanos < 0 || operations == 0 ? -1 : cpuNanos / 1e3 / operations;
    }

    double micros(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The child-to-parent line of a forked client. */
    String encode() {
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int length = latency.encodeIntoCompressedByteBuffer(buffer);
        return "RESULT " + operations + " " + nanos + " "
                + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length))
                + (cpuNanos >= 0 ? " " + cpuNanos : "");
    }

    static BenchResult decode(String line) {
        String[] parts = line.trim().split(" ");
        if (parts.length < 4 || parts.length > 5 || !parts[0].equals("RESULT")) {
            throw new CliException("malformed result from a forked bench client: " + line);
        }
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(parts[3])), 0);
            return new BenchResult(Long.parseLong(parts[1]), Long.parseLong(parts[2]), h,
                    parts.length == 5 ? Long.parseLong(parts[4]) : -1);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new CliException("malformed result from a forked bench client (" + e.getMessage() + "): " + line);
        }
    }

    String text(String title) {
        return String.format(Locale.ROOT, "%s%n  operations: %,d in %.2f s   throughput: %,.0f ops/s%n"
                        + "  latency µs: p50 %.1f   p90 %.1f   p99 %.1f   p99.9 %.1f   max %.1f",
                title, operations, nanos / 1e9, opsPerSecond(), micros(50), micros(90), micros(99), micros(99.9),
                latency.getMaxValue() / 1000.0);
    }

    String json(String op, int clients, int threads, boolean forked, int valueSize, int batch) {
        return String.format(Locale.ROOT, "{\"op\":%s,\"clients\":%d,\"threads\":%d,\"forked\":%b,\"valueSize\":%d,"
                        + "\"batch\":%d,\"operations\":%d,\"seconds\":%.3f,\"opsPerSec\":%.1f,\"p50Us\":%.2f,"
                        + "\"p90Us\":%.2f,\"p99Us\":%.2f,\"p999Us\":%.2f,\"maxUs\":%.2f}",
                Json.quote(op), clients, threads, forked, valueSize, batch, operations, nanos / 1e9, opsPerSecond(),
                micros(50), micros(90), micros(99), micros(99.9), latency.getMaxValue() / 1000.0);
    }

    /**
     * The {@code bench --control} answer to one window: one JSON object with the rate, the latency percentiles and
     * the client CPU time ({@code clientCpuUs} in all, {@code clientCpuUsPerOp}; -1 when not measured).
     */
    String controlJson(String op, int processes, int threads, int inFlight) {
        return String.format(Locale.ROOT, "{\"op\":%s,\"processes\":%d,\"threads\":%d,\"inFlight\":%d,"
                        + "\"operations\":%d,\"seconds\":%.3f,\"opsPerSec\":%.1f,\"p50Us\":%.2f,\"p90Us\":%.2f,"
                        + "\"p99Us\":%.2f,\"p999Us\":%.2f,\"maxUs\":%.2f,\"clientCpuUs\":%.1f,"
                        + "\"clientCpuUsPerOp\":%.3f}",
                Json.quote(op), processes, threads, inFlight, operations, nanos / 1e9, opsPerSecond(), micros(50),
                micros(90), micros(99), micros(99.9), latency.getMaxValue() / 1000.0,
                cpuNanos < 0 ? -1.0 : cpuNanos / 1e3, cpuMicrosPerOp());
    }
}
