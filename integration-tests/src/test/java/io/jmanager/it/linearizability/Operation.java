package io.jmanager.it.linearizability;

import java.util.Objects;

/**
 * One operation of a recorded history: which object ({@code key}) it ran on, which client ran it, its input, its
 * output, and when it was invoked and when it completed ({@link System#nanoTime()} of the recording JVM, or of the
 * host when several processes record: containers share the host's monotonic clock).
 *
 * <p>An operation is <b>uncertain</b> when its outcome is unknown (the call failed after the request may have been
 * sent, e.g. the leader died): it may have taken effect at any moment after its invocation, or never. The checker
 * treats it as completing at infinity with any output, which covers both (taking effect after everything else
 * observed is the same as never taking effect). An operation known <i>not</i> to have taken effect is simply left
 * out of the history.
 *
 * @param key the object the operation ran on (each key is checked on its own: linearizability is compositional)
 * @param client who ran it, for messages only
 * @param input the model's input record, e.g. {@link RegisterModel.Write}
 * @param output what the call returned (null for a void call), ignored when uncertain
 * @param invokeNanos nanoTime just before the call was made
 * @param completeNanos nanoTime just after it returned; {@link Long#MAX_VALUE} when uncertain
 * @param uncertain whether the outcome is unknown
 */
public record Operation(String key, String client, Object input, Object output, long invokeNanos,
        long completeNanos, boolean uncertain) {
    public Operation {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(input, "input");
        if (uncertain) {
            completeNanos = Long.MAX_VALUE;
            output = null;
        } else if (completeNanos < invokeNanos) {
            throw new IllegalArgumentException("operation " + input + " of " + client + " completed at "
                    + completeNanos + " before it was invoked at " + invokeNanos);
        }
    }

    /** An operation that returned {@code output}. */
    public static Operation ok(String key, String client, Object input, Object output, long invokeNanos,
            long completeNanos) {
        return new Operation(key, client, input, output, invokeNanos, completeNanos, false);
    }

    /** An operation whose outcome is unknown: it may take effect at any time after {@code invokeNanos}, or never. */
    public static Operation uncertain(String key, String client, Object input, long invokeNanos) {
        return new Operation(key, client, input, null, invokeNanos, Long.MAX_VALUE, true);
    }

    @Override
    public String toString() {
        return client + " " + key + "." + input + (uncertain ? " -> ? (uncertain)" : " -> " + output) + " ["
                + invokeNanos + ", " + (uncertain ? "inf" : String.valueOf(completeNanos)) + "]";
    }
}
