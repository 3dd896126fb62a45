package io.jmanager.it.linearizability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.it.linearizability.CheckResult.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The checker accepts linearizable histories (hand-written, and recorded from real concurrent JDK objects, which
 * are linearizable) and rejects planted violations: stale reads, lost writes, double delivery, reordering, a value
 * that appears and vanishes. Every check runs within a bounded time.
 */
class LinearizabilityCheckerTest {
    private static final double FACTOR = Double.parseDouble(System.getProperty("jmanager.test.timeFactor", "1"));
    private static final Duration BUDGET = Duration.ofMillis((long) (20_000 * FACTOR));
    private static final Duration BOUND = Duration.ofMillis((long) (30_000 * FACTOR));
    private final LinearizabilityChecker checker = new LinearizabilityChecker(BUDGET);

    private static Operation op(Object input, Object output, long invoke, long complete) {
        return Operation.ok("x", "c", input, output, invoke, complete);
    }

    private static Operation op(String key, Object input, Object output, long invoke, long complete) {
        return Operation.ok(key, "c", input, output, invoke, complete);
    }

    private static Operation unsure(Object input, long invoke) {
        return Operation.uncertain("x", "c", input, invoke);
    }

    private static RegisterModel.Write write(long v) {
        return new RegisterModel.Write(v);
    }

    private static final RegisterModel.Read READ = new RegisterModel.Read();
    private static final CounterModel.Read COUNT = new CounterModel.Read();
    private static final QueueModel.Poll POLL = new QueueModel.Poll();

    private void assertVerdict(Verdict expected, Model<?> model, List<Operation> history) {
        CheckResult r = assertTimeoutPreemptively(BOUND, () -> checker.check(model, history));
        assertEquals(expected, r.verdict(), r.toString());
    }

    private void assertVerdict(Verdict expected, Model<?> model, List<Operation> history, String because) {
        CheckResult r = assertTimeoutPreemptively(BOUND, () -> checker.check(model, history));
        assertEquals(expected, r.verdict(), r.toString());
        assertTrue(r.explanation().contains(because), r.explanation());
    }

    @Test
    void sequentialAndOverlappingRegisterHistoriesAreLinearizable() {
        RegisterModel reg = new RegisterModel(0);
        assertVerdict(Verdict.LINEARIZABLE, reg, List.of(op(READ, 0L, 0, 1), op(write(1), null, 2, 3),
                op(READ, 1L, 4, 5), op(new RegisterModel.Cas(1, 2), true, 6, 7), op(new RegisterModel.Cas(1, 3), false,
                        8, 9), op(READ, 2L, 10, 11)));
        // a read overlapping a write may see either value, and two overlapping reads may disagree in write order
        assertVerdict(Verdict.LINEARIZABLE, reg, List.of(op(write(1), null, 0, 10), op(READ, 1L, 2, 3),
                op(READ, 1L, 4, 5)));
        assertVerdict(Verdict.LINEARIZABLE, reg, List.of(op(write(1), null, 0, 10), op(READ, 0L, 2, 3),
                op(READ, 1L, 4, 5)));
        // the recorded order of entries does not matter, only their times
        assertVerdict(Verdict.LINEARIZABLE, reg, List.of(op(READ, 1L, 4, 5), op(write(1), null, 0, 10)));
    }

    @Test
    void aStaleReadIsCaught() {
        RegisterModel reg = new RegisterModel(0);
        assertVerdict(Verdict.NOT_LINEARIZABLE, reg, List.of(op(write(1), null, 0, 1), op(write(2), null, 2, 3),
                op(READ, 1L, 4, 5)));
        // once a read saw the new value, a later read may not see the old one (new-old inversion)
        assertVerdict(Verdict.NOT_LINEARIZABLE, reg, List.of(op(write(1), null, 0, 10), op(READ, 1L, 2, 3),
                op(READ, 0L, 4, 5)));
    }

