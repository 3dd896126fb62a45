package io.jmanager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.shm.ShmTestAreas;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code worker.jar shm bench} in-process with tiny durations: it starts its child JVMs, checks the counters, prints
 * its figures and removes its area. These check that the harness works, not how fast anything is.
 */
class ShmBenchCommandTest {
    @RegisterExtension
    final ShmTestAreas areas = new ShmTestAreas();

    private record Run(int exit, String out) {
    }

    private Run run(String... args) {
        List<String> all = new ArrayList<>(List.of("shm", "bench", "--dir", areas.directory().toString(),
                "--max-warmup", "0.3"));
        all.addAll(List.of(args));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = WorkerMain.run(all.toArray(String[]::new));
            return new Run(exit, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    private List<Path> areaFiles() throws IOException {
        try (Stream<Path> files = Files.list(areas.directory())) {
            return files.filter(f -> f.getFileName().toString().startsWith("jmanager.")).toList();
        }
    }

    private static long number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.]+)").matcher(json);
        assertTrue(m.find(), field + " in " + json);
        return (long) Double.parseDouble(m.group(1));
    }

    @Test
    void lockedIncrementFromTwoProcessesKeepsEveryIncrement() throws IOException {
        Run r = run("--op", "locked-increment", "--procs", "2", "--seconds", "0.2", "--json");
        assertEquals(0, r.exit(), r.out());
        String json = r.out().trim();
        assertTrue(json.startsWith("{\"system\":\"jmanager-shm\",\"op\":\"locked-increment\",\"procs\":2,"
                + "\"lock\":\"own\",\"children\":1,"), json);
        assertTrue(json.contains("\"ok\":true"), json);
        assertEquals(number(json, "value"), number(json, "expected"));
        assertTrue(number(json, "operations") > 0, json);
        assertEquals(2, json.split("\"pid\":").length - 1, json);
        assertEquals(List.of(), areaFiles(), "the area is removed");
    }

    @Test
    void opsModeDividesTheOperationsAndKeepsTheArea() throws IOException {
        Run r = run("--op", "add-and-get", "--procs", "2", "--children", "--ops", "100001", "--area", "kept",
                "--keep");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("2 processes (all child JVMs), lock none, area kept"), r.out());
        assertTrue(r.out().contains("measured: 100,001 operations"), r.out());
        assertTrue(r.out().contains(": ok"), r.out());
        assertEquals(List.of(areas.directory().resolve("jmanager.kept")), areaFiles());
    }

    @Test
    void arrayWriteInOneProcess() {
        Run r = run("--op", "array-write", "--seconds", "0.1", "--length", "64");
        assertEquals(0, r.exit(), r.out());
        assertTrue(r.out().contains("shm bench array-write: 1 process (this JVM), lock none"), r.out());
        assertTrue(r.out().contains("throughput: "), r.out());
    }

    @Test
    void lockedIncrementNeedsItsLock() {
        assertEquals(1, run("--op", "locked-increment", "--lock", "none").exit());
        assertEquals(2, run("--op", "no-such-op").exit());
    }
}
