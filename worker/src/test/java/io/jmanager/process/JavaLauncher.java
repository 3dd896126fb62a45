package io.jmanager.process;

import io.jmanager.TestKeys;
import io.jmanager.Timing;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.stream.Stream;

/** Builds cheap child-JVM command lines on this test JVM's class path, and drains child output. */
final class JavaLauncher {
    /** Flags that keep start-up cheap: C1 only, the default CDS archive, the serial GC, a small heap. */
    static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-Xshare:auto", "-XX:+UseSerialGC",
            "-Xms32m", "-Xmx256m", "-XX:-UsePerfData");

    private JavaLauncher() {
    }

    static String javaExecutable() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    /**
     * This JVM's class path, with every directory entry (the modules' {@code target/classes}) replaced by a copy
     * taken once: child JVMs must not see class directories being rebuilt by a concurrent {@code mvn compile}.
     */
    static synchronized String classPath() {
        if (snapshot == null) {
            snapshot = snapshotClassPath();
        }
        return snapshot;
    }

    private static String snapshot;

    private static String snapshotClassPath() {
        String cp = System.getProperty("java.class.path");
        if (cp == null || cp.isBlank()) {
            throw new IllegalStateException("java.class.path is empty: cannot start child JVMs");
        }
        try {
            Path root = Files.createTempDirectory("jmanager-process-cp-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(root)));
            List<String> entries = new ArrayList<>();
            int n = 0;
            for (String entry : cp.split(File.pathSeparator)) {
                Path source = Path.of(entry);
                if (Files.isDirectory(source)) {
                    Path copy = root.resolve(n++ + "-" + source.getFileName());
                    copyTree(source, copy);
                    entries.add(copy.toString());
                } else {
                    entries.add(entry);
                }
            }
            return String.join(File.pathSeparator, entries);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the class path for child JVMs", e);
        }
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> files = Files.walk(source)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path dest = target.resolve(source.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    try {
                        Files.copy(p, dest, StandardCopyOption.REPLACE_EXISTING);
                    } catch (NoSuchFileException gone) {
                        // deleted by a concurrent rebuild while we walked: the test JVM has what it needs
                    }
                }
            }
        }
    }

    private static void deleteQuietly(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: it is a temporary directory
        }
    }

    /** {@code java <flags> -cp <this class path> -Djmanager.test.timeFactor=<factor> mainClass args...}. */
    static List<String> command(String mainClass, List<String> args) {
        return command(List.of(), mainClass, args);
    }

    /** Like {@link #command(String, List)}, with more JVM flags (e.g. {@code -Duser.home=...}). */
    static List<String> command(List<String> jvmFlags, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable());
        cmd.addAll(JVM_FLAGS);
        cmd.addAll(jvmFlags);
        cmd.add("-Djmanager.test.timeFactor=" + Timing.FACTOR);
        cmd.add("-cp");
        cmd.add(classPath());
        cmd.add(mainClass);
        cmd.addAll(args);
        return cmd;
    }

    /** Children still running when this JVM exits (a test run aborted midway) are destroyed. */
    private static final Set<Process> STARTED = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly),
                "destroy-child-jvms"));
    }

    /**
     * Starts a child JVM whose key is this test JVM's ({@code JMANAGER_AUTHKEY_FILE} = {@link TestKeys#file()};
     * a {@code JMANAGER_AUTHKEY} of the environment is removed, since it would take precedence).
     */
    static Process start(List<String> command) {
        return start(command, java.util.Map.of());
    }

    /** Like {@link #start(List)}, with environment changes: a null value removes the variable. */
    static Process start(List<String> command, java.util.Map<String, String> env) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().remove("JMANAGER_AUTHKEY");
            builder.environment().put("JMANAGER_AUTHKEY_FILE", TestKeys.file().toString());
            env.forEach((k, v) -> {
                if (v == null) {
                    builder.environment().remove(k);
                } else {
                    builder.environment().put(k, v);
                }
            });
            Process p = builder.start();
            STARTED.add(p);
            p.onExit().thenRun(() -> STARTED.remove(p));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
    }

    /** Reads {@code in} line by line on a daemon thread until EOF, handing each line to {@code sink}. */
    static Thread drain(InputStream in, String threadName, Consumer<String> sink) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process was destroyed: nothing more to read
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
        return t;
    }
}