    @Test
    void aLostWriteIsCaught() {
        assertVerdict(Verdict.NOT_LINEARIZABLE, new RegisterModel(0), List.of(op(write(5), null, 0, 1),
                op(READ, 0L, 2, 3)));
        CounterModel counter = new CounterModel();
        assertVerdict(Verdict.LINEARIZABLE, counter, List.of(op(new CounterModel.Add(1), 2L, 0, 10),
                op(new CounterModel.Add(1), 1L, 1, 9), op(COUNT, 2L, 11, 12)));
        // two increments acknowledged, the counter shows one
        assertVerdict(Verdict.NOT_LINEARIZABLE, counter, List.of(op(new CounterModel.Add(1), 1L, 0, 1),
                op(new CounterModel.Add(1), 2L, 2, 3), op(COUNT, 1L, 4, 5)));
        // two concurrent increments both answered 1: one of them was lost
        assertVerdict(Verdict.NOT_LINEARIZABLE, counter, List.of(op(new CounterModel.Add(1), 1L, 0, 10),
                op(new CounterModel.Add(1), 1L, 1, 9)));
    }

    @Test
    void compareAndSetSucceedsOnceFromOneValue() {
        RegisterModel reg = new RegisterModel(0);
        assertVerdict(Verdict.NOT_LINEARIZABLE, reg, List.of(op(new RegisterModel.Cas(0, 1), true, 0, 10),
                op(new RegisterModel.Cas(0, 2), true, 1, 9)));
        assertVerdict(Verdict.LINEARIZABLE, reg, List.of(op(new RegisterModel.Cas(0, 1), true, 0, 10),
                op(new RegisterModel.Cas(0, 2), false, 1, 9), op(READ, 1L, 11, 12)));
    }

    @Test
    void anUncertainOperationMayTakeEffectLateOrNeverButNotVanish() {
        RegisterModel reg = new RegisterModel(0);
        assertVerdict(Verdict.LINEARIZABLE, reg, List.of(unsure(write(3), 0), op(READ, 3L, 5, 6)));
        assertVerdict(Verdict.LINEARIZABLE, reg, List.of(unsure(write(3), 0), op(READ, 0L, 1, 2),
                op(READ, 3L, 3, 4)));
        assertVerdict(Verdict.LINEARIZABLE, reg, List.of(unsure(write(3), 0), op(READ, 0L, 1, 2)));
        // its effect was seen, then it is gone with nothing else written
        assertVerdict(Verdict.NOT_LINEARIZABLE, reg, List.of(unsure(write(3), 0), op(READ, 3L, 1, 2),
                op(READ, 0L, 3, 4)));
        // it cannot take effect before it was invoked
        assertVerdict(Verdict.NOT_LINEARIZABLE, reg, List.of(op(READ, 3L, 1, 2), unsure(write(3), 5)));
        // an uncertain increment counts at most once
        CounterModel counter = new CounterModel();
        assertVerdict(Verdict.LINEARIZABLE, counter, List.of(unsure(new CounterModel.Add(1), 0),
                op(new CounterModel.Add(1), 2L, 1, 2)));
        assertVerdict(Verdict.NOT_LINEARIZABLE, counter, List.of(unsure(new CounterModel.Add(1), 0),
                op(new CounterModel.Add(1), 3L, 1, 2)));
    }

    @Test
    void manyUncertainWritesNoOneSawAreCheckedQuicklyAndDoNotHideAViolation() {
        RegisterModel reg = new RegisterModel(0);
        List<Operation> h = new ArrayList<>();
        // a cut-off leader refused 60 writes whose outcome the writer could not know, while the majority went on
        for (int i = 0; i < 60; i++) {
            h.add(unsure(write(1000 + i), 10 * i));
        }
        for (int i = 0; i < 200; i++) {
            h.add(op(write(i + 1), null, 10 * i + 1, 10 * i + 2));
            h.add(op(READ, (long) i + 1, 10 * i + 3, 10 * i + 4));
        }
        assertVerdict(Verdict.LINEARIZABLE, reg, h);
        // one of them was seen: it must still fit (here it does: read right after its invocation)
        List<Operation> seen = new ArrayList<>(h);
        seen.add(op(READ, 1000L, 5, 6));
        assertVerdict(Verdict.LINEARIZABLE, reg, seen);
        // a stale read among a few of them is still caught (the search then includes them, and each uncertain
        // operation can double the configurations a proof of violation must visit: keep them few)
        List<Operation> stale = new ArrayList<>(h.subList(56, h.size()));
        stale.add(op(READ, 5L, 1990, 1991));
        assertVerdict(Verdict.NOT_LINEARIZABLE, reg, stale);
    }

