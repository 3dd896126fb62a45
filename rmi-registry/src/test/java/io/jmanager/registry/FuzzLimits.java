package io.jmanager.registry;

import java.lang.management.ManagementFactory;

/**
 * (A copy of shared-objects' io.jmanager.FuzzLimits: test classes are not shared between modules.)
 *
 * <p>Bounds that every coverage-guided fuzz target of this module checks besides its decoder's own contract: a decoder
 * must not allocate much more than its input could justify (a length field claiming 2 GiB must be refused before the
 * allocation, not by an {@link OutOfMemoryError}). Hangs are caught by Jazzer's per-input timeout (the
 * {@code @Timeout} of each fuzz test), stack overflows and other errors by Jazzer itself.
 */
final class FuzzLimits {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private FuzzLimits() {
    }

    /** A fuzz target's body. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} and fails if this thread allocated more than {@code 8 MiB + perInputByte * inputLength}
     * meanwhile: room for the decoder's own buffers and the checks' copies, far below what a trusted length field
     * could make it take. A body over the limit runs once more and only that run counts: the first run of a class
     * also pays for loading, initializing and instrumenting it.
     */
    public static void bounded(int inputLength, int perInputByte, String what, Body body) throws Exception {
        long limit = (8L << 20) + (long) perInputByte * inputLength;
        long used = measure(body);
        if (used > limit) {
            used = measure(body);
            if (used > limit) {
                throw new AssertionError(what + " allocated " + used + " bytes for an input of " + inputLength
                        + " bytes (limit " + limit + ")");
            }
        }
    }

    private static long measure(Body body) throws Exception {
        long start = THREADS.getCurrentThreadAllocatedBytes();
        body.run();
        return THREADS.getCurrentThreadAllocatedBytes() - start;
    }
}
