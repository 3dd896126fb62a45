package io.jmanager.registry.log;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The registry process's one logging path: the JDK's {@link System.Logger} (whose default backend is
 * {@code java.util.logging}) with every record written by {@link OneLineFormatter} as one line on standard error.
 * {@code registry.jar} installs it at start; a program that embeds the registry keeps its own logging set-up, and
 * the registry's records (logger {@code io.jmanager.registry}) go wherever that sends them.
 */
public final class RegistryLogging {
    private RegistryLogging() {
    }

    /**
     * Replaces the root logger's handlers with one that writes one line per record to {@code out}, flushed at once,
     * from level INFO ({@code -Djmanager.log.level=FINE} for more). Idempotent in effect.
     */
    public static void install(PrintStream out) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        Level level = Level.parse(System.getProperty("jmanager.log.level", "INFO"));
        root.setLevel(level);
        Handler handler = new Handler() {
            private final OneLineFormatter formatter = new OneLineFormatter();

            @Override
            public void publish(LogRecord record) {
                if (isLoggable(record)) {
                    String line = formatter.format(record);
                    synchronized (out) {
                        out.print(line);
                        out.flush();
                    }
                }
            }

            @Override
            public void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        };
        handler.setLevel(level);
        root.addHandler(handler);
    }
}