    @Test
    void queueHistories() {
        QueueModel q = new QueueModel();
        QueueModel.Offer a = new QueueModel.Offer("a");
        QueueModel.Offer b = new QueueModel.Offer("b");
        assertQueueVerdict(Verdict.LINEARIZABLE, List.of(op(POLL, null, 0, 1), op(a, null, 2, 3), op(b, null, 4, 5),
                op(POLL, "a", 6, 7), op(POLL, "b", 8, 9), op(POLL, null, 10, 11)));
        // concurrent offers may be delivered in either order
        assertQueueVerdict(Verdict.LINEARIZABLE, List.of(op(a, null, 0, 5), op(b, null, 1, 4), op(POLL, "b", 6, 7),
                op(POLL, "a", 8, 9)));
        // an uncertain offer may have taken effect late, after an offer invoked later
        assertQueueVerdict(Verdict.LINEARIZABLE, List.of(Operation.uncertain("x", "c", a, 0), op(b, null, 2, 3),
                op(POLL, "b", 4, 5), op(POLL, "a", 6, 7)));
        // double delivery
        assertQueueVerdict(Verdict.NOT_LINEARIZABLE, List.of(op(a, null, 0, 1), op(POLL, "a", 2, 3),
                op(POLL, "a", 4, 5)));
        // double delivery to two concurrent consumers
        assertQueueVerdict(Verdict.NOT_LINEARIZABLE, List.of(op(a, null, 0, 1), op(POLL, "a", 2, 5),
                op(POLL, "a", 3, 4)));
        // reordering of offers that did not overlap, also when the later offer's outcome is unknown
        assertQueueVerdict(Verdict.NOT_LINEARIZABLE, List.of(op(a, null, 0, 1), op(b, null, 2, 3),
                op(POLL, "b", 4, 5), op(POLL, "a", 6, 7)));
        assertQueueVerdict(Verdict.NOT_LINEARIZABLE, List.of(op(a, null, 0, 1), Operation.uncertain("x", "c", b, 2),
                op(POLL, "b", 4, 5), op(POLL, "a", 6, 7)));
        // delivered before it was offered; delivered though never offered
        assertQueueVerdict(Verdict.NOT_LINEARIZABLE, List.of(op(POLL, "a", 0, 1), op(a, null, 2, 3)));
        assertQueueVerdict(Verdict.NOT_LINEARIZABLE, List.of(op(a, null, 0, 1), op(POLL, "b", 2, 3)));
        // a lost item: the queue answered empty after an acknowledged offer
        assertQueueVerdict(Verdict.NOT_LINEARIZABLE, List.of(op(a, null, 0, 1), op(POLL, null, 2, 3)));
    }

    /** The queue model's verdict, which its search alone (without {@link QueueModel#refute}) must reach too. */
    private void assertQueueVerdict(Verdict expected, List<Operation> history) {
        assertVerdict(expected, new QueueModel(), history);
        assertVerdict(expected, searchOnly(new QueueModel()), history);
    }

    /** {@code model} without its refutation: only the search decides. */
    private static <S> Model<S> searchOnly(Model<S> model) {
        return new Model<>() {
            @Override
            public S initial() {
                return model.initial();
            }

            @Override
            public Step<S> apply(S state, Object input) {
                return model.apply(state, input);
            }

            @Override
            public boolean unobserved(Object input, java.util.Set<Object> outputs) {
                return model.unobserved(input, outputs);
            }

            @Override
            public boolean outputMatches(Object expected, Object actual) {
                return model.outputMatches(expected, actual);
            }
        };
    }

    @Test
    void eachKeyIsCheckedOnItsOwnAndTheReportNamesTheBadOne() {
        List<Operation> h = new ArrayList<>();
        for (int k = 0; k < 5; k++) {
            h.add(op("k" + k, write(k + 1), null, 0, 1));
            h.add(op("k" + k, READ, (long) k + 1, 2, 3));
        }
        h.add(op("k3", READ, 0L, 4, 5));
        CheckResult r = assertTimeoutPreemptively(BOUND, () -> checker.check(new RegisterModel(0), h));
        assertEquals(Verdict.NOT_LINEARIZABLE, r.verdict(), r.toString());
        assertTrue(r.explanation().startsWith("key k3:"), r.explanation());
        assertTrue(r.explanation().contains("read() -> 0"), r.explanation());
    }

