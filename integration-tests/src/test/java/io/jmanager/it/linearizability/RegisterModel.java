package io.jmanager.it.linearizability;

/**
 * A register holding one {@code long}: {@link Read} answers it, {@link Write} replaces it (answers null),
 * {@link Cas} replaces it only if it equals {@code expect} (answers whether it did). It starts at {@code start}.
 */
public record RegisterModel(long start) implements Model<Long> {
    /** Answers the value. */
    public record Read() {
        @Override
        public String toString() {
            return "read()";
        }
    }

    /** Sets the value; answers null. */
    public record Write(long value) {
        @Override
        public String toString() {
            return "write(" + value + ")";
        }
    }

    /** Sets {@code update} if the value is {@code expect}; answers {@code Boolean}. */
    public record Cas(long expect, long update) {
        @Override
        public String toString() {
            return "cas(" + expect + ", " + update + ")";
        }
    }

    @Override
    public Long initial() {
        return start;
    }

    /** A write or compare-and-set whose value no output shows. */
    @Override
    public boolean unobserved(Object input, java.util.Set<Object> outputs) {
        if (input instanceof Write w) {
            return !outputs.contains(w.value());
        }
        if (input instanceof Cas c) {
            return !outputs.contains(c.update());
        }
        return false;
    }

    @Override
    public Step<Long> apply(Long state, Object input) {
        if (input instanceof Read) {
            return new Step<>(state, state);
        }
        if (input instanceof Write w) {
            return new Step<>(w.value(), null);
        }
        if (input instanceof Cas c) {
            boolean swapped = state == c.expect();
            return new Step<>(swapped ? c.update() : state, swapped);
        }
        throw new IllegalArgumentException("not a register operation: " + input);
    }
}
