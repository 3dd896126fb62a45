package io.jmanager.cli;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The outcome of a bench run: operations completed in the measured window, the window's length, and the latency
 * histogram (nanoseconds). Results of forked clients are merged with {@link #merge}.
 */
final class BenchResult {
    final long operations;
    final long nanos;
    final Histogram latency;

    BenchResult(long operations, long nanos, Histogram latency) {
        this.operations = operations;
        this.nanos = nanos;
        this.latency = latency;
    }

    double opsPerSecond() {
        return nanos == 0 ? 0 : operations * 1e9 / nanos;
    }

    BenchResult merge(BenchResult other) {
        Histogram h = latency.copy();
        h.add(other.latency);
        return new BenchResult(operations + other.operations, Math.max(nanos, other.nanos), h);
    }

    double micros(double percentile) {
        return latency.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The child-to-parent line of a forked client. */
    String encode() {
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int length = latency.encodeIntoCompressedByteBuffer(buffer);
        return "RESULT " + operations + " " + nanos + " "
                + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    static BenchResult decode(String line) {
        String[] parts = line.trim().split(" ");
        if (parts.length != 4 || !parts[0].equals("RESULT")) {
            throw new CliException("malformed result from a forked bench client: " + line);
        }
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(parts[3])), 0);
            return new BenchResult(Long.parseLong(parts[1]), Long.parseLong(parts[2]), h);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new CliException("malformed histogram from a forked bench client: " + e.getMessage());
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
}