    @Test
    void aSearchOverItsBudgetSaysUnknownInsteadOfHanging() {
        // many overlapping uncertain writes and reads of values none wrote: a search with a 1 ms budget gives up
        List<Operation> h = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            h.add(unsure(write(i), i));
            h.add(op(READ, (long) (i % 7), i, 100_000));
        }
        CheckResult r = assertTimeoutPreemptively(BOUND,
                () -> new LinearizabilityChecker(Duration.ofMillis(1)).check(new RegisterModel(0), h));
        assertTrue(r.verdict() != Verdict.LINEARIZABLE, r.toString());
    }

    // ---- histories recorded from real concurrent objects (linearizable by the JDK's contract) ------------------

    private static final int THREADS = 4;
    private static final int OPS_PER_THREAD = 800;

    /** One thread's body: the operations it records on the shared object. */
    private interface Client {
        void run(int thread, Random random, History history);
    }

    private static List<Operation> record(Client client) throws InterruptedException {
        History history = new History();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
            int me = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                client.run(me, new Random(me), history);
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
        return history.operations();
    }

    /**
     * Marks about one write-like operation in {@code every} uncertain (its output forgotten), as a failover does. Each
     * uncertain operation is concurrent with everything after it, so proving that no linearization exists costs up
     * to twice as much per uncertain operation: histories recorded during a few failovers have a handful.
     */
    private static List<Operation> withUncertain(int every, List<Operation> ops) {
        Random r = new Random(42);
        List<Operation> out = new ArrayList<>();
        for (Operation op : ops) {
            boolean forget = r.nextInt(every) == 0 && !(op.input() instanceof RegisterModel.Read)
                    && !(op.input() instanceof QueueModel.Poll);
            out.add(forget ? Operation.uncertain(op.key(), op.client(), op.input(), op.invokeNanos()) : op);
        }
        return out;
    }

    private static List<Operation> registerHistory() throws InterruptedException {
        AtomicLong register = new AtomicLong();
        return record((me, random, history) -> {
            long last = 0;
            for (int i = 0; i < OPS_PER_THREAD; i++) {
                int kind = random.nextInt(3);
                long t0 = System.nanoTime();
                if (kind == 0) {
                    last = register.get();
                    history.ok("r", "t" + me, READ, last, t0);
                } else if (kind == 1) {
                    long v = me * 1_000_000L + i + 1;
                    register.set(v);
                    history.ok("r", "t" + me, write(v), null, t0);
                } else {
                    long v = -(me * 1_000_000L + i + 1);
                    boolean swapped = register.compareAndSet(last, v);
                    history.ok("r", "t" + me, new RegisterModel.Cas(last, v), swapped, t0);
                }
            }
        });
    }

    @Test
    void realRegisterHistoryIsLinearizableAndAPlantedStaleReadIsCaught() throws InterruptedException {
        List<Operation> h = withUncertain(400, registerHistory());
        assertTrue(h.stream().anyMatch(Operation::uncertain), "no uncertain write planted");
        assertVerdict(Verdict.LINEARIZABLE, new RegisterModel(0), h);
        // plant a stale read: a read that returns the value of a write W although another write W2 completed
        // between W's completion and the read's invocation (values are unique, so no one else rewrote W's value)
        List<Operation> sorted = new ArrayList<>(h);
        sorted.sort(java.util.Comparator.comparingLong(Operation::invokeNanos));
        List<Operation> writes = sorted.stream().filter(o -> o.input() instanceof RegisterModel.Write
                && !o.uncertain()).toList();
        for (int i = sorted.size() / 4; i < sorted.size(); i++) {
            Operation read = sorted.get(i);
            if (!(read.input() instanceof RegisterModel.Read)) {
                continue;
            }
            for (Operation w2 : writes) {
                if (w2.completeNanos() >= read.invokeNanos()) {
                    continue;
                }
                Operation w = writes.stream().filter(x -> x.completeNanos() < w2.invokeNanos()
                        && ((RegisterModel.Write) x.input()).value() != ((RegisterModel.Write) w2.input()).value())
                        .findFirst().orElse(null);
                if (w != null) {
                    List<Operation> planted = new ArrayList<>(h);
                    planted.set(planted.indexOf(read), Operation.ok(read.key(), read.client(), read.input(),
                            ((RegisterModel.Write) w.input()).value(), read.invokeNanos(), read.completeNanos()));
                    assertVerdict(Verdict.NOT_LINEARIZABLE, new RegisterModel(0), planted);
                    return;
                }
            }
        }
        throw new AssertionError("the recorded history has no read after two sequential writes to plant on");
    }

    /**
     * A counter history as a failover leaves it: 24 increments of unknown outcome at once, then 200 acknowledged
     * ones whose answers show that 12 of the 24 took effect first. Uncertain increments are interchangeable, so the
     * search places them in the order they were invoked instead of trying each of the C(24, 12) = 2.7 million
     * subsets (GroupFaultsIT's 20-kill soak ran out of its 2 min budget so on 4,671 operations with 18 uncertain).
     */
    @Test
    void interchangeableUncertainIncrementsAreTriedInInvocationOrder() {
        List<Operation> h = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            h.add(Operation.uncertain("c", "u" + i, new CounterModel.Add(1), i));
        }
        for (int i = 1; i <= 200; i++) {
            h.add(Operation.ok("c", "w", new CounterModel.Add(1), 12L + i, 100 + 2L * i, 101 + 2L * i));
        }
        List<Operation> ok = new ArrayList<>(h);
        ok.add(Operation.ok("c", "r", COUNT, 224L, 1000, 1001)); // the other 12 took effect at the end
        assertVerdict(Verdict.LINEARIZABLE, new CounterModel(), ok);
        List<Operation> lower = new ArrayList<>(h);
        lower.add(Operation.ok("c", "r", COUNT, 211L, 1000, 1001)); // below the last acknowledged answer
        assertVerdict(Verdict.NOT_LINEARIZABLE, new CounterModel(), lower);
    }

    @Test
    void realCounterHistoryIsLinearizableAndAPlantedLostIncrementIsCaught() throws InterruptedException {
        AtomicLong counter = new AtomicLong();
        List<Operation> h = new ArrayList<>(withUncertain(100, record((me, random, history) -> {
            for (int i = 0; i < OPS_PER_THREAD; i++) {
                long t0 = System.nanoTime();
                history.ok("c", "t" + me, new CounterModel.Add(1), counter.incrementAndGet(), t0);
            }
        })));
        long t0 = System.nanoTime();
        long total = counter.get();
        long t1 = System.nanoTime();
        long uncertain = h.stream().filter(Operation::uncertain).count();
        assertTrue(uncertain > 0, "no uncertain increment planted");
        List<Operation> ok = new ArrayList<>(h);
        ok.add(Operation.ok("c", "final", COUNT, total, t0, t1));
        assertVerdict(Verdict.LINEARIZABLE, new CounterModel(), ok);
        // one acknowledged increment lost: the final count is one short of what every increment says
        List<Operation> lost = new ArrayList<>(h);
        lost.removeIf(Operation::uncertain); // their effect is then unexplained unless the checker sees a loss
        lost.add(Operation.ok("c", "final", COUNT, total - uncertain - 1, t0, t1));
        assertVerdict(Verdict.NOT_LINEARIZABLE, new CounterModel(), lost);
    }

    /**
     * A queue history as a failover leaves it: many polls and offers whose outcome is unknown, consumers that poll
     * an empty queue, and a final drain that finds it empty. The uncertain operations that change no answer are
     * left out, so the check stays fast; an acknowledged item that only an uncertain poll can have taken is found
     * taken by one; the same item with no uncertain poll to take it is a lost item.
     */
    @Test
    void queueHistoryWithManyUncertainOperationsIsCheckedWithinItsBudget() throws InterruptedException {
        ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
        List<Operation> recorded = record((me, random, history) -> {
            for (int i = 0; i < OPS_PER_THREAD / 2; i++) {
                long t0 = System.nanoTime();
                if (me % 2 == 0) {
                    String item = "t" + me + "-" + i;
                    queue.offer(item);
                    history.ok("q", "t" + me, new QueueModel.Offer(item), null, t0);
                } else {
                    history.ok("q", "t" + me, POLL, queue.poll(), t0);
                }
            }
        });
        List<Operation> h = new ArrayList<>(recorded);
        long drained = System.nanoTime();
        for (Object item = queue.poll(); ; item = queue.poll()) {
            long t = System.nanoTime();
            h.add(op("q", POLL, item, drained, t));
            drained = t + 1;
            if (item == null) {
                break;
            }
        }
        Random r = new Random(7);
        for (int i = 0; i < 200; i++) {
            long at = recorded.get(r.nextInt(recorded.size())).invokeNanos();
            h.add(Operation.uncertain("q", "u" + i, i % 2 == 0 ? POLL : new QueueModel.Offer("lost-" + i), at));
        }
        CheckResult all = assertTimeoutPreemptively(BOUND, () -> checker.check(new QueueModel(), h));
        assertEquals(Verdict.LINEARIZABLE, all.verdict(), all.toString());
        assertTrue(all.explanation().contains("200 uncertain operations that change no answer left out"),
                all.explanation());
        // one delivery forgotten: its item is missing, and one of the uncertain polls must have taken it
        Operation delivery = h.stream().filter(o -> o.input() instanceof QueueModel.Poll && o.output() != null)
                .skip(h.size() / 4).findFirst().orElseThrow();
        List<Operation> taken = new ArrayList<>(h);
        taken.set(taken.indexOf(delivery), Operation.uncertain("q", delivery.client(), POLL,
                delivery.invokeNanos()));
        assertVerdict(Verdict.LINEARIZABLE, new QueueModel(), taken);
        List<Operation> lost = new ArrayList<>(taken);
        lost.removeIf(o -> o.uncertain() && o.input() instanceof QueueModel.Poll);
        assertVerdict(Verdict.NOT_LINEARIZABLE, new QueueModel(), lost);
    }

    private static final int PAIRS = 40;

    /**
     * A poll of unknown outcome at time 0, {@code offeredFirst}, then {@value #PAIRS} pairs of offers a_i, b_i that
     * overlap each other only, then a drain that delivers each pair ({@code drainedFirst} of the two first), all but
     * {@code taken}, then {@code drainedLast}, then finds the queue empty: {@code taken} is the item only the
     * uncertain poll can have taken.
     */
    private static List<Operation> pairsWithAnItemTakenByAnUncertainPoll(List<Operation> offeredFirst,
            String drainedFirst, String taken, List<String> drainedLast) {
        List<Operation> h = new ArrayList<>();
        h.add(Operation.uncertain("q", "u", POLL, 0));
        h.addAll(offeredFirst);
        for (int i = 0; i < PAIRS; i++) {
            h.add(Operation.ok("q", "a", new QueueModel.Offer("a" + i), null, 10L * i + 1, 10L * i + 5));
            h.add(Operation.ok("q", "b", new QueueModel.Offer("b" + i), null, 10L * i + 2, 10L * i + 6));
        }
        List<String> drained = new ArrayList<>();
        for (int i = 0; i < PAIRS; i++) {
            drained.addAll(drainedFirst.equals("a") ? List.of("a" + i, "b" + i) : List.of("b" + i, "a" + i));
        }
        drained.remove(taken);
        drained.addAll(drainedLast);
        long t = 10L * PAIRS + 10;
        for (String item : drained) {
            h.add(op("q", POLL, item, t, t + 1));
            t += 2;
        }
        h.add(op("q", POLL, null, t, t + 1));
        return h;
    }

    /**
     * A poll of unknown outcome invoked before everything, and an acknowledged item that only it can have taken,
     * while two producers' offers overlap pairwise and no poll answers until a final drain (the shape of the
     * recorded history above when the consumers find the queue empty throughout). Were the uncertain poll allowed to
     * take an item that the drain delivers, the search would learn it only at the drain, after every order of the
     * overlapping offers in between: 2^37 of them.
     */
    @Test
    void anUncertainPollTakesOnlyAnItemNoOtherPollDelivered() {
        List<Operation> h = pairsWithAnItemTakenByAnUncertainPoll(List.of(), "a", "b2", List.of());
        assertVerdict(Verdict.LINEARIZABLE, new QueueModel(), h);
        assertVerdict(Verdict.NOT_LINEARIZABLE, new QueueModel(), h.subList(1, h.size()), "b2");

        List<Operation> kept = new QueueModel().equivalent(h);
        Operation uncertain = kept.stream().filter(Operation::uncertain).findFirst().orElseThrow();
        assertEquals(new QueueModel.UncertainPoll(java.util.Set.of("b2")), uncertain.input());
        QueueModel model = new QueueModel();
        assertTrue(model.uncertainStepPossible(uncertain.input(), model.apply(List.of("b2", "a3"),
                uncertain.input())));
        assertFalse(model.uncertainStepPossible(uncertain.input(), model.apply(List.of("a0", "b2"),
                uncertain.input())), "an item a certain poll delivered");
        assertFalse(model.uncertainStepPossible(uncertain.input(), model.apply(List.of(), uncertain.input())),
                "an empty queue: no effect, the same as leaving it out");
    }

    /**
     * The same shape with a slow offer concurrent with everything and delivered last: the item only the uncertain
     * poll can have taken must be tried before it (FIFO puts it before every item offered after its own offer
     * completed), or the search learns of the slow item's place only at the drain, after 2^39 orders of the pairs.
     */
    @Test
    void anUndeliveredItemIsTriedBeforeASlowOfferDeliveredAfterItsSuccessors() {
        List<Operation> h = pairsWithAnItemTakenByAnUncertainPoll(
                List.of(Operation.ok("q", "s", new QueueModel.Offer("slow"), null, 1, 10L * PAIRS)), "b", "a0",
                List.of("slow"));
        assertVerdict(Verdict.LINEARIZABLE, new QueueModel(), h);
        assertVerdict(Verdict.NOT_LINEARIZABLE, new QueueModel(), h.subList(1, h.size()), "a0");
    }

    @Test
    void realQueueHistoryIsLinearizableAndPlantedDoubleDeliveryAndReorderingAreCaught()
            throws InterruptedException {
        ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
        List<Operation> h = withUncertain(100, record((me, random, history) -> {
            for (int i = 0; i < OPS_PER_THREAD / 4; i++) {
                long t0 = System.nanoTime();
                if (random.nextBoolean()) {
                    String item = "t" + me + "-" + i;
                    queue.offer(item);
                    history.ok("q", "t" + me, new QueueModel.Offer(item), null, t0);
                } else {
                    history.ok("q", "t" + me, POLL, queue.poll(), t0);
                }
            }
        }));
        assertVerdict(Verdict.LINEARIZABLE, new QueueModel(), h);
        List<Operation> polls = h.stream().filter(o -> o.input() instanceof QueueModel.Poll && o.output() != null)
                .sorted(java.util.Comparator.comparingLong(Operation::invokeNanos)).toList();
        // double delivery: a later poll, which did not overlap an earlier one, answers the earlier one's item
        Operation first = polls.get(polls.size() / 3);
        Operation later = polls.stream().filter(p -> p.invokeNanos() > first.completeNanos()).findFirst()
                .orElseThrow();
        List<Operation> twice = new ArrayList<>(h);
        twice.set(twice.indexOf(later), Operation.ok(later.key(), later.client(), later.input(), first.output(),
                later.invokeNanos(), later.completeNanos()));
        assertVerdict(Verdict.NOT_LINEARIZABLE, new QueueModel(), twice, "delivered twice");
        // reordering: two polls that did not overlap swap their items, whose offers did not overlap either (so
        // FIFO order is fixed between them) and both completed before the first poll (so FIFO is the only rule
        // broken)
        java.util.Map<Object, Operation> offers = new java.util.HashMap<>();
        h.stream().filter(o -> o.input() instanceof QueueModel.Offer)
                .forEach(o -> offers.put(((QueueModel.Offer) o.input()).item(), o));
        Operation x = null;
        Operation y = null;
        search:
        for (int i = polls.size() / 3; i < polls.size(); i++) {
            for (int j = i + 1; j < polls.size(); j++) {
                Operation p = polls.get(i);
                Operation q = polls.get(j);
                if (p.completeNanos() < q.invokeNanos()
                        && offers.get(p.output()).completeNanos() < offers.get(q.output()).invokeNanos()
                        && offers.get(q.output()).completeNanos() < p.invokeNanos()) {
                    x = p;
                    y = q;
                    break search;
                }
            }
        }
        assertTrue(x != null, "no two sequential deliveries of sequential offers to swap");
        List<Operation> swapped = new ArrayList<>(h);
        swapped.set(swapped.indexOf(x), Operation.ok(x.key(), x.client(), x.input(), y.output(), x.invokeNanos(),
                x.completeNanos()));
        swapped.set(swapped.indexOf(y), Operation.ok(y.key(), y.client(), y.input(), x.output(), y.invokeNanos(),
                y.completeNanos()));
        assertVerdict(Verdict.NOT_LINEARIZABLE, new QueueModel(), swapped, "FIFO broken");
    }
}
