package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.Manager;
import io.jmanager.Timing;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A jmanager registry in its own JVM ({@code io.jmanager.registry.RegistryMain} on a free loopback port), started
 * like {@code java -jar registry.jar}: ready when it prints {@code jmanager registry ready at rmi://...}. Managers
 * from {@link #connect()} are closed and the process destroyed by {@link #close()}.
 */
public final class RegistryProcess implements AutoCloseable {
    private static final String READY = "jmanager registry ready at ";
    private static final int ATTEMPTS = 3;

    private final Process process;
    private final int requestedPort;
    private final List<String> output;
    private final CountDownLatch ready;
    private volatile String url;
    private final List<Manager> managers = new ArrayList<>();

    private RegistryProcess(Process process, int requestedPort, List<String> output, CountDownLatch ready) {
        this.process = process;
        this.requestedPort = requestedPort;
        this.output = output;
        this.ready = ready;
    }

    /** Starts a registry process and waits (bounded) until it is serving. */
    public static RegistryProcess start(String... extraArgs) {
        AssertionError last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return startOnce(freePort(), java.util.Map.of(), List.of(), extraArgs);
            } catch (PortTakenError e) {
                last = e; // lost the race for the free port: another one
            }
        }
        throw last;
    }

    /** Starts a registry process on {@code port} (a restart on the same port), waiting until it is serving. */
    static RegistryProcess startOn(int port, String... extraArgs) {
        return startOnce(port, java.util.Map.of(), List.of(), extraArgs);
    }

    /**
     * Launches a registry process on {@code port} and returns at once, without waiting until it is serving: for
     * a test that kills it at any moment of its start-up. {@link #awaitReady()} waits for it; {@link #isReady()}
     * tells whether it printed its ready line.
     */
    static RegistryProcess launchOn(int port, String... extraArgs) {
        return launch(port, java.util.Map.of(), List.of(), extraArgs);
    }

    /**
     * Starts a registry process with environment changes ({@code env}: a null value removes a variable, e.g.
     * {@code JMANAGER_AUTHKEY_FILE} so that it uses its default key file) and more JVM flags.
     */
    public static RegistryProcess startWith(java.util.Map<String, String> env, List<String> jvmFlags, String... extraArgs) {
        AssertionError last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                return startOnce(freePort(), env, jvmFlags, extraArgs);
            } catch (PortTakenError e) {
                last = e;
            }
        }
        throw last;
    }

    /** The port this registry listens on. */
    public int port() {
        String u = url;
        return u == null ? requestedPort : Integer.parseInt(u.substring(u.lastIndexOf(':') + 1));
    }

    /** Kills the registry like a crash ({@code SIGKILL}) and waits until it is gone. */
    void kill() {
        process.destroyForcibly();
        waitQuietly(process);
    }

    private static RegistryProcess startOnce(int port, java.util.Map<String, String> env, List<String> jvmFlags,
                                             String... extraArgs) {
        return launch(port, env, jvmFlags, extraArgs).awaitReady();
    }

    private static RegistryProcess launch(int port, java.util.Map<String, String> env, List<String> jvmFlags,
                                          String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--advertise", "127.0.0.1"));
        args.addAll(List.of(extraArgs));
        Process p = JavaLauncher.start(JavaLauncher.command(jvmFlags, "io.jmanager.registry.RegistryMain", args), env);
        List<String> output = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch ready = new CountDownLatch(1);
        RegistryProcess registry = new RegistryProcess(p, port, output, ready);
        JavaLauncher.drain(p.getInputStream(), "registry-" + port + "-out", line -> {
            output.add(line);
            if (line.startsWith(READY) && registry.url == null) {
                registry.url = line.substring(READY.length()).trim();
                ready.countDown();
            }
        });
        JavaLauncher.drain(p.getErrorStream(), "registry-" + port + "-err", line -> output.add("[stderr] " + line));
        return registry;
    }

    /** True once the registry printed its ready line. */
    boolean isReady() {
        return ready.getCount() == 0;
    }

    /**
     * Waits (bounded) until the registry prints its ready line; fails with its output if it exits first or takes
     * too long (then it is destroyed). Returns this registry.
     */
    RegistryProcess awaitReady() {
        Process p = process;
        long timeout = Timing.millis(20_000);
        boolean isReady;
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeout);
            // wait for the line, but notice at once a registry that exits (e.g. its port was taken)
            do {
                isReady = ready.await(50, TimeUnit.MILLISECONDS);
            } while (!isReady && p.isAlive() && System.nanoTime() < deadline);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while starting the registry process", e);
        }
        if (!isReady) {
            boolean exited = !p.isAlive();
            p.destroyForcibly();
            waitQuietly(p);
            String text = String.join("\n", snapshot(output));
            if (exited && text.contains("cannot listen on port")) {
                throw new PortTakenError(text);
            }
            fail("registry process did not print '" + READY + "...' within " + timeout + " ms"
                    + (exited ? " (exit code " + p.exitValue() + ")" : "") + "; its output:\n" + text);
        }
        return this;
    }

    private static List<String> snapshot(List<String> output) {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    private static void waitQuietly(Process p) {
        try {
            p.waitFor(Timing.millis(5_000), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static int freePort() {
        return io.jmanager.TestPorts.free();
    }

    /** The URL the registry printed, {@code rmi://127.0.0.1:PORT}. */
    public String url() {
        return url;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** A manager in this (test) JVM, closed with the registry. */
    public synchronized Manager connect() {
        Manager m = Manager.connect(url);
        managers.add(m);
        return m;
    }

    /** Everything the registry printed so far (stderr lines prefixed). */
    public List<String> output() {
        return snapshot(output);
    }

    @Override
    public synchronized void close() {
        for (Manager m : managers) {
            m.close();
        }
        managers.clear();
        process.destroy();
        try {
            if (!process.waitFor(Timing.millis(5_000), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(Timing.millis(5_000), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static final class PortTakenError extends AssertionError {
        PortTakenError(String output) {
            super("the registry could not listen on its port:\n" + output);
        }
    }
}
