package io.jmanager.it.fencing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;

/** The fencing checker passes correct grant records (also ones recorded from a real lock) and catches planted faults. */
class FencingCheckerTest {
    private static LockGrant grant(String holder, long token, long invoked, long acquired, long released) {
        return new LockGrant(holder, token, invoked, acquired, released, false);
    }

    @Test
    void sequentialHoldsWithIncreasingTokensPass() {
        assertEquals(List.of(), FencingChecker.violations(List.of(grant("a", 1, 0, 1, 5), grant("b", 2, 2, 6, 9),
                grant("c", 5, 3, 10, 12))));
        // a hold may end exactly when the next begins (unlock invoked, then the waiter's lock returns)
        assertEquals(List.of(), FencingChecker.violations(List.of(grant("a", 1, 0, 1, 5), grant("b", 2, 0, 5, 9))));
    }

    @Test
    void overlappingValidHoldsAreCaught() {
        List<String> v = FencingChecker.violations(List.of(grant("a", 1, 0, 1, 5), grant("b", 2, 2, 4, 9)));
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).startsWith("two valid holds overlap by 1 ns: a token 1"), v.get(0));
        // a hold contained in a long one, after a short one: still caught
        v = FencingChecker.violations(List.of(grant("a", 1, 0, 1, 100), grant("b", 2, 0, 101, 102),
                grant("c", 3, 0, 50, 60)));
        assertTrue(v.stream().anyMatch(s -> s.contains("overlap") && s.contains("c token 3")), v.toString());
    }

    @Test
    void aRevokedHoldMayOverlapItsSuccessorButTokensMustStillIncrease() {
        LockGrant stale = new LockGrant("a", 1, 0, 1, 50, true);
        assertEquals(List.of(), FencingChecker.violations(List.of(stale, grant("b", 2, 2, 10, 20))));
        List<String> v = FencingChecker.violations(List.of(stale, grant("b", 1, 2, 10, 20)));
        assertTrue(v.stream().anyMatch(s -> s.startsWith("token 1 granted twice")), v.toString());
    }

    @Test
    void tokensGoingBackAreCaught() {
        // b asked after a's grant returned but got a smaller token
        List<String> v = FencingChecker.violations(List.of(grant("a", 7, 0, 1, 5), grant("b", 3, 6, 7, 9)));
        assertTrue(v.stream().anyMatch(s -> s.startsWith("tokens went back: b token 3")), v.toString());
        assertTrue(v.stream().anyMatch(s -> s.startsWith("a later valid hold has a token not above")), v.toString());
        // concurrent lock calls may be granted in either order, as long as the holds do not overlap
        assertEquals(List.of(), FencingChecker.violations(List.of(grant("a", 2, 0, 6, 8), grant("b", 1, 0, 3, 5))));
    }

    @Test
    void badRecordsAreRefusedWithTheReason() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> grant("a", 0, 0, 1, 2));
        assertTrue(e.getMessage().contains("a fencing token is positive"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> grant("a", 1, 5, 1, 2));
        assertTrue(e.getMessage().contains("times out of order"), e.getMessage());
    }

    /** Grants recorded from a real lock with a token counter pass; the same records with one hold stretched fail. */
    @Test
    void realLockHistoryPassesAndAStretchedHoldFails() throws InterruptedException {
        ReentrantLock lock = new ReentrantLock();
        long[] counter = {0};
        List<LockGrant> grants = java.util.Collections.synchronizedList(new ArrayList<>());
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int me = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 500; i++) {
                    long invoked = System.nanoTime();
                    lock.lock();
                    long token = ++counter[0];
                    long acquired = System.nanoTime();
                    long released = System.nanoTime();
                    grants.add(new LockGrant("t" + me, token, invoked, acquired, released, false));
                    lock.unlock();
                }
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertEquals(List.of(), FencingChecker.violations(grants));
        List<LockGrant> stretched = new ArrayList<>(grants);
        stretched.sort(java.util.Comparator.comparingLong(LockGrant::token));
        LockGrant g = stretched.get(1000);
        LockGrant next = stretched.get(1001);
        stretched.set(1000, new LockGrant(g.holder(), g.token(), g.lockInvokedNanos(), g.acquiredNanos(),
                next.acquiredNanos() + 1, false));
        List<String> v = FencingChecker.violations(stretched);
        assertTrue(v.stream().anyMatch(s -> s.contains("overlap")), v.toString());
    }
}
