package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedBarrier;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Python's Barrier / Java's CyclicBarrier semantics: timeouts, abort and reset. */
@Timeout(120)
class BarrierSemanticsTest {
    static final long BOUND = Timing.millis(10_000);

    static TestRegistry registry;
    static Manager m1;
    static Manager m2;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        m1 = registry.connect();
        m2 = registry.connect();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static Background<Integer> party(SharedBarrier b, String name) {
        return Background.start(name, b::await).awaitBlocked();
    }

    /** All parties of a fresh generation get distinct indexes 0..parties-1. */
    private static void assertTrips(SharedBarrier a, SharedBarrier b, SharedBarrier c) {
        List<Background<Integer>> parties = new ArrayList<>();
        parties.add(Background.start("p0", () -> a.await(BOUND, TimeUnit.MILLISECONDS)));
        parties.add(Background.start("p1", () -> b.await(BOUND, TimeUnit.MILLISECONDS)));
        parties.add(Background.start("p2", () -> c.await(BOUND, TimeUnit.MILLISECONDS)));
        Set<Integer> indexes = new TreeSet<>();
        for (Background<Integer> p : parties) {
            indexes.add(p.value(BOUND));
        }
        assertEquals(Set.of(0, 1, 2), indexes);
    }

    @Test
    void aWaitersTimeoutGivesItTimeoutExceptionAndTheOthersBrokenBarrierException() throws Exception {
        String name = TestRegistry.uniqueName("barrier-timeout");
        SharedBarrier b1 = m1.barrier(name, 3);
        SharedBarrier b2 = m2.barrier(name, 3);
        Background<Integer> waiting = party(b1, "waiting");
        assertEquals(1, b1.getNumberWaiting());
        long t = Timing.millis(300);
        Background<Integer> timing = Background.start("timing", () -> b2.await(t, TimeUnit.MILLISECONDS));
        timing.failsWith(TimeoutException.class, BOUND);
        waiting.failsWith(BrokenBarrierException.class, BOUND);
        assertTrue(b1.isBroken());
        assertEquals(0, b1.getNumberWaiting());
        assertThrows(BrokenBarrierException.class, () -> b1.await(BOUND, TimeUnit.MILLISECONDS),
                "a broken barrier refuses new waiters at once");
        b2.reset();
        assertFalse(b1.isBroken());
        assertTrips(b1, b2, m1.barrier(name, 3));
        assertFalse(b1.isBroken());
    }

    @Test
    void abortBreaksTheBarrierForCurrentAndFutureWaitersUntilReset() throws Exception {
        String name = TestRegistry.uniqueName("barrier-abort");
        SharedBarrier b1 = m1.barrier(name, 3);
        SharedBarrier b2 = m2.barrier(name, 3);
        Background<Integer> w1 = party(b1, "w1");
        Background<Integer> w2 = party(b2, "w2");
        assertEquals(2, b1.getNumberWaiting());
        b2.abort();
        w1.failsWith(BrokenBarrierException.class, BOUND);
        w2.failsWith(BrokenBarrierException.class, BOUND);
        assertTrue(b1.isBroken());
        assertThrows(BrokenBarrierException.class, b1::await);
        b1.reset();
        assertFalse(b2.isBroken());
        assertTrips(b1, b2, b1);
    }

    @Test
    void resetWhileWaitingBreaksTheCurrentWaitersAndLeavesTheBarrierUsable() throws Exception {
        String name = TestRegistry.uniqueName("barrier-reset");
        SharedBarrier b1 = m1.barrier(name, 3);
        SharedBarrier b2 = m2.barrier(name, 3);
        Background<Integer> w1 = party(b1, "w1");
        b2.reset();
        w1.failsWith(BrokenBarrierException.class, BOUND);
        assertFalse(b1.isBroken(), "reset leaves it usable");
        assertEquals(0, b1.getNumberWaiting());
        for (int round = 0; round < 3; round++) {
            assertTrips(b1, b2, b2);
        }
    }

    @Test
    void aPartysClosedSessionBreaksTheBarrier() throws Exception {
        String name = TestRegistry.uniqueName("barrier-close");
        Manager leaving = registry.connect();
        SharedBarrier b1 = m1.barrier(name, 3);
        Background<Integer> w1 = party(b1, "w1");
        Background<Integer> w2 = party(leaving.barrier(name, 3), "leaving");
        leaving.close();
        w1.failsWith(BrokenBarrierException.class, BOUND);
        w2.failure(BOUND); // its own manager closed under it: any exception, but it ends
        assertTrue(b1.isBroken());
    }

    @Test
    void parties() {
        SharedBarrier b = m1.barrier(TestRegistry.uniqueName("barrier-parties"), 4);
        assertEquals(4, b.getParties());
        assertThrows(IllegalArgumentException.class, () -> m1.barrier(TestRegistry.uniqueName("barrier-0"), 0));
    }
}
