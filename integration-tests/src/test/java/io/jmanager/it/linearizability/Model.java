package io.jmanager.it.linearizability;

/**
 * The sequential specification of one object: its initial state and what an input does to a state. States must be
 * immutable values with {@code equals} and {@code hashCode} (the checker memoizes on them).
 *
 * @param <S> the state type
 */
public interface Model<S> {
    /** The state before any operation. */
    S initial();

    /**
     * Applies {@code input} to {@code state}.
     *
     * @return the next state and the output the object answers in {@code state}
     * @throws IllegalArgumentException if the input is not one of this model's
     */
    Step<S> apply(S state, Object input);

    /** The state after an operation and its output. */
    record Step<S>(S next, Object output) {
    }

    /**
     * Whether an uncertain operation's effect, if it took effect at all, can have gone unseen: e.g. a register write
     * whose value no recorded output contains. The checker first tries the history without such operations (taking
     * them to have had no effect, which is always allowed: an uncertain operation may take effect after everything
     * else); only if that fails does it search with them. False (never dropped) by default.
     *
     * @param input the uncertain operation's input
     * @param outputs every output recorded on the same key
     */
    default boolean unobserved(Object input, java.util.Set<Object> outputs) {
        return false;
    }

    /**
     * An equivalent history that is cheaper to search: linearizable if and only if {@code ops} is (e.g. without
     * uncertain operations that provably change no answer). The checker searches this one. {@code ops} by default.
     *
     * @param ops one key's operations
     */
    default java.util.List<Operation> equivalent(java.util.List<Operation> ops) {
        return ops;
    }

    /**
     * Which of several operations invoked one after the other, with no response between them, the search tries to
     * linearize first: the one with the lowest key (then the earliest invoked). Null (the order of invocation) by
     * default. Any order gives the same verdict; a good one finds a linearization without backtracking (e.g. for a
     * queue, concurrent offers in the order their items were delivered).
     *
     * @param ops one key's operations
     */
    default java.util.function.ToLongFunction<Operation> tryFirst(java.util.List<Operation> ops) {
        return null;
    }

    /**
     * A violation that follows from the history's shape alone, found without the search, or empty. It must be
     * sound: a model answers a violation only when no linearization can exist, because the checker then reports
     * the history not linearizable without searching. It lets a model reject in near-linear time what the search
     * would have to exhaust (e.g. a reordering deep in a queue history with uncertain operations, whose
     * configurations multiply). Empty (search decides) by default.
     *
     * @param ops one key's operations
     * @return why the history cannot be linearizable, or empty when that is not evident
     */
    default java.util.Optional<String> refute(java.util.List<Operation> ops) {
        return java.util.Optional.empty();
    }

    /**
     * Whether an operation of unknown outcome can have taken effect as {@code step} (its next state and output): the
     * search places it there only if so. A model may refuse steps the rest of the history rules out, since leaving
     * an uncertain operation out of a linearization is always allowed (it may never have taken effect); e.g. a queue
     * poll of unknown outcome cannot have removed an item that a certain poll delivered. True by default.
     *
     * @param input the uncertain operation's input
     * @param step what the input does in the state where the search would place it
     */
    default boolean uncertainStepPossible(Object input, Step<S> step) {
        return true;
    }

    /** Whether {@code actual} is the output this model gave ({@code expected}); equality by default. */
    default boolean outputMatches(Object expected, Object actual) {
        return java.util.Objects.equals(expected, actual);
    }
}
