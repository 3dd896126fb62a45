package io.jmanager.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.RegistryLimitException;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedLock;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import io.jmanager.registry.RegistryConfig;
import io.jmanager.wire.LockInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Each configured limit refuses the one request that would exceed it with {@link RegistryLimitException} naming
 * its option, and the registry goes on serving everyone else.
 */
class LimitsTest {
    private static TestRegistry start(RegistryConfig.Limits limits) {
        return TestRegistry.start(RegistryConfig.defaults().withLimits(limits));
    }

    private static void stillServes(Manager m) {
        SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("alive"));
        d.put("k", 1);
        assertEquals(2, d.increment("k", 1));
    }

    @Test
    void maxObjects() {
        try (TestRegistry registry = start(RegistryConfig.Limits.defaults().withMaxObjects(4))) {
            Manager m = registry.connect();
            m.dict("o1");
            m.list("o2");
            m.queue("o3");
            // a condition with its own lock needs two: refused whole, nothing half-created
            RegistryLimitException two = assertThrows(RegistryLimitException.class, () -> m.condition("o4"));
            assertTrue(two.getMessage().contains("--max-objects"), two.getMessage());
            assertFalse(m.names().contains("o4/lock"));
            m.lock("o4");
            RegistryLimitException e = assertThrows(RegistryLimitException.class, () -> m.event("o5"));
            assertTrue(e.getMessage().contains("--max-objects") && e.getMessage().contains("'o5'"), e.getMessage());
            assertEquals(4, m.names().size());
            m.dict("o1").put("existing objects", "still work");
            assertTrue(m.destroy("o2"));
            m.event("o5");
        }
    }

    @Test
    void maxSessions() {
        try (TestRegistry registry = start(RegistryConfig.Limits.defaults().withMaxSessions(2))) {
            Manager first = registry.connect();
            Manager second = registry.connect();
            RegistryLimitException e = assertThrows(RegistryLimitException.class, () -> Manager.connect(registry.url()));
            assertTrue(e.getMessage().contains("--max-sessions"), e.getMessage());
            stillServes(first);
            second.close();
            try (Manager third = Manager.connect(registry.url())) {
                stillServes(third);
            }
        }
    }

    @Test
    void maxWaitersPerObject() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        // long slices, so that the waiters stay registered on the registry while the test looks
        RegistryConfig config = RegistryConfig.defaults().withWaitSliceMillis(60_000)
                .withLimits(RegistryConfig.Limits.defaults().withMaxWaitersPerObject(2));
        ManagerOptions slow = ManagerOptions.defaults().withReadTimeout(Duration.ofSeconds(90))
                .withWaitSlice(Duration.ofSeconds(60));
        try (TestRegistry registry = TestRegistry.start(config);
             Manager holder = Manager.connect(registry.url(), slow);
             Manager waiter = Manager.connect(registry.url(), slow)) {
            String name = TestRegistry.uniqueName("crowded");
            SharedLock held = holder.lock(name);
            held.lock();
            SharedLock wanted = waiter.lock(name);
            List<Future<Boolean>> waiting = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                waiting.add(pool.submit(() -> wanted.tryLock(Timing.millis(60_000), TimeUnit.MILLISECONDS)));
            }
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(10_000));
            while (waitersOf(holder, name) < 2) {
                assertTrue(System.nanoTime() < deadline, "the two waiters did not arrive");
                Thread.sleep(10);
            }
            RegistryLimitException e = assertThrows(RegistryLimitException.class,
                    () -> wanted.tryLock(Timing.millis(60_000), TimeUnit.MILLISECONDS));
            assertTrue(e.getMessage().contains("--max-waiters-per-object"), e.getMessage());
            assertTrue(wanted.tryLock(0, TimeUnit.MILLISECONDS) == false, "a plain attempt does not wait: allowed");
            stillServes(waiter);
            held.unlock();
            // the lock goes to one of the two waiters (which keeps it: its manager's close releases it)
            long grantDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(10_000));
            while (waiting.stream().noneMatch(Future::isDone)) {
                assertTrue(System.nanoTime() < grantDeadline, "no waiter got the lock");
                Thread.sleep(10);
            }
            Future<Boolean> first = waiting.stream().filter(Future::isDone).findFirst().orElseThrow();
            assertTrue(first.get());
        } finally {
            pool.shutdownNow();
        }
    }

    private static int waitersOf(Manager m, String lock) {
        for (LockInfo info : m.locks()) {
            if (info.name().equals(lock)) {
                return info.waiters().size();
            }
        }
        return 0;
    }

    @Test
    void maxBatchSize() {
        try (TestRegistry registry = start(RegistryConfig.Limits.defaults().withMaxBatchItems(10))) {
            Manager m = registry.connect();
            SharedDict<Integer, Integer> d = m.dict(TestRegistry.uniqueName("batch-d"));
            Map<Integer, Integer> ten = new HashMap<>();
            Map<Integer, Integer> eleven = new HashMap<>();
            for (int i = 0; i < 11; i++) {
                eleven.put(i, i);
                if (i < 10) {
                    ten.put(i, i);
                }
            }
            d.putAll(ten);
            assertEquals(10, d.size());
            d.clear();
            RegistryLimitException e = assertThrows(RegistryLimitException.class, () -> d.putAll(eleven));
            assertTrue(e.getMessage().contains("--max-batch-size"), e.getMessage());
            assertEquals(0, d.size(), "nothing was stored");
            SharedList<Integer> l = m.list(TestRegistry.uniqueName("batch-l"));
            assertThrows(RegistryLimitException.class, () -> l.addAll(eleven.keySet()));
            assertEquals(0, l.size());
            l.addAll(ten.keySet());
            assertEquals(10, l.size());
            stillServes(m);
        }
    }
}
