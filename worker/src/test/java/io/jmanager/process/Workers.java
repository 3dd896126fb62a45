package io.jmanager.process;

import io.jmanager.Manager;
import io.jmanager.Timing;
import java.util.Base64;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * The frame of every worker main in this package: {@code args[0]} is the registry URL; the body runs with a
 * connected manager; the JVM exits with 0 on success and 1 (stack trace on stderr) on any failure, so that
 * {@link WorkerProcess#awaitSuccess} reports it.
 */
final class Workers {
    /** What a worker does with its manager and its arguments ({@code args[0]} is the URL). */
    @FunctionalInterface
    interface Body {
        void run(Manager m, String[] args) throws Exception;
    }

    /** One step that may throw. */
    @FunctionalInterface
    interface Step {
        void run() throws Exception;
    }

    /** How long a worker's blocking step may wait before the worker fails (instead of hanging the test). */
    static final long STEP_TIMEOUT_MILLIS = Timing.millis(60_000);
    static final TimeUnit MS = TimeUnit.MILLISECONDS;

    private Workers() {
    }

    static void run(String[] args, Body body) {
        run(args, io.jmanager.ManagerOptions.defaults(), body);
    }

    /** Like {@link #run(String[], Body)}, connecting with {@code options}. */
    static void run(String[] args, io.jmanager.ManagerOptions options, Body body) {
        int code = 0;
        try {
            if (args.length < 1 || !args[0].startsWith("rmi://")) {
                throw new IllegalArgumentException("the first argument must be the registry URL rmi://host:port");
            }
            try (Manager m = Manager.connect(args[0], options)) {
                body.run(m, args);
            }
        } catch (Throwable t) {
            System.err.println("worker failed: " + t);
            t.printStackTrace();
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** A bit set as one printable token. */
    static String encode(BitSet bits) {
        return Base64.getEncoder().encodeToString(bits.toByteArray());
    }

    static BitSet decodeBits(String token) {
        return BitSet.valueOf(Base64.getDecoder().decode(token));
    }
}
