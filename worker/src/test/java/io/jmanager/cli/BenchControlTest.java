package io.jmanager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.TestRegistry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code worker.jar bench --control}: clients started once, one window per command on standard input, one JSON line
 * per command, in one JVM, in forked JVMs and asynchronously; bad commands answer an error and the clients stay up;
 * quit removes the objects. These check the harness, not the speed.
 */
@Timeout(120)
class BenchControlTest {
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    /**
     * Runs {@code bench --control} with {@code commands} as its standard input, with the test key given as a file
     * (forked children find no key by themselves: this is how they get it).
     */
    private static CommandLineRun control(String commands, String... options) {
        InputStream in = System.in;
        try {
            System.setIn(new ByteArrayInputStream(commands.getBytes(StandardCharsets.UTF_8)));
            List<String> args = new java.util.ArrayList<>(List.of("--url", registry.url(), "--authkey-file",
                    io.jmanager.TestKeys.file().toString(), "bench", "--control"));
            args.addAll(List.of(options));
            return CommandLineRun.of(args.toArray(String[]::new));
        } finally {
            System.setIn(in);
        }
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void windowsInOneJvmAnswerOneLineEachAndBadCommandsAnswerAnError() {
        CommandLineRun r = control("window put 0.3\n\nwindow get 0.3\nwindow nope 1\nwindow put -1\nflush\n"
                + "window barrier 1\nwindow put 0.2\nquit\n", "--threads", "2", "--keys", "100");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.lines();
        assertEquals(9, lines.size(), r.toString());
        assertEquals("{\"ready\":true,\"processes\":1,\"threads\":2,\"inFlight\":0}", lines.get(0));
        for (int i : new int[] {1, 2, 7}) {
            String w = lines.get(i);
            assertTrue(w.startsWith("{\"op\":\"" + (i == 2 ? "get" : "put") + "\""), w);
            assertTrue(number(w, "operations") > 0, w);
            assertTrue(number(w, "opsPerSec") > 0, w);
            assertTrue(number(w, "clientCpuUsPerOp") > 0, "the client CPU time is measured: " + w);
            assertTrue(number(w, "p999Us") >= number(w, "p50Us"), w);
        }
        assertTrue(lines.get(3).startsWith("{\"error\":\"unknown op 'nope'"), lines.get(3));
        assertTrue(lines.get(4).contains("SECONDS must be a number above 0"), lines.get(4));
        assertTrue(lines.get(5).contains("unknown command 'flush': use window OP SECONDS"), lines.get(5));
        assertTrue(lines.get(6).contains("does not run barrier"), lines.get(6));
        assertEquals("{\"quit\":true}", lines.get(8));
        try (Manager m = registry.connect()) {
            assertTrue(m.names().stream().noneMatch(n -> n.startsWith("bench:")), "removed: " + m.names());
        }
    }

    @Test
    void forkedProcessesRunEachWindowTogetherAndTheirCountsAddUp() {
        // the first windows of cold JVMs on a busy machine may complete no call at all: six windows, some count
        CommandLineRun r = control("window incr 0.5\n".repeat(6) + "quit\n", "--clients", "2", "--fork", "--keep");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.lines();
        assertEquals(8, lines.size(), r.toString());
        long counted = 0;
        for (String w : lines.subList(1, 7)) {
            assertTrue(w.contains("\"processes\":2"), w);
            assertTrue(number(w, "clientCpuUs") > 0, w);
            long n = (long) number(w, "operations");
            assertTrue(n == 0 || number(w, "clientCpuUsPerOp") > 0, w);
            counted += n;
        }
        try (Manager m = registry.connect()) {
            long applied = m.value("bench:incr", 'q', 0L).get();
            // every counted increment was applied; some more ran outside the windows' edges
            assertTrue(applied >= counted && counted > 0, "applied " + applied + ", counted " + counted);
            m.destroy("bench:incr");
        }
        assertFalse(ProcessHandle.current().descendants().anyMatch(p -> p.info().command().orElse("")
                .endsWith("java") && p.isAlive()), "the child JVMs have ended");
    }

    @Test
    void asynchronousWindowsKeepOperationsInFlight() {
        CommandLineRun r = control("window incr 0.3\nwindow lock 1\nquit\n", "--async", "--in-flight", "4",
                "--threads", "2");
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.lines();
        assertEquals("{\"ready\":true,\"processes\":1,\"threads\":2,\"inFlight\":4}", lines.get(0));
        assertTrue(number(lines.get(1), "operations") > 0, lines.get(1));
        assertTrue(lines.get(2).contains("lock has no asynchronous form"), lines.get(2));
    }

    @Test
    void controlTakesItsOperationsFromTheCommands() {
        CommandLineRun r = control("quit\n", "--op", "put");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("leave out --op"), r.err());
    }
}
