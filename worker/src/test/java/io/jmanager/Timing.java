package io.jmanager;

import java.time.Duration;

/**
 * The one timing multiplier for every timeout in the tests: {@code -Djmanager.test.timeFactor=3} (or the
 * environment variable {@code JMANAGER_TEST_TIME_FACTOR}) on a slow machine. Timeouts only bound how long a
 * failing test waits; no test sleeps to synchronise.
 */
public final class Timing {
    public static final double FACTOR = factor();

    private Timing() {
    }

    private static double factor() {
        String value = System.getProperty("jmanager.test.timeFactor", System.getenv("JMANAGER_TEST_TIME_FACTOR"));
        try {
            return value == null || value.isBlank() ? 1.0 : Math.max(0.1, Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return 1.0;
        }
    }

    /** {@code millis} scaled by the factor. */
    public static long millis(long millis) {
        return (long) (millis * FACTOR);
    }

    /** {@code seconds} scaled by the factor. */
    public static Duration seconds(long seconds) {
        return Duration.ofMillis(millis(seconds * 1000));
    }
}
