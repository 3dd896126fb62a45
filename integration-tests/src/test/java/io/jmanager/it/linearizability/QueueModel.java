package io.jmanager.it.linearizability;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An unbounded FIFO queue, starting empty: {@link Offer} appends (answers null), {@link Poll} removes the head and
 * answers it, or answers null when the queue is empty. States are immutable lists (head first).
 *
 * <p>When every item is offered once, {@link #refute} finds without searching the violations a queue history shows
 * on its face: an item delivered twice, delivered before it was offered, or never offered, and two items delivered
 * in the opposite order of offers that did not overlap (FIFO).
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

    /**
     * The violations evident when items are unique (otherwise empty: the search decides). Each is sound: uncertain
     * operations cannot explain them, since an uncertain offer has no completion to order it and an item has at most
     * one delivery. The FIFO rule: if offer(a) completed before offer(b) was invoked, a was enqueued first, so a
     * delivery of b that completed before a's delivery was invoked breaks FIFO. Pairs are found by a sweep in
     * O(n log n).
     */
    @Override
    public Optional<String> refute(List<Operation> ops) {
        Map<Object, Operation> offers = new HashMap<>();
        Map<Object, Operation> deliveries = new HashMap<>();
        for (Operation op : ops) {
            if (op.input() instanceof Offer o && offers.put(o.item(), op) != null) {
                return Optional.empty();
            }
        }
        for (Operation op : ops) {
            if (!(op.input() instanceof Poll) || op.uncertain() || op.output() == null) {
                continue;
            }
            Operation offer = offers.get(op.output());
            if (offer == null) {
                return Optional.of("a poll answered " + op.output() + ", which no offer offered: " + op);
            }
            Operation earlier = deliveries.put(op.output(), op);
            if (earlier != null) {
                return Optional.of("item " + op.output() + " was delivered twice: " + earlier + " and " + op);
            }
            if (op.completeNanos() < offer.invokeNanos()) {
                return Optional.of("item " + op.output() + " was delivered before it was offered: " + op
                        + " completed before " + offer);
            }
        }
        return fifoViolation(offers, deliveries);
    }

    /**
     * Finds items a, b with offer(a) before offer(b) and delivery(b) before delivery(a), both in real time: items
     * in order of their offer's invocation, sweeping those whose offer completed earlier and keeping the one whose
     * delivery was invoked last.
     */
    private static Optional<String> fifoViolation(Map<Object, Operation> offers, Map<Object, Operation> deliveries) {
        List<Object> delivered = new ArrayList<>(deliveries.keySet()); // an uncertain offer completes at infinity
        List<Object> byOfferCompleted = new ArrayList<>(delivered);
        byOfferCompleted.sort(Comparator.comparingLong(i -> offers.get(i).completeNanos()));
        List<Object> byOfferInvoked = new ArrayList<>(delivered);
        byOfferInvoked.sort(Comparator.comparingLong(i -> offers.get(i).invokeNanos()));
        Object latest = null;
        int next = 0;
        for (Object b : byOfferInvoked) {
            long bOffered = offers.get(b).invokeNanos();
            while (next < byOfferCompleted.size() && offers.get(byOfferCompleted.get(next)).completeNanos()
                    < bOffered) {
                Object a = byOfferCompleted.get(next++);
                if (latest == null
                        || deliveries.get(a).invokeNanos() > deliveries.get(latest).invokeNanos()) {
                    latest = a;
                }
            }
            if (latest != null && deliveries.get(b).completeNanos() < deliveries.get(latest).invokeNanos()) {
                return Optional.of("FIFO broken: " + latest + " was offered before " + b + " (" + offers.get(latest)
                        + " completed before " + offers.get(b) + ") but delivered after it (" + deliveries.get(b)
                        + " completed before " + deliveries.get(latest) + ")");
            }
        }
        return Optional.empty();
    }
}
