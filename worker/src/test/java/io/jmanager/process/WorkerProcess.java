package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A worker JVM running {@code io.jmanager.process.<Main> args...} on the test class path. Its stdout lines and
 * stderr are collected; {@link #awaitSuccess} waits (bounded) and asserts exit code 0, showing the worker's stderr
 * (and stdout) on failure. {@link #close()} destroys a worker still running.
 */
final class WorkerProcess implements AutoCloseable {
    private final String description;
    private final Process process;
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    private final StringBuffer stderr = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    private WorkerProcess(String description, Process process) {
        this.description = description;
        this.process = process;
        this.outReader = JavaLauncher.drain(process.getInputStream(), description + "-out", line -> {
            synchronized (stdout) {
                stdout.add(line);
                stdout.notifyAll();
            }
        });
        this.errReader = JavaLauncher.drain(process.getErrorStream(), description + "-err",
                line -> stderr.append(line).append('\n'));
    }

    /** Starts {@code main} (a class of this package) with {@code args}. */
    static WorkerProcess start(Class<?> main, Object... args) {
        List<String> list = new ArrayList<>();
        for (Object a : args) {
            list.add(String.valueOf(a));
        }
        String description = main.getSimpleName() + list;
        return new WorkerProcess(description, JavaLauncher.start(JavaLauncher.command(main.getName(), list)));
    }

    /**
     * Starts {@code main} with environment changes ({@code env}: a null value removes a variable) and more JVM
     * flags: for workers that must find (or miss) their key by themselves.
     */
    static WorkerProcess startWith(java.util.Map<String, String> env, List<String> jvmFlags, Class<?> main,
                                   Object... args) {
        List<String> list = new ArrayList<>();
        for (Object a : args) {
            list.add(String.valueOf(a));
        }
        String description = main.getSimpleName() + list;
        return new WorkerProcess(description, JavaLauncher.start(JavaLauncher.command(jvmFlags, main.getName(), list),
                env));
    }

    /** Waits for every worker (sharing one deadline) and asserts each exited with 0; returns their stdout. */
    static List<List<String>> awaitAll(List<WorkerProcess> workers, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<List<String>> out = new ArrayList<>();
        try {
            for (WorkerProcess w : workers) {
                out.add(w.awaitSuccess(Duration.ofNanos(Math.max(0, deadline - System.nanoTime()))));
            }
        } finally {
            for (WorkerProcess w : workers) {
                w.close();
            }
        }
        return out;
    }

    /** Waits up to {@code timeout}, asserts exit code 0 and returns the worker's stdout lines. */
    List<String> awaitSuccess(Duration timeout) {
        boolean exited;
        try {
            exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (exited) {
                // the pipes reach EOF right after the exit: collect everything that was printed
                outReader.join(TimeUnit.SECONDS.toMillis(10));
                errReader.join(TimeUnit.SECONDS.toMillis(10));
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for worker " + description, e);
        }
        if (!exited) {
            String threads = threadDump();
            process.destroyForcibly();
            fail("worker " + description + " did not finish within " + timeout.toMillis() + " ms" + threads
                    + details());
        }
        int code = process.exitValue();
        if (code != 0) {
            fail("worker " + description + " exited with code " + code + details());
        }
        return stdout();
    }

    /** Best effort: the hung worker's threads, via {@code jcmd PID Thread.print}. */
    private String threadDump() {
        java.nio.file.Path jcmd = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd");
        if (!java.nio.file.Files.isExecutable(jcmd)) {
            return "";
        }
        try {
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            StringBuffer dump = new StringBuffer();
            Thread reader = JavaLauncher.drain(p.getInputStream(), "jcmd", l -> dump.append(l).append('\n'));
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            reader.join(2000);
            return "\n--- threads of " + description + " ---\n" + dump;
        } catch (Exception e) {
            return "\n(no thread dump: " + e + ")";
        }
    }

    private String details() {
        List<String> out = stdout();
        List<String> tail = out.subList(Math.max(0, out.size() - 40), out.size());
        return "\n--- stderr of " + description + " ---\n" + stderr + "--- last " + tail.size()
                + " stdout lines ---\n" + String.join("\n", tail);
    }

    /** Waits (bounded) until the worker printed {@code line}; fails with its output if it exits or times out. */
    void awaitLine(String line, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (stdout) {
            while (!stdout.contains(line)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    // woken by each new line; the bound also notices a worker that exited without printing it
                    stdout.wait(Math.max(1, Math.min(TimeUnit.NANOSECONDS.toMillis(left), 100)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new AssertionError(e);
                }
                if (!process.isAlive() && !stdout.contains(line)) {
                    break;
                }
            }
            if (stdout.contains(line)) {
                return;
            }
        }
        fail("worker " + description + (process.isAlive() ? " did not print '" + line + "' within "
                + timeout.toMillis() + " ms" : " exited (code " + process.exitValue() + ") before printing '"
                + line + "'") + details());
    }

    /** Kills the worker like a crash ({@code SIGKILL}): no shutdown hook, no {@code Manager.close()}. */
    void kill() {
        process.destroyForcibly();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                fail("worker " + description + " survived SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    List<String> stdout() {
        synchronized (stdout) {
            return new ArrayList<>(stdout);
        }
    }

    String stderr() {
        return stderr.toString();
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return description;
    }
}
