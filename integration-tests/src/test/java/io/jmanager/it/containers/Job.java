package io.jmanager.it.containers;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The frame of every worker main run in a worker container: {@code args[0]} is the registry URL (in these tests
 * {@code rmi://registry:1099}); the body runs with a connected manager; the JVM exits with 0 on success and 1 (stack
 * trace on stderr) on any failure, which fails a one-shot container start. Results go to stdout as lines
 * {@code key value...} that the test parses from the container's log.
 */
final class Job {
    /** What a job does with its manager and its arguments ({@code args[0]} is the URL). */
    @FunctionalInterface
    interface Body {
        void run(Manager m, String[] args) throws Exception;
    }

    /** How long a blocking step of a job may wait before the job fails, instead of hanging its container. */
    static final long STEP_MILLIS = 60_000;
    static final TimeUnit MS = TimeUnit.MILLISECONDS;

    private Job() {
    }

    static void run(String[] args, Body body) {
        run(args, ManagerOptions.defaults(), body);
    }

    static void run(String[] args, ManagerOptions options, Body body) {
        int code = 0;
        try {
            if (args.length < 1 || !args[0].startsWith("rmi://")) {
                throw new IllegalArgumentException("the first argument must be the registry URL rmi://host:port");
            }
            try (Manager m = Manager.connect(args[0], options)) {
                body.run(m, args);
            }
        } catch (Throwable t) {
            System.err.println("job failed: " + t);
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** Prints one result line at once (the test waits on some of them). */
    static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
