package io.jmanager.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One {@code worker.jar} command line run in this JVM ({@link WorkerMain#run}): its exit code and what it wrote to
 * standard output and standard error, captured. One at a time: {@code System.out} and {@code System.err} are
 * replaced while it runs.
 */
public record CommandLineRun(int code, String out, String err) {
    /** Runs {@code args} as {@code java -jar worker.jar args...} would, in this JVM. */
    public static synchronized CommandLineRun of(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        int code;
        try (PrintStream po = new PrintStream(o, true, StandardCharsets.UTF_8);
             PrintStream pe = new PrintStream(e, true, StandardCharsets.UTF_8)) {
            System.setOut(po);
            System.setErr(pe);
            code = WorkerMain.run(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        return new CommandLineRun(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    }

    /** Standard output's lines. */
    public List<String> lines() {
        return out.lines().toList();
    }

    @Override
    public String toString() {
        return "exit " + code + "\n--- out:\n" + out + "--- err:\n" + err;
    }
}
