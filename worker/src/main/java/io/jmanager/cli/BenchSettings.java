package io.jmanager.cli;

import java.util.Arrays;

/**
 * What one bench run does.
 *
 * @param clients      client managers (or processes with {@code --fork})
 * @param threads      threads per client
 * @param totalThreads threads over all clients (barrier parties)
 * @param keys         the key space of put/get/batch
 * @param valueSize    bytes per value
 * @param batch        entries per batch
 */
record BenchSettings(int clients, int threads, int totalThreads, int keys, int valueSize, int batch,
                     long barrierTimeoutMillis) {
    byte[] value() {
        byte[] v = new byte[valueSize];
        Arrays.fill(v, (byte) 'x');
        return v;
    }
}
