package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the packaged jars as a user does ({@code java -jar}), with the tests' one timing multiplier. */
final class RegistryJar {
    private RegistryJar() {
    }

    static final double FACTOR = Double.parseDouble(System.getProperty("jmanager.test.timeFactor", "1"));

    static long millis(long ms) {
        return (long) (ms * FACTOR);
    }

    static Path registryJar() {
        Path jar = Path.of(System.getProperty("jmanager.registry.jar", "../rmi-registry/target/registry.jar"));
        assertTrue(Files.isRegularFile(jar), "registry.jar not built at " + jar.toAbsolutePath());
        return jar;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * A started {@code java -jar registry.jar} process. Its output goes to a file rather than a pipe: the JDK may
     * close a process's pipe when the process exits, losing the last lines a reader had not taken yet.
     */
    static final class Started implements AutoCloseable {
        final Process process;
        final Path log;
        final long readyMillis;
        final String url;

        Started(String... options) throws Exception {
            this(registryJar(), options);
        }

        /** Starts {@code java -jar jar options...} and waits for the registry's ready line. */
        Started(Path jar, String... options) throws Exception {
            this(jar, millis(10_000), options);
        }

        /**
         * Starts {@code java -jar jar options...} and waits up to {@code readyTimeoutMillis} for the ready line (a
         * registry group member loads Ratis and gRPC before it is ready: several times a single registry's start).
         */
        Started(Path jar, long readyTimeoutMillis, String... options) throws Exception {
            List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jar.toString()));
            command.addAll(List.of(options));
            log = Files.createTempFile("registry", ".log");
            long start = System.nanoTime();
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            String ready = awaitLine("jmanager registry ready at ", readyTimeoutMillis);
            readyMillis = (System.nanoTime() - start) / 1_000_000;
            if (ready == null) {
                process.destroyForcibly(); // the caller gets no handle to stop it: never leave it running
            }
            assertNotNull(ready, "registry did not print its ready line; output: " + output());
            url = ready.substring("jmanager registry ready at ".length()).trim();
        }

        /** Waits (bounded) for a line starting with {@code prefix}; null if none came in time. */
        String awaitLine(String prefix, long timeoutMillis) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
            while (true) {
                for (String line : output()) {
                    if (line.startsWith(prefix)) {
                        return line;
                    }
                }
                if (System.nanoTime() > deadline) {
                    return null;
                }
                Thread.sleep(20); // polling a file: there is no event to wait for
            }
        }

        List<String> output() {
            try {
                return Files.readAllLines(log, StandardCharsets.UTF_8);
            } catch (IOException e) {
                return List.of("(cannot read " + log + ": " + e + ")");
            }
        }

        @Override
        public void close() throws IOException {
            process.destroyForcibly();
            Files.deleteIfExists(log);
        }
    }

    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static Result run(String... args) throws Exception {
        return runJar(registryJar(), args);
    }

    /** Runs {@code java -jar jar args...} to its end (bounded) and returns its exit code and output. */
    static Result runJar(Path jar, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(javaBin(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("jar", ".log");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            boolean ended = p.waitFor(millis(20_000), TimeUnit.MILLISECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(ended, jar.getFileName() + " " + List.of(args) + " did not end; its output: " + out);
            return new Result(p.exitValue(), out);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    record Result(int code, String output) {
    }

    /** The packaged {@code worker.jar} (command-line client). */
    static Path workerJar() {
        Path jar = Path.of(System.getProperty("jmanager.worker.jar", "../worker/target/worker.jar"));
        assertTrue(Files.isRegularFile(jar), "worker.jar not built at " + jar.toAbsolutePath());
        return jar;
    }
}
