package io.jmanager.registry;

import static io.jmanager.registry.Fixture.LONG_WAIT;
import static io.jmanager.registry.Fixture.awaitWaiting;
import static io.jmanager.registry.Fixture.get;
import static io.jmanager.registry.Fixture.nanos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.SessionExpiredException;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteBarrier.Arrival;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BarrierObjectTest {
    private final Fixture fx = new Fixture();
    private final long s1 = fx.session();
    private final long s2 = fx.session();
    private final long s3 = fx.session();

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    private BarrierObject barrier(int parties) {
        return fx.add(new BarrierObject("b", ObjectSpec.sized(ObjectType.BARRIER, parties), fx.context));
    }

    /** A whole await as the proxy does it: arrive, then wait for the trip; returns the index. */
    private static int await(BarrierObject b, long session, long waitId) throws BrokenBarrierException {
        long arrival = b.arrive(session, 1, waitId, LONG_WAIT);
        boolean tripped = Arrival.tripped(arrival);
        while (!tripped) {
            tripped = b.awaitTrip(session, waitId, LONG_WAIT);
        }
        return Arrival.index(arrival);
    }

    @Test
    void lastArrivalTripsAndIndicesArePerArrival() throws Exception {
        BarrierObject b = barrier(3);
        assertEquals(3, b.parties());
        long a0 = b.arrive(s1, 1, 1, 0);
        long a1 = b.arrive(s2, 1, 1, 0);
        assertFalse(Arrival.tripped(a0));
        assertFalse(Arrival.tripped(a1));
        assertEquals(2, b.numberWaiting());
        assertFalse(b.awaitTrip(s1, 1, nanos(20)));
        long a2 = b.arrive(s3, 1, 1, 0);
        assertTrue(Arrival.tripped(a2), "the last party trips the barrier");
        assertEquals(Set.of(0, 1, 2), Set.of(Arrival.index(a0), Arrival.index(a1), Arrival.index(a2)));
        assertTrue(b.awaitTrip(s1, 1, 0));
        assertTrue(b.awaitTrip(s2, 1, 0));
        assertEquals(0, b.numberWaiting());
        assertFalse(b.isBroken());
        assertThrows(IllegalStateException.class, () -> b.awaitTrip(s1, 1, 0), "that wait is over");
    }

    @Test
    void onePartyTripsAtOnce() throws Exception {
        BarrierObject b = barrier(1);
        long a = b.arrive(s1, 1, 1, 0);
        assertTrue(Arrival.tripped(a));
        assertEquals(0, Arrival.index(a));
    }

    @Test
    void indicesArePermutationsInEveryGeneration() throws Exception {
        int parties = 5;
        int generations = 40;
        BarrierObject b = barrier(parties);
        int[][] indices = new int[parties][generations];
        CountDownLatch start = new CountDownLatch(1);
        AtomicLong waitIds = new AtomicLong();
        List<Future<Void>> all = new ArrayList<>();
        for (int p = 0; p < parties; p++) {
            int party = p;
            long session = p % 2 == 0 ? s1 : s2;
            all.add(fx.async(() -> {
                start.await();
                for (int g = 0; g < generations; g++) {
                    indices[party][g] = await(b, session, waitIds.incrementAndGet());
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<Void> f : all) {
            get(f);
        }
        for (int g = 0; g < generations; g++) {
            Set<Integer> seen = new HashSet<>();
            for (int p = 0; p < parties; p++) {
                seen.add(indices[p][g]);
            }
            assertEquals(Set.of(0, 1, 2, 3, 4), seen, "generation " + g);
        }
        assertFalse(b.isBroken());
    }

    @Test
    void leaveBreaksTheBarrierForTheOthers() throws Exception {
        BarrierObject b = barrier(3);
        b.arrive(s1, 1, 1, 0);
        Future<Integer> waiting = fx.async(() -> await(b, s2, 2));
        awaitWaiting(b, 1);
        assertFalse(b.leave(s1, 1), "s1 gives up before the trip");
        assertThrows(BrokenBarrierException.class, () -> get(waiting));
        assertTrue(b.isBroken());
        assertThrows(BrokenBarrierException.class, () -> b.arrive(s3, 1, 3, 0));
        assertEquals(0, b.numberWaiting());
        b.reset();
        assertFalse(b.isBroken());
        b.arrive(s1, 1, 4, 0);
        b.arrive(s2, 1, 4, 0);
        assertTrue(Arrival.tripped(b.arrive(s3, 1, 4, 0)), "usable again after reset");
    }

    @Test
    void leaveAfterTheTripReportsTheTrip() throws Exception {
        BarrierObject b = barrier(2);
        b.arrive(s1, 1, 1, 0);
        b.arrive(s2, 1, 1, 0);
        assertTrue(b.leave(s1, 1));
        assertFalse(b.isBroken());
        assertFalse(b.leave(s1, 99), "an unknown wait");
        assertFalse(b.isBroken());
    }

    @Test
    void abortBreaksCurrentAndFutureWaitersUntilReset() throws Exception {
        BarrierObject b = barrier(3);
        Future<Integer> w1 = fx.async(() -> await(b, s1, 1));
        Future<Integer> w2 = fx.async(() -> await(b, s2, 1));
        awaitWaiting(b, 2);
        b.abort();
        assertThrows(BrokenBarrierException.class, () -> get(w1));
        assertThrows(BrokenBarrierException.class, () -> get(w2));
        assertTrue(b.isBroken());
        assertThrows(BrokenBarrierException.class, () -> b.arrive(s3, 1, 2, 0));
        b.reset();
        assertFalse(b.isBroken());
        assertEquals(0, b.numberWaiting());
    }

    @Test
    void resetBreaksCurrentWaitersButLeavesTheBarrierUsable() throws Exception {
        BarrierObject b = barrier(2);
        Future<Integer> w = fx.async(() -> await(b, s1, 1));
        awaitWaiting(b, 1);
        b.reset();
        assertThrows(BrokenBarrierException.class, () -> get(w));
        assertFalse(b.isBroken());
        Future<Integer> x = fx.async(() -> await(b, s1, 2));
        Future<Integer> y = fx.async(() -> await(b, s2, 2));
        assertEquals(Set.of(0, 1), Set.of(get(x), get(y)));
    }

    @Test
    void sessionEndOfAWaitingPartyBreaksTheBarrier() throws Exception {
        BarrierObject b = barrier(3);
        b.arrive(s1, 1, 1, 0);
        Future<Integer> w = fx.async(() -> await(b, s2, 1));
        awaitWaiting(b, 1);
        fx.sessions.close(s1);
        assertThrows(BrokenBarrierException.class, () -> get(w));
        assertTrue(b.isBroken());
    }

    @Test
    void sessionEndOfANonWaitingSessionLeavesTheBarrierAlone() throws Exception {
        BarrierObject b = barrier(2);
        b.arrive(s1, 1, 1, 0);
        fx.sessions.close(s3);
        assertFalse(b.isBroken());
        assertTrue(Arrival.tripped(b.arrive(s2, 1, 1, 0)));
    }

    @Test
    void aDeadSessionCannotArrive() {
        BarrierObject b = barrier(2);
        fx.sessions.close(s1);
        assertThrows(SessionExpiredException.class, () -> b.arrive(s1, 1, 1, 0));
        assertEquals(0, b.numberWaiting(), "a dead session's arrival must not count as a party");
        assertThrows(SessionExpiredException.class, () -> b.awaitTrip(s1, 1, 0));
        assertFalse(b.isBroken());
    }

    @Test
    void waitIsBoundedByTheSlice() throws Exception {
        try (Fixture small = new Fixture(TimeUnit.MILLISECONDS.toNanos(30))) {
            BarrierObject b = small.add(new BarrierObject("b", ObjectSpec.sized(ObjectType.BARRIER, 2),
                    small.context));
            long s = small.session();
            long start = System.nanoTime();
            assertFalse(Arrival.tripped(b.arrive(s, 1, 1, Long.MAX_VALUE)));
            assertFalse(b.awaitTrip(s, 1, Long.MAX_VALUE));
            assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(Fixture.TIMEOUT_MILLIS));
            assertEquals(1, b.numberWaiting());
        }
    }

    @Test
    void destroyFailsWaiters() throws Exception {
        BarrierObject b = barrier(2);
        Future<Integer> w = fx.async(() -> await(b, s1, 1));
        awaitWaiting(b, 1);
        b.destroy();
        assertThrows(NoSuchSharedObjectException.class, () -> get(w));
        assertThrows(NoSuchSharedObjectException.class, () -> b.arrive(s2, 1, 1, 0));
    }
}
