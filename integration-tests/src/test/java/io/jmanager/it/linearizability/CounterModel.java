package io.jmanager.it.linearizability;

/**
 * A counter holding one {@code long}, starting at 0: {@link Add} adds its delta and answers the new value
 * (add-and-get), {@link Read} answers the value.
 */
public record CounterModel() implements Model<Long> {
    /** Adds {@code delta}; answers the sum. */
    public record Add(long delta) {
        @Override
        public String toString() {
            return "addAndGet(" + delta + ")";
        }
    }

    /** Answers the value. */
    public record Read() {
        @Override
        public String toString() {
            return "read()";
        }
    }

    @Override
    public Long initial() {
        return 0L;
    }

    @Override
    public Step<Long> apply(Long state, Object input) {
        if (input instanceof Add a) {
            long next = state + a.delta();
            return new Step<>(next, next);
        }
        if (input instanceof Read) {
            return new Step<>(state, state);
        }
        throw new IllegalArgumentException("not a counter operation: " + input);
    }
}
