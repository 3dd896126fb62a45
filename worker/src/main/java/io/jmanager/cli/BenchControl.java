package io.jmanager.cli;

import io.jmanager.Manager;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench --control}: clients that are started once and then driven from standard input, one measured
 * window per command, so that a benchmark script can alternate the windows of several systems while each system's
 * client JVMs stay warm and idle in between (bench/compare.sh does).
 *
 * <p>Protocol: one command per line on standard input, one JSON line per command on standard output.
 * <ul>
 *   <li>At start, after connecting (and starting the child JVMs with {@code --fork}):
 *       {@code {"ready":true,"processes":N,"threads":T,"inFlight":K}}.</li>
 *   <li>{@code window OP SECONDS}: every thread of every client process runs {@code OP} for {@code SECONDS}
 *       from one common start instant; the answer is {@link BenchResult#controlJson}: operations completed inside
 *       the window, ops/s, latency percentiles, and the CPU time the client processes used during it (summed
 *       over the processes that make the calls: the forking parent, which only relays, is not counted). The
 *       objects of {@code OP} are prepared before its first window. A warm-up is a window whose answer is
 *       ignored: the script decides when the rate has settled.</li>
 *   <li>{@code quit} (or end of input): removes the objects it used (unless {@code --keep}), answers
 *       {@code {"quit":true}} and exits.</li>
 *   <li>A command that is wrong or fails answers {@code {"error":"..."}}; the clients stay up.</li>
 * </ul>
 * With {@code --fork} each of the {@code --clients} processes is a child JVM in {@code --control --child} mode; the
 * parent relays each window as {@code window OP SECONDS START_AT_EPOCH_MILLIS} and each child answers one
 * {@link BenchResult#encode} line (or {@code ERROR message}), which the parent merges.
 */
final class BenchControl {
    /** Time the parent gives its children between sending a window and its start (reading, waking up). */
    private static final long CHILD_START_MARGIN_MILLIS = 50;

    private final Connection connection;
    private final BenchSettings settings;
    private final int clients;
    private final int threads;
    private final boolean fork;
    private final boolean child;
    private final int inFlight;
    private final boolean keep;
    private final Set<BenchOp> prepared = EnumSet.noneOf(BenchOp.class);

    /**
     * @param inFlight 0 for synchronous calls, otherwise the asynchronous operations each thread keeps in flight
     */
    BenchControl(Connection connection, BenchSettings settings, int clients, int threads, boolean fork,
                 boolean child, int inFlight, boolean keep) {
        this.connection = connection;
        this.settings = settings;
        this.clients = clients;
        this.threads = threads;
        this.fork = fork;
        this.child = child;
        this.inFlight = inFlight;
        this.keep = keep;
    }

    /** Serves commands from {@code in} until {@code quit} or its end; returns the exit code. */
    int run(BufferedReader in, PrintStream out) throws Exception {
        if (child) {
            return runChild(in, out);
        }
        try (Manager setup = connection.connect()) {
            try (Clients c = fork ? new Forked() : new Local()) {
                reply(out, String.format(Locale.ROOT, "{\"ready\":true,\"processes\":%d,\"threads\":%d,"
                        + "\"inFlight\":%d}", clients, threads, inFlight));
                for (String line; (line = in.readLine()) != null; ) {
                    String[] f = line.trim().split("\\s+");
                    if (f[0].isEmpty()) {
                        continue;
                    }
                    if (f[0].equals("quit")) {
                        break;
                    }
                    try {
                        Window w = Window.parse(f, false);
                        checkSupported(w.op);
                        if (prepared.add(w.op)) {
                            w.op.prepare(setup, settings);
                        }
                        BenchResult r = c.window(w.op, w.seconds);
                        reply(out, r.controlJson(w.op.cliName(), clients, threads, inFlight));
                    } catch (CliException e) {
                        reply(out, "{\"error\":" + Json.quote(e.getMessage()) + "}");
                    }
                }
            } finally {
                if (!keep) {
                    for (BenchOp op : prepared) {
                        for (String name : op.objectNames()) {
                            setup.destroy(name);
                        }
                    }
                }
            }
        }
        reply(out, "{\"quit\":true}");
        return 0;
    }

    private void checkSupported(BenchOp op) {
        if (op == BenchOp.BARRIER) {
            throw new CliException("--control does not run barrier: its parties wait for each other across windows");
        }
        if (inFlight > 0 && !AsyncBench.supports(op)) {
            throw new CliException("--async runs put, get or incr; " + op.cliName() + " has no asynchronous form");
        }
    }

    private static void reply(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }

    /** A child JVM of a forked parent: one manager, {@code threads} threads, windows at the parent's instants. */
    private int runChild(BufferedReader in, PrintStream out) throws Exception {
        try (Manager m = connection.connect();
             BenchThreads t = new BenchThreads(List.of(m), threads, settings, connection::connect, inFlight)) {
            reply(out, "READY");
            for (String line; (line = in.readLine()) != null; ) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("quit")) {
                    break;
                }
                try {
                    Window w = Window.parse(f, true);
                    long startNanos = System.nanoTime()
                            + TimeUnit.MILLISECONDS.toNanos(w.startAtMillis - System.currentTimeMillis());
                    reply(out, t.window(w.op, startNanos, startNanos + w.nanos()).encode());
                } catch (CliException e) {
                    reply(out, "ERROR " + e.getMessage().replace('\n', ' '));
                }
            }
        }
        return 0;
    }

    /** One {@code window} command. */
    private record Window(BenchOp op, double seconds, long startAtMillis) {
        long nanos() {
            return (long) (seconds * 1e9);
        }

        static Window parse(String[] f, boolean withStart) {
            if (!f[0].equals("window") || f.length != (withStart ? 4 : 3)) {
                throw new CliException("unknown command '" + String.join(" ", f) + "': use window OP SECONDS"
                        + " (e.g. window put 3) or quit");
            }
            BenchOp op;
            try {
                op = new BenchCommand.OpConverter().convert(f[1]);
            } catch (picocli.CommandLine.TypeConversionException e) {
                throw new CliException(e.getMessage());
            }
            double seconds;
            try {
                seconds = Double.parseDouble(f[2]);
            } catch (NumberFormatException e) {
                seconds = -1;
            }
            if (!(seconds > 0 && seconds <= 3600)) {
                throw new CliException("window " + f[1] + " " + f[2] + ": SECONDS must be a number above 0 and at"
                        + " most 3600");
            }
            return new Window(op, seconds, withStart ? Long.parseLong(f[3]) : 0);
        }
    }

    /** Where the windows run: threads in this JVM, or child JVMs. */
    private interface Clients extends AutoCloseable {
        BenchResult window(BenchOp op, double seconds) throws Exception;

        /** Stops the clients; never throws (a child that does not quit in time is destroyed). */
        @Override
        void close();
    }

    /** {@code clients} managers with {@code threads} threads each, in this JVM. */
    private final class Local implements Clients {
        private final List<Manager> managers = new ArrayList<>();
        private final BenchThreads threadsOfManagers;

        Local() {
            try {
                for (int c = 0; c < clients; c++) {
                    managers.add(connection.connect());
                }
            } catch (RuntimeException e) {
                managers.forEach(Manager::close);
                throw e;
            }
            threadsOfManagers = new BenchThreads(managers, threads, settings, connection::connect, inFlight);
        }

        @Override
        public BenchResult window(BenchOp op, double seconds) throws Exception {
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1);
            return threadsOfManagers.window(op, start, start + (long) (seconds * 1e9));
        }

        @Override
        public void close() {
            threadsOfManagers.close();
            managers.forEach(Manager::close);
        }
    }

    /** {@code clients} child JVMs, each one manager with {@code threads} threads. */
    private final class Forked implements Clients {
        private final List<Process> processes = new ArrayList<>();
        private final List<PrintWriter> toChildren = new ArrayList<>();
        private final List<BufferedReader> fromChildren = new ArrayList<>();

        Forked() throws IOException {
            try {
                for (int c = 0; c < clients; c++) {
                    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                            "java").toString(), "-cp", System.getProperty("java.class.path"),
                            WorkerMain.class.getName(), "bench", "--control", "--child"));
                    command.addAll(connection.childArguments());
                    if (!connection.sharesSynchronousCalls()) {
                        command.add("--unshared-calls");
                    }
                    command.addAll(List.of("--threads", String.valueOf(threads), "--total-threads",
                            String.valueOf(settings.totalThreads()), "--value-size",
                            String.valueOf(settings.valueSize()), "--batch", String.valueOf(settings.batch()),
                            "--keys", String.valueOf(settings.keys())));
                    if (inFlight > 0) {
                        command.addAll(List.of("--async", "--in-flight", String.valueOf(inFlight)));
                    }
                    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
                    processes.add(p);
                    toChildren.add(new PrintWriter(new OutputStreamWriter(p.getOutputStream(),
                            StandardCharsets.UTF_8), true));
                    fromChildren.add(new BufferedReader(new InputStreamReader(p.getInputStream(),
                            StandardCharsets.UTF_8)));
                }
                for (int c = 0; c < clients; c++) {
                    String line = fromChildren.get(c).readLine();
                    if (!"READY".equals(line)) {
                        throw new CliException("bench client process " + (c + 1) + " did not start (it said "
                                + line + "; its error is above)");
                    }
                }
            } catch (IOException | RuntimeException e) {
                close();
                throw e;
            }
        }

        @Override
        public BenchResult window(BenchOp op, double seconds) throws IOException {
            long startAt = System.currentTimeMillis() + CHILD_START_MARGIN_MILLIS + 5L * clients;
            for (PrintWriter w : toChildren) {
                w.println("window " + op.cliName() + " " + seconds + " " + startAt);
            }
            BenchResult merged = null;
            String error = null;
            for (int c = 0; c < clients; c++) { // read every answer, so that the next window starts clean
                String line = fromChildren.get(c).readLine();
                if (line == null) {
                    throw new CliException("bench client process " + (c + 1) + " ended (its error is above)");
                }
                if (line.startsWith("ERROR ")) {
                    error = error == null ? line.substring(6) : error;
                    continue;
                }
                BenchResult r = BenchResult.decode(line);
                merged = merged == null ? r : merged.merge(r);
            }
            if (error != null) {
                throw new CliException(error);
            }
            return merged;
        }

        @Override
        public void close() {
            for (PrintWriter w : toChildren) {
                w.println("quit");
                w.close();
            }
            for (Process p : processes) {
                try {
                    if (!p.waitFor(10, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                } catch (InterruptedException e) {
                    p.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
