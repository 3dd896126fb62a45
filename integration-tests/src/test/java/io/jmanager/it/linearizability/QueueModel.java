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
 * <p>When every item is offered once, {@link #equivalent} drops the uncertain operations that change no answer
 * (each one multiplies what the search must explore) and restricts the uncertain polls it keeps to the items they
 * can have taken ({@link UncertainPoll}), and {@link #refute} finds without searching the violations a
 * queue history shows on its face: an item delivered twice, delivered before it was offered, or never offered; two
 * items delivered in the opposite order of offers that did not overlap (FIFO); acknowledged items gone from a queue
 * found empty, more of them than uncertain polls could have taken.
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

    /**
     * A poll of unknown outcome as {@link #equivalent} keeps it: if it took effect, it removed one of {@code items},
     * the acknowledged items no certain poll delivered ({@link #uncertainStepPossible} refuses any other step).
     */
    public record UncertainPoll(java.util.Set<Object> items) {
        public UncertainPoll {
            items = java.util.Set.copyOf(items);
        }

        @Override
        public String toString() {
            return "poll()";
        }
    }

    /** A {@link Poll}, or the {@link UncertainPoll} {@link #equivalent} made of one. */
    private static boolean isPoll(Object input) {
        return input instanceof Poll || input instanceof UncertainPoll;
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
        if (isPoll(input)) {
            if (state.isEmpty()) {
                return new Step<>(state, null);
            }
            return new Step<>(List.copyOf(state.subList(1, state.size())), state.get(0));
        }
        throw new IllegalArgumentException("not a queue operation: " + input);
    }

    /**
     * Without uncertain operations that change no answer, when items are unique (otherwise {@code ops}):
     * <ul>
     *   <li>an uncertain offer of an item no certain poll delivered: if it took effect, its item left the queue only
     *   through uncertain polls (or stayed), and taking both out of a linearization changes no other answer (no
     *   certain poll ran while the item was at the head, or it would have answered it);</li>
     *   <li>all but the earliest-invoked k uncertain polls, where k is the number of acknowledged offers whose item
     *   no certain poll delivered. An uncertain poll that took effect removed an item no certain poll delivered (or
     *   found the queue empty, which changes nothing), so at most k took effect; and if some k' &lt;= k did, at
     *   points t1 &lt; ... &lt; tk', then at least i uncertain polls were invoked by ti, so the i-th earliest was
     *   too, and the k' earliest can take effect at the same points instead (an uncertain poll completes at
     *   infinity: only its invocation bounds when it takes effect).</li>
     * </ul>
     * The uncertain polls kept become {@link UncertainPoll}s of those k items: one that took effect either found the
     * queue empty, which changes nothing (so it can be taken to have had no effect), or removed an item no certain
     * poll delivered (items are unique), which only an acknowledged offer can have offered here. So each history is
     * linearizable if and only if the other is; and the search no longer lets an uncertain poll take an item that a
     * certain poll delivers later, which it would learn only when that poll comes, possibly thousands of placements
     * and many orderings of concurrent offers later.
     */
    @Override
    public List<Operation> equivalent(List<Operation> ops) {
        java.util.Set<Object> offered = new java.util.HashSet<>();
        java.util.Set<Object> delivered = new java.util.HashSet<>();
        for (Operation op : ops) {
            if (op.input() instanceof Offer o && !offered.add(o.item())) {
                return ops;
            }
            if (op.input() instanceof Poll && !op.uncertain() && op.output() != null) {
                delivered.add(op.output());
            }
        }
        java.util.Set<Object> undelivered = new java.util.HashSet<>();
        for (Operation op : ops) {
            if (!op.uncertain() && op.input() instanceof Offer o && !delivered.contains(o.item())) {
                undelivered.add(o.item());
            }
        }
        java.util.Set<Operation> earliestPolls = java.util.Collections.newSetFromMap(
                new java.util.IdentityHashMap<>());
        ops.stream().filter(op -> op.uncertain() && op.input() instanceof Poll)
                .sorted(Comparator.comparingLong(Operation::invokeNanos)).limit(undelivered.size())
                .forEach(earliestPolls::add);
        UncertainPoll restricted = new UncertainPoll(undelivered);
        List<Operation> equivalent = new ArrayList<>();
        for (Operation op : ops) {
            if (!op.uncertain() || op.input() instanceof Offer o && delivered.contains(o.item())) {
                equivalent.add(op);
            } else if (earliestPolls.contains(op)) {
                equivalent.add(Operation.uncertain(op.key(), op.client(), restricted, op.invokeNanos()));
            }
        }
        return equivalent;
    }

    /** An {@link UncertainPoll} can have taken effect only by removing one of its items. */
    @Override
    public boolean uncertainStepPossible(Object input, Step<List<Object>> step) {
        return !(input instanceof UncertainPoll p) || step.output() != null && p.items().contains(step.output());
    }

    /**
     * Offers in the order their items were delivered (an item delivered first was most likely enqueued first), an
     * undelivered item just before the first delivery of the items offered after its offer completed (FIFO: it was
     * enqueued before them; with none, after every delivered item), polls at their invocation (so a poll that found
     * the queue empty is tried before the offers concurrent with it), uncertain polls last, also after the offers of
     * undelivered items: one is needed only where an undelivered item stands at the head, which the search finds by
     * backtracking there. (Trying an undelivered item simply last put it behind a long-running offer concurrent with
     * it that was delivered much later, and the search found out only at the final drain.)
     */
    @Override
    public java.util.function.ToLongFunction<Operation> tryFirst(List<Operation> ops) {
        Map<Object, Long> deliveredAt = new HashMap<>();
        for (Operation op : ops) {
            if (op.input() instanceof Poll && !op.uncertain() && op.output() != null) {
                deliveredAt.merge(op.output(), op.invokeNanos(), Math::min);
            }
        }
        // the delivered items' offers by invocation, with the earliest delivery among each one and those after it
        List<Operation> delivered = ops.stream().filter(op -> op.input() instanceof Offer o
                && deliveredAt.containsKey(o.item())).sorted(Comparator.comparingLong(Operation::invokeNanos)).toList();
        long[] invoked = new long[delivered.size()];
        long[] firstDeliveryFrom = new long[delivered.size() + 1];
        firstDeliveryFrom[delivered.size()] = Long.MAX_VALUE - 1;
        for (int i = delivered.size() - 1; i >= 0; i--) {
            invoked[i] = delivered.get(i).invokeNanos();
            long at = deliveredAt.get(((Offer) delivered.get(i).input()).item());
            firstDeliveryFrom[i] = Math.min(at - 1, firstDeliveryFrom[i + 1]);
        }
        return op -> {
            if (op.input() instanceof Offer o) {
                Long at = deliveredAt.get(o.item());
                if (at != null) {
                    return at;
                }
                int after = java.util.Arrays.binarySearch(invoked, op.completeNanos());
                after = after < 0 ? -after - 1 : after + 1; // the first offer invoked after this one completed
                while (after < invoked.length && invoked[after] <= op.completeNanos()) {
                    after++; // equal invocation times
                }
                return firstDeliveryFrom[after];
            }
            return op.uncertain() ? Long.MAX_VALUE : op.invokeNanos();
        };
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
        Optional<String> lost = lostItems(ops, offers, deliveries);
        return lost.isPresent() ? lost : fifoViolation(offers, deliveries);
    }

    /**
     * Acknowledged items that no poll delivered although a poll found the queue empty after their offer completed:
     * only an uncertain poll can have taken each (a different one each), so more of them than uncertain polls are
     * lost.
     */
    private static Optional<String> lostItems(List<Operation> ops, Map<Object, Operation> offers,
                                              Map<Object, Operation> deliveries) {
        long lastEmptyInvoked = ops.stream().filter(op -> op.input() instanceof Poll && !op.uncertain()
                && op.output() == null).mapToLong(Operation::invokeNanos).max().orElse(Long.MIN_VALUE);
        List<Object> lost = offers.entrySet().stream().filter(e -> !e.getValue().uncertain()
                && e.getValue().completeNanos() < lastEmptyInvoked && !deliveries.containsKey(e.getKey()))
                .map(Map.Entry::getKey).toList();
        long uncertainPolls = ops.stream().filter(op -> op.uncertain() && isPoll(op.input())).count();
        if (lost.size() > uncertainPolls) {
            return Optional.of(lost.size() + " acknowledged item(s) " + lost.subList(0, Math.min(5, lost.size()))
                    + " never delivered although a poll invoked at " + lastEmptyInvoked + " found the queue empty"
                    + " after their offer, and only " + uncertainPolls + " poll(s) of unknown outcome can have"
                    + " taken them");
        }
        return Optional.empty();
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
