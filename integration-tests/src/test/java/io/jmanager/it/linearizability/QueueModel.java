package io.jmanager.it.linearizability;

import java.util.ArrayList;
import java.util.List;

/**
 * An unbounded FIFO queue, starting empty: {@link Offer} appends (answers null), {@link Poll} removes the head and
 * answers it, or answers null when the queue is empty. States are immutable lists (head first).
 */
public record QueueModel() implements Model<List<Object>> {
    /** Appends {@code item}; answers null. */
    public record Offer(Object item) {
        @Override
        public String toString() {
            return "offer(" + item + ")";
        }
    }

    /** Removes and answers the head, or null when empty. */
    public record Poll() {
        @Override
        public String toString() {
            return "poll()";
        }
    }

    @Override
    public List<Object> initial() {
        return List.of();
    }

    @Override
    public Step<List<Object>> apply(List<Object> state, Object input) {
        if (input instanceof Offer o) {
            List<Object> next = new ArrayList<>(state.size() + 1);
            next.addAll(state);
            next.add(o.item());
            return new Step<>(List.copyOf(next), null);
        }
        if (input instanceof Poll) {
            if (state.isEmpty()) {
                return new Step<>(state, null);
            }
            return new Step<>(List.copyOf(state.subList(1, state.size())), state.get(0));
        }
        throw new IllegalArgumentException("not a queue operation: " + input);
    }
}
