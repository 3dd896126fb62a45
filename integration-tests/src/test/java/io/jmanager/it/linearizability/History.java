package io.jmanager.it.linearizability;

import java.util.ArrayList;
import java.util.List;

/**
 * A history being recorded by several threads: each adds its operations when it knows their outcome. Thread-safe.
 *
 * <p>Record the invocation time with {@link System#nanoTime()} just before the call and the completion time just
 * after it returns; a call that failed after its request may have been sent is {@link #uncertain}; a call known
 * not to have been applied (refused before it was sent) is not recorded.
 */
public final class History {
    private final List<Operation> operations = new ArrayList<>();

    /** Records an operation that returned {@code output} (null for a void call). */
    public void ok(String key, String client, Object input, Object output, long invokeNanos) {
        long completed = System.nanoTime();
        add(Operation.ok(key, client, input, output, invokeNanos, completed));
    }

    /** Records an operation whose outcome is unknown. */
    public void uncertain(String key, String client, Object input, long invokeNanos) {
        add(Operation.uncertain(key, client, input, invokeNanos));
    }

    public synchronized void add(Operation op) {
        operations.add(op);
    }

    /** A copy of what was recorded so far. */
    public synchronized List<Operation> operations() {
        return List.copyOf(operations);
    }

    /** How many recorded operations are uncertain. */
    public synchronized long uncertainCount() {
        return operations.stream().filter(Operation::uncertain).count();
    }

    public synchronized int size() {
        return operations.size();
    }
}
