package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedLock;
import io.jmanager.SharedQueue;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 500 client threads blocked at once on one registry (250 in {@code take()}, 250 in {@code lock()} of a held lock,
 * from four managers) do not exhaust it: another client is served promptly meanwhile; then 250 items and the lock
 * release complete all of them, with nothing lost and nothing granted twice.
 */
@Timeout(180)
class ManyBlockedClientsTest {
    static final int TAKERS = 250;
    static final int LOCKERS = 250;
    static final int MANAGERS_PER_KIND = 2;

    @Test
    void fiveHundredBlockedThreadsDoNotExhaustTheRegistry() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            String queueName = "many-q";
            String lockName = "many-lock";
            Manager holder = registry.connect();
            SharedLock held = holder.lock(lockName);
            long firstToken = held.lockAndGetToken();

            List<Manager> takerManagers = new ArrayList<>();
            List<Manager> lockerManagers = new ArrayList<>();
            for (int i = 0; i < MANAGERS_PER_KIND; i++) {
                takerManagers.add(registry.connect());
                lockerManagers.add(registry.connect());
            }
            List<Background<Integer>> takers = new ArrayList<>();
            List<Background<Long>> lockers = new ArrayList<>();
            AtomicInteger inCriticalSection = new AtomicInteger();
            AtomicInteger overlaps = new AtomicInteger();
            ConcurrentLinkedQueue<Long> tokens = new ConcurrentLinkedQueue<>();
            for (int i = 0; i < Math.max(TAKERS, LOCKERS); i++) {
                if (i < TAKERS) {
                    SharedQueue<Integer> q = takerManagers.get(i % MANAGERS_PER_KIND).queue(queueName);
                    takers.add(Background.start("taker-" + i, q::take));
                }
                if (i < LOCKERS) {
                    SharedLock lock = lockerManagers.get(i % MANAGERS_PER_KIND).lock(lockName);
                    lockers.add(Background.start("locker-" + i, () -> {
                        long token = lock.lockAndGetToken();
                        try {
                            if (inCriticalSection.incrementAndGet() != 1) {
                                overlaps.incrementAndGet();
                            }
                            tokens.add(token);
                            inCriticalSection.decrementAndGet();
                        } finally {
                            lock.unlock();
                        }
                        return token;
                    }));
                }
            }
            long bound = Timing.millis(60_000);
            for (Background<Integer> t : takers) {
                t.awaitBlocked();
            }
            for (Background<Long> l : lockers) {
                l.awaitBlocked();
            }

            // meanwhile, another client is served promptly
            Manager observer = registry.connect();
            String summary = observer.objects().stream().filter(o -> o.name().equals(lockName)).findFirst()
                    .orElseThrow().summary();
            java.util.regex.Matcher waiting = java.util.regex.Pattern.compile("(\\d+) waiting").matcher(summary);
            assertTrue(waiting.find(), summary);
            assertTrue(Integer.parseInt(waiting.group(1)) >= LOCKERS / 2,
                    "the lockers wait on the registry: " + summary);
            SharedDict<String, Integer> dict = observer.dict("many-observer");
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                dict.put("k" + i, i);
                assertEquals(i, dict.get("k" + i));
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertTrue(millis < Timing.millis(1000), "put+get took " + millis + " ms with 500 blocked calls");
            }
            assertEquals(20, dict.size());
            assertTrue(takers.stream().noneMatch(Background::isDone), "no taker returned without an item");
            assertTrue(lockers.stream().noneMatch(Background::isDone), "no locker returned while the lock is held");

            // feed the takers and release the lock
            SharedQueue<Integer> feeder = observer.queue(queueName);
            for (int i = 0; i < TAKERS; i++) {
                feeder.put(i);
            }
            held.unlock();

            BitSet received = new BitSet();
            for (Background<Integer> t : takers) {
                int item = t.value(bound);
                assertFalse(received.get(item), "item " + item + " taken twice");
                received.set(item);
            }
            assertEquals(TAKERS, received.cardinality());
            assertEquals(TAKERS, received.nextClearBit(0), "every item 0.." + (TAKERS - 1) + " was taken once");
            assertEquals(0, feeder.size());

            List<Long> granted = new ArrayList<>();
            for (Background<Long> l : lockers) {
                granted.add(l.value(bound));
            }
            assertEquals(0, overlaps.get(), "two lockers held the lock at the same time");
            assertEquals(LOCKERS, granted.stream().distinct().count(), "every grant has its own fencing token");
            List<Long> inGrantOrder = new ArrayList<>(tokens);
            for (int i = 1; i < inGrantOrder.size(); i++) {
                assertTrue(inGrantOrder.get(i) > inGrantOrder.get(i - 1), "tokens increase in grant order");
            }
            assertTrue(inGrantOrder.get(0) > firstToken);
            assertFalse(held.isLocked(), "the lock is free at the end");
        }
    }
}
