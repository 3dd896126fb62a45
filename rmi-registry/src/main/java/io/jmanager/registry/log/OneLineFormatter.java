package io.jmanager.registry.log;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Formats a log record as one line: {@code 2026-12-07T01:23:45.678Z WARN  message}, the time in UTC to the
 * millisecond, the level as {@code ERROR}, {@code WARN}, {@code INFO}, {@code DEBUG} or {@code TRACE}, then the
 * message; a thrown exception is appended on the same line as its class and message chain
 * ({@code | cause: java.io.IOException: ...}) and where its innermost cause came from, at most
 * {@value #FRAMES} frames from the top ({@code | at a.B.m(B.java:12) < a.C.n(C.java:40) < ...}), never as a
 * multi-line stack trace. Line breaks inside a message become {@code " / "}, so that each record is exactly one
 * line for {@code grep} and log shippers.
 */
public final class OneLineFormatter extends Formatter {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** How many frames of the innermost cause a line shows. */
    static final int FRAMES = 16;

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(128);
        line.append(TIME.format(Instant.ofEpochMilli(record.getMillis()))).append(' ');
        String level = level(record.getLevel());
        line.append(level).append(" ".repeat(Math.max(1, 6 - level.length())));
        line.append(oneLine(formatMessage(record)));
        Throwable innermost = null;
        for (Throwable t = record.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
            line.append(" | cause: ").append(t.getClass().getName());
            if (t.getMessage() != null) {
                line.append(": ").append(oneLine(t.getMessage()));
            }
            innermost = t;
        }
        if (innermost != null && innermost.getStackTrace().length > 0) {
            StackTraceElement[] frames = innermost.getStackTrace();
            line.append(" | at ");
            for (int i = 0; i < Math.min(FRAMES, frames.length); i++) {
                line.append(i == 0 ? "" : " < ").append(frames[i]);
            }
            if (frames.length > FRAMES) {
                line.append(" < ...");
            }
        }
        return line.append(System.lineSeparator()).toString();
    }

    /** The System.Logger name of a JUL level (the backend maps ERROR to SEVERE, DEBUG to FINE, ...). */
    static String level(Level level) {
        int v = level.intValue();
        if (v >= Level.SEVERE.intValue()) {
            return "ERROR";
        }
        if (v >= Level.WARNING.intValue()) {
            return "WARN";
        }
        if (v >= Level.INFO.intValue()) {
            return "INFO";
        }
        return v >= Level.FINE.intValue() ? "DEBUG" : "TRACE";
    }

    private static String oneLine(String text) {
        return text == null ? "" : text.replace("\r\n", " / ").replace('\r', ' ').replace("\n", " / ");
    }
}
