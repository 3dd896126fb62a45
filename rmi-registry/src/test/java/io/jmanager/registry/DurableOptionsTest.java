package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code registry.jar --data-dir / --fsync}: bad combinations are usage errors (exit 2), unusable data directories
 * stop the start (exit 1) with the reason. No test here starts a registry: each command line is refused before it
 * listens, on a free loopback port.
 */
class DurableOptionsTest {
    @TempDir
    Path tmp;

    /** Runs the command line with stdout and stderr captured; returns {exit code, stderr, stdout}. */
    private Object[] run(String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--authkey-file",
                tmp.resolve("authkey").toString()));
        args.addAll(List.of(options));
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "durable-options-test");
            t.setDaemon(true);
            return t;
        });
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Future<Integer> code = thread.submit(() -> RegistryMain.run(args.toArray(new String[0])));
            try {
                return new Object[] {code.get(Fixture.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS),
                        err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8)};
            } catch (TimeoutException e) {
                throw new AssertionError("registry.jar " + args + " started a registry: "
                        + out.toString(StandardCharsets.UTF_8));
            }
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
            thread.shutdown();
        }
    }

    @Test
    void anIntervalWithoutADataDirectoryIsAUsageError() throws Exception {
        Object[] result = run("--fsync", "interval=5");
        assertEquals(2, result[0], "exit code; stderr: " + result[1]);
        assertContains((String) result[1], "registry.jar: ", "--fsync needs --data-dir", "Usage:");
    }

    @Test
    void aBadFsyncPolicyIsAUsageError() throws Exception {
        for (String bad : new String[] {"bogus", "interval=0", "interval=60001", "interval=x"}) {
            Object[] result = run("--fsync", bad);
            assertEquals(2, result[0], "--fsync " + bad + ": exit code; stderr: " + result[1]);
            assertContains((String) result[1], "registry.jar: ", "'" + bad + "'", "'always'", "'interval=MS'",
                    "Usage:");
            Object[] withDir = run("--data-dir", tmp.resolve("never-created").toString(), "--fsync", bad);
            assertEquals(2, withDir[0], "--fsync " + bad + " with --data-dir: stderr: " + withDir[1]);
        }
        assertEquals(false, Files.exists(tmp.resolve("never-created")), "a usage error creates nothing");
    }

    @Test
    void theHelpDescribesTheDurabilityOptions() throws Exception {
        Object[] help = run("--help");
        assertEquals(0, help[0]);
        assertContains((String) help[2], "--data-dir", "--fsync", "interval=MS");
    }

    @Test
    void anUnusableDataDirectoryStopsTheStartWithCode1() throws Exception {
        Path file = tmp.resolve("plain-file");
        Files.writeString(file, "x");
        Object[] notADirectory = run("--data-dir", file.toString());
        assertEquals(1, notADirectory[0], "stderr: " + notADirectory[1]);
        assertContains((String) notADirectory[1], "registry.jar: ", "is a file, not a directory");

        Path foreign = tmp.resolve("foreign");
        Files.createDirectories(foreign);
        Files.writeString(foreign.resolve("thesis.tex"), "x");
        Object[] notOurs = run("--data-dir", foreign.toString(), "--fsync", "interval=100");
        assertEquals(1, notOurs[0], "stderr: " + notOurs[1]);
        assertContains((String) notOurs[1], "registry.jar: ", "'thesis.tex'");
        assertEquals(List.of(foreign.resolve("thesis.tex")), Files.list(foreign).toList());
    }
}
