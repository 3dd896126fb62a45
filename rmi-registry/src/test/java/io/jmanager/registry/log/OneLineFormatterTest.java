package io.jmanager.registry.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.registry.SessionEnd;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class OneLineFormatterTest {
    private static final String LINE =
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (ERROR|WARN |INFO |DEBUG|TRACE) .*";

    @Test
    void oneLineWithTimeLevelAndTheWholeCauseChain() {
        LogRecord record = new LogRecord(Level.WARNING, "data directory failed\nduring commit");
        record.setThrown(new IllegalStateException("outer", new java.io.IOException("disk full")));
        String line = new OneLineFormatter().format(record);
        assertEquals(1, line.split("\n").length, line);
        assertTrue(line.stripTrailing().matches(LINE), line);
        assertTrue(line.contains("WARN  data directory failed / during commit | cause: java.lang.IllegalStateException:"
                + " outer | cause: java.io.IOException: disk full | at "), line);
    }

    @Test
    void theInnermostCauseSaysWhereItCameFromOnTheSameLine() {
        java.io.IOException inner = new java.io.IOException("disk full");
        inner.setStackTrace(new StackTraceElement[] {
                new StackTraceElement("a.Disk", "write", "Disk.java", 12),
                new StackTraceElement("a.Log", "append", "Log.java", 40)});
        LogRecord record = new LogRecord(Level.WARNING, "append failed");
        record.setThrown(new IllegalStateException("outer", inner));
        String line = new OneLineFormatter().format(record);
        assertEquals(1, line.split("\n").length, line);
        assertTrue(line.stripTrailing().endsWith("| cause: java.io.IOException: disk full"
                + " | at a.Disk.write(Disk.java:12) < a.Log.append(Log.java:40)"), line);

        StackTraceElement[] deep = new StackTraceElement[OneLineFormatter.FRAMES + 5];
        java.util.Arrays.fill(deep, new StackTraceElement("a.R", "r", "R.java", 1));
        inner.setStackTrace(deep);
        line = new OneLineFormatter().format(record);
        assertEquals(OneLineFormatter.FRAMES, line.split("a\\.R\\.r").length - 1, line);
        assertTrue(line.stripTrailing().endsWith(" < ..."), line);
    }

    @Test
    void levelsAreTheSystemLoggerNames() {
        assertEquals("ERROR", OneLineFormatter.level(Level.SEVERE));
        assertEquals("WARN", OneLineFormatter.level(Level.WARNING));
        assertEquals("INFO", OneLineFormatter.level(Level.INFO));
        assertEquals("DEBUG", OneLineFormatter.level(Level.FINE));
        assertEquals("TRACE", OneLineFormatter.level(Level.FINEST));
    }

    @Test
    void theEventLogWritesOneLinePerEventThroughSystemLogger() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            RegistryLogging.install(out);
            EventLog log = new EventLog();
            log.sessionOpened(7, "worker-host", 4242, 10_000);
            log.sessionEnded(7, "worker-host", 4242, SessionEnd.EXPIRED, 12_500);
            log.lockRecovered("report", 7, 12, 3_000_000_000L, 2, SessionEnd.EXPIRED);
            log.committed(EventLog.SLOW_COMMIT_MILLIS * 2_000_000, 3);
            log.committed(1_000_000, 1); // fast: not logged
        } finally {
            LogManager.getLogManager().readConfiguration(); // the JDK's default set-up for the other tests
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(4, lines.length, String.join("\n", lines));
        for (String line : lines) {
            assertTrue(line.matches(LINE), line);
        }
        assertTrue(lines[0].contains("INFO  session 7 opened by worker-host pid 4242 (lease 10000 ms)"), lines[0]);
        assertTrue(lines[1].contains("WARN  session 7 of worker-host pid 4242 ended after 12.500 s: lease expired"),
                lines[1]);
        assertTrue(lines[2].contains("WARN  lock 'report' recovered from session 7 (lease_expired) that held it for"
                + " 3.000 s; its fencing token 12 is stale now; 2 waiting"), lines[2]);
        assertTrue(lines[3].contains("WARN  slow durability commit: 1.000 s for 3 writer(s)"), lines[3]);
    }
}
