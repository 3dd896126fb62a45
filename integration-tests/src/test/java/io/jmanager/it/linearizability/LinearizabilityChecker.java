package io.jmanager.it.linearizability;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Decides whether a recorded history is linearizable with respect to a sequential {@link Model}: the Wing &amp; Gong
 * search (J. Wing, C. Gong, "Testing and verifying concurrent objects", 1993) with Lowe's memoization (G. Lowe,
 * "Testing for linearizability", 2017), the algorithm of Porcupine and of Knossos' "wgl" checker, applied to each
 * key on its own (P-compositionality, Horn &amp; Kroening 2015: a history is linearizable iff each object's
 * sub-history is).
 *
 * <p>The search is a depth-first search over the history's call and return events in time order. The candidates
 * to linearize next are the operations called before the first remaining return (that return's operation must be
 * among them: it must be placed before its response); they are tried in the order the model suggests
 * ({@link Model#tryFirst}, e.g. a queue's concurrent offers in the order their items were delivered), then in time
 * order. A candidate is placed when the model's output matches the recorded one (for an uncertain operation:
 * when the model finds the step possible, {@link Model#uncertainStepPossible}) and the pair (set of linearized
 * operations, model state) was not explored before; its call and return then leave the event list. When no
 * candidate can be placed, the search backtracks the last choice and tries the next candidate there. The history
 * is linearizable when every operation is placed, not linearizable when
 * backtracking empties the stack. Operations invoked and completed at the same nanoTime as another's are treated as
 * concurrent with it (calls sort before returns), which can only accept more histories, never reject a
 * linearizable one. Before searching, the model may shrink the history to an equivalent one
 * ({@link Model#equivalent}) and point out a violation evident on its face ({@link Model#refute}).
 *
 * <p>The memo holds the linearized set as a 128-bit Zobrist fingerprint (the XOR of two random 64-bit words per
 * linearized operation, updated in O(1) as operations are placed and taken back) instead of a bit set of the whole
 * history, so a placement costs O(1) and a configuration a few dozen bytes, also for histories of 100,000 operations
 * (finding the candidates costs O(c log c) for c concurrent operations). Two
 * different sets merge only on a 128-bit collision (about 2^-100 for a million configurations), the only way a
 * linearizable history could be reported as not linearizable.
 *
 * <p>Memoization bounds the work by the number of distinct (linearized set, state) pairs, which stays small when
 * few operations are concurrent at any moment; uncertain operations are concurrent with everything after them, so
 * each one multiplies the reachable pairs by at most two, except that uncertain operations with equal inputs (e.g.
 * increments by one) are placed only in the order they were invoked: exchanging two of them in a linearization
 * changes nothing, since each may take effect at any point after its invocation. The search stops at a time budget with
 * {@link CheckResult.Verdict#UNKNOWN}, so a test never hangs on a pathological history.
 *
 * <p>Not thread-safe; a checker holds nothing between calls, so one instance can be used from one thread at a time.
 */
public final class LinearizabilityChecker {
    private final Duration budget;

    /** A checker that gives up with {@link CheckResult.Verdict#UNKNOWN} after {@code budget} of search per call. */
    public LinearizabilityChecker(Duration budget) {
        if (budget.isNegative() || budget.isZero()) {
            throw new IllegalArgumentException("the search budget must be positive, got " + budget);
        }
        this.budget = budget;
    }

    /**
     * Checks every key's sub-history against a fresh instance of {@code model}; the first key that is not
     * linearizable decides the result, then an unknown one.
     */
    public <S> CheckResult check(Model<S> model, List<Operation> history) {
        Map<String, List<Operation>> byKey = new LinkedHashMap<>();
        for (Operation op : history) {
            byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
        }
        long deadline = System.nanoTime() + budget.toNanos();
        CheckResult unknown = null;
        List<String> notes = new ArrayList<>();
        for (Map.Entry<String, List<Operation>> e : byKey.entrySet()) {
            CheckResult r = checkKey(model, e.getKey(), e.getValue(), deadline);
            notes.add(r.explanation());
            if (r.verdict() == CheckResult.Verdict.NOT_LINEARIZABLE) {
                return r;
            }
            if (r.verdict() == CheckResult.Verdict.UNKNOWN && unknown == null) {
                unknown = r;
            }
        }
        if (unknown != null) {
            return new CheckResult(CheckResult.Verdict.UNKNOWN, history.size(), unknown.explanation());
        }
        return new CheckResult(CheckResult.Verdict.LINEARIZABLE, history.size(),
                byKey.size() + " key(s) " + byKey.keySet() + " linearizable: " + String.join("; ", notes));
    }

    /**
     * Checks one key on the model's {@link Model#equivalent} history: first the model's evident violations
     * ({@link Model#refute}), then without the uncertain operations whose effect would be unseen anyway
     * ({@link Model#unobserved}): if that history is linearizable, so is the whole one (they take effect after
     * everything else). Otherwise the whole history is searched.
     */
    private <S> CheckResult checkKey(Model<S> model, String key, List<Operation> recorded, long deadline) {
        List<Operation> ops = model.equivalent(recorded);
        String left = ops.size() == recorded.size() ? "" : " (" + (recorded.size() - ops.size())
                + " uncertain operations that change no answer left out)";
        java.util.Optional<String> violation = model.refute(ops);
        if (violation.isPresent()) {
            return new CheckResult(CheckResult.Verdict.NOT_LINEARIZABLE, recorded.size(), "key " + key + ": "
                    + violation.get());
        }
        Set<Object> outputs = new HashSet<>();
        for (Operation op : ops) {
            if (!op.uncertain() && op.output() != null) {
                outputs.add(op.output());
            }
        }
        List<Operation> pruned = ops.stream().filter(op -> !op.uncertain() || !model.unobserved(op.input(),
                outputs)).toList();
        if (pruned.size() < ops.size()) {
            CheckResult r = checkOne(model, key, pruned, deadline);
            if (r.isLinearizable()) {
                return new CheckResult(CheckResult.Verdict.LINEARIZABLE, recorded.size(), r.explanation()
                        + " (without " + (ops.size() - pruned.size()) + " uncertain operations whose effect no"
                        + " output shows)" + left);
            }
        }
        CheckResult r = checkOne(model, key, ops, deadline);
        return new CheckResult(r.verdict(), recorded.size(), r.explanation() + left);
    }

    /** An event of the doubly linked event list: the call or the return of operation {@code id}. */
    private static final class Event {
        final int id;
        final boolean call;
        final long time;
        Event prev;
        Event next;
        /** For a call: its return. */
        Event match;

        Event(int id, boolean call, long time) {
            this.id = id;
            this.call = call;
            this.time = time;
        }
    }

    /**
     * A choice made: the candidates there (in the order they are tried), which of them was linearized, and the
     * state before it.
     */
    private record Frame<S>(Event[] candidates, int chosen, S stateBefore) {
        Event call() {
            return candidates[chosen];
        }
    }

    /** A memoized configuration: the fingerprint of the linearized set, and the model state. */
    private record Configuration(long fingerprint1, long fingerprint2, Object state) {
    }

    private <S> CheckResult checkOne(Model<S> model, String key, List<Operation> ops, long deadline) {
        int n = ops.size();
        List<Event> events = new ArrayList<>(2 * n);
        for (int i = 0; i < n; i++) {
            Operation op = ops.get(i);
            Event call = new Event(i, true, op.invokeNanos());
            Event ret = new Event(i, false, op.completeNanos());
            call.match = ret;
            events.add(call);
            events.add(ret);
        }
        // time order; at equal times calls first (concurrent), then by id for a stable order
        events.sort(Comparator.comparingLong((Event e) -> e.time).thenComparing(e -> !e.call)
                .thenComparingInt(e -> e.id));
        Event head = new Event(-1, false, Long.MIN_VALUE);
        Event last = head;
        for (Event e : events) {
            last.next = e;
            e.prev = last;
            last = e;
        }
        java.util.function.ToLongFunction<Operation> first = model.tryFirst(ops);
        long[] priority = new long[n];
        for (int i = 0; i < n; i++) {
            priority[i] = first == null ? 0 : first.applyAsLong(ops.get(i));
        }
        Comparator<Event> tryOrder = Comparator.comparingLong((Event e) -> priority[e.id])
                .thenComparingLong(e -> e.time).thenComparingInt(e -> e.id);
        SplittableRandom random = new SplittableRandom(n * 31L + key.hashCode());
        long[] z1 = new long[n];
        long[] z2 = new long[n];
        for (int i = 0; i < n; i++) {
            z1[i] = random.nextLong();
            z2[i] = random.nextLong();
        }
        long f1 = 0;
        long f2 = 0;
        S state = model.initial();
        Set<Configuration> seen = new HashSet<>();
        Deque<Frame<S>> stack = new ArrayDeque<>();
        int deepest = -1;
        List<Operation> deepestPrefix = List.of();
        List<Operation> deepestStuck = List.of();
        S deepestState = state;
        Event[] candidates = candidates(head, tryOrder, ops);
        int next = 0;
        long steps = 0;
        while (head.next != null) {
            if ((++steps & 1023) == 0 && System.nanoTime() > deadline) {
                return new CheckResult(CheckResult.Verdict.UNKNOWN, n, "key " + key + ": the search ran out of its"
                        + " budget of " + budget + " after " + steps + " steps with " + seen.size()
                        + " configurations explored (" + n + " operations)");
            }
            if (next < candidates.length) {
                Event call = candidates[next];
                Operation op = ops.get(call.id);
                Model.Step<S> step = model.apply(state, op.input());
                if ((op.uncertain() ? model.uncertainStepPossible(op.input(), step)
                        : model.outputMatches(step.output(), op.output()))
                        && seen.add(new Configuration(f1 ^ z1[call.id], f2 ^ z2[call.id], step.next()))) {
                    stack.push(new Frame<>(candidates, next, state));
                    state = step.next();
                    f1 ^= z1[call.id];
                    f2 ^= z2[call.id];
                    lift(call);
                    candidates = candidates(head, tryOrder, ops);
                    next = 0;
                } else {
                    next++;
                }
                continue;
            }
            // no candidate can come next: the first remaining return's operation cannot be placed before it
            if (stack.size() > deepest) {
                deepest = stack.size();
                deepestPrefix = prefix(stack, ops);
                deepestStuck = java.util.Arrays.stream(candidates).map(e -> ops.get(e.id)).toList();
                deepestState = state;
            }
            if (stack.isEmpty()) {
                return new CheckResult(CheckResult.Verdict.NOT_LINEARIZABLE, n, explain(key, n, deepestPrefix,
                        deepestState, deepestStuck));
            }
            Frame<S> top = stack.pop();
            state = top.stateBefore();
            f1 ^= z1[top.call().id];
            f2 ^= z2[top.call().id];
            unlift(top.call());
            candidates = top.candidates();
            next = top.chosen() + 1;
        }
        return new CheckResult(CheckResult.Verdict.LINEARIZABLE, n, "key " + key + " linearizable");
    }

    /** Removes a call and its return from the event list (their own links are kept for {@link #unlift}). */
    private static void lift(Event call) {
        call.prev.next = call.next;
        if (call.next != null) {
            call.next.prev = call.prev;
        }
        Event ret = call.match;
        ret.prev.next = ret.next;
        if (ret.next != null) {
            ret.next.prev = ret.prev;
        }
    }

    /** Puts back what {@link #lift} removed; lifts are undone in reverse order, so the old neighbours are right. */
    private static void unlift(Event call) {
        Event ret = call.match;
        ret.prev.next = ret;
        if (ret.next != null) {
            ret.next.prev = ret;
        }
        call.prev.next = call;
        if (call.next != null) {
            call.next.prev = call;
        }
    }

    private static <S> List<Operation> prefix(Deque<Frame<S>> stack, List<Operation> ops) {
        List<Operation> prefix = new ArrayList<>(stack.size());
        stack.descendingIterator().forEachRemaining(f -> prefix.add(ops.get(f.call().id)));
        return prefix;
    }

    /**
     * The calls that could be linearized next, in the order to try them: those before the first remaining return
     * (that return's operation is among them: it must be placed before its response), but of uncertain operations
     * with equal inputs only the earliest invoked. Any order of them gives the same verdict.
     */
    private static Event[] candidates(Event head, Comparator<Event> tryOrder, List<Operation> ops) {
        List<Event> calls = new ArrayList<>();
        Set<Object> uncertainInputs = new HashSet<>();
        for (Event e = head.next; e != null && e.call; e = e.next) {
            Operation op = ops.get(e.id);
            // of the uncertain operations with equal inputs, only the earliest invoked (the list is in time order):
            // exchanging two of them in a linearization changes nothing, since each may take effect at any point
            // after its invocation, so they can be placed in the order they were invoked
            if (!op.uncertain() || uncertainInputs.add(op.input())) {
                calls.add(e);
            }
        }
        calls.sort(tryOrder);
        return calls.toArray(new Event[0]);
    }

    private static String explain(String key, int n, List<Operation> prefix, Object state, List<Operation> stuck) {
        StringBuilder s = new StringBuilder("key ").append(key).append(": no linearization of ").append(n)
                .append(" operations. The longest partial linearization placed ").append(prefix.size())
                .append(", ending in state ").append(state).append(" after:\n");
        int from = Math.max(0, prefix.size() - 5);
        if (from > 0) {
            s.append("  ... (").append(from).append(" earlier)\n");
        }
        for (Operation op : prefix.subList(from, prefix.size())) {
            s.append("  ").append(op).append('\n');
        }
        s.append("none of these could come next (one of them had already returned):\n");
        for (Operation op : stuck) {
            s.append("  ").append(op).append('\n');
        }
        return s.toString();
    }
}
