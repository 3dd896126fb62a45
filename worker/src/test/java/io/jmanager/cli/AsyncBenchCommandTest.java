package io.jmanager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.TestRegistry;
import org.junit.jupiter.api.Test;

/**
 * {@code worker.jar bench --async} in-process with a tiny duration: it runs, answers every operation it issued and
 * prints its figures, and refuses what has no asynchronous form. These check the harness, not the speed.
 */
class AsyncBenchCommandTest {
    @Test
    void asyncIncrementsAreAllAnsweredAndCounted() {
        try (TestRegistry registry = TestRegistry.start()) {
            CommandLineRun r = CommandLineRun.of("bench", "-u", registry.url(), "--op", "incr", "--async", "--in-flight", "8", "--threads",
                    "2", "--duration", "1", "--warmup", "0.2", "--json", "--keep");
            assertEquals(0, r.code(), r.out() + r.err());
            assertTrue(r.out().contains("\"op\":\"incr-async-8\""), r.out());
            try (Manager m = Manager.connect(registry.url())) {
                long value = m.value("bench:incr", 'q', 0L).get();
                assertTrue(value > 0, "the increments were applied: " + value);
            }
        }
    }

    @Test
    void anOperationWithoutAnAsynchronousFormIsRefused() {
        try (TestRegistry registry = TestRegistry.start()) {
            CommandLineRun r = CommandLineRun.of("bench", "-u", registry.url(), "--op", "lock", "--async", "--duration", "1");
            assertEquals(1, r.code(), r.out() + r.err());
            assertTrue(r.err().contains("no asynchronous form"), r.err());
        }
    }
}
