package io.jmanager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * {@code worker.jar bench --async} in-process with a tiny duration: it runs, answers every operation it issued and
 * prints its figures, and refuses what has no asynchronous form. These check the harness, not the speed.
 */
class AsyncBenchCommandTest {
    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
        try {
            int exit = WorkerMain.run(args);
            return new Run(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void asyncIncrementsAreAllAnsweredAndCounted() {
        try (TestRegistry registry = TestRegistry.start()) {
            Run r = run("bench", "-u", registry.url(), "--op", "incr", "--async", "--in-flight", "8", "--threads",
                    "2", "--duration", "1", "--warmup", "0.2", "--json", "--keep");
            assertEquals(0, r.exit(), r.out() + r.err());
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
            Run r = run("bench", "-u", registry.url(), "--op", "lock", "--async", "--duration", "1");
            assertEquals(1, r.exit(), r.out() + r.err());
            assertTrue(r.err().contains("no asynchronous form"), r.err());
        }
    }
}
