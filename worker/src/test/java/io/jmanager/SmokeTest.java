package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SmokeTest {
    static TestRegistry registry;
    static Manager m;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        m = registry.connect();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    @Test
    void everyTypeWorksOnce() throws Exception {
        SharedDict<String, Integer> d = m.dict("smoke-d");
        d.put("a", 1);
        assertEquals(3, d.increment("a", 2));
        assertEquals(Map.of("a", 3), d.copy());
        SharedList<Object> l = m.list("smoke-l");
        l.add("x");
        l.add(null);
        assertEquals(2, l.size());
        SharedQueue<String> q = m.queue("smoke-q", 2);
        assertTrue(q.offer("1"));
        assertTrue(q.offer("2"));
        assertFalse(q.offer("3", 50, TimeUnit.MILLISECONDS));
        assertEquals("1", q.take());
        SharedLock lock = m.lock("smoke-lock");
        long t = lock.lockAndGetToken();
        assertTrue(t > 0);
        assertFalse(lock.tryLock());
        lock.unlock();
        assertThrows(IllegalMonitorStateException.class, lock::unlock);
        SharedValue<Integer> v = m.value("smoke-v", 'i', 10);
        assertEquals(11, v.addAndGet(1));
        SharedArray<Integer> a = m.array("smoke-a", 'i', List.of(1, 2, 3));
        a.set(1, 9999);
        assertEquals(List.of(1, 9999, 3), a.toList());
        assertThrows(IllegalArgumentException.class, () -> m.value("smoke-b", 'b', 300));
        SharedBarrier b = m.barrier("smoke-bar", 1);
        assertEquals(0, b.await());
        SharedEvent e = m.event("smoke-e");
        assertFalse(e.await(10, TimeUnit.MILLISECONDS));
        e.set();
        assertTrue(e.await(10, TimeUnit.MILLISECONDS));
        SharedCondition c = m.condition("smoke-c");
        c.lock().lock();
        assertFalse(c.await(20, TimeUnit.MILLISECONDS));
        assertTrue(c.lock().isHeldByCurrentThread());
        c.lock().unlock();
        SharedSemaphore s = m.boundedSemaphore("smoke-s", 1);
        s.acquire();
        s.release();
        assertThrows(IllegalStateException.class, s::release);
        SharedDict<String, Object> refs = m.dict("smoke-refs");
        refs.put("todo", l);
        @SuppressWarnings("unchecked") // a shared object stored in a dict comes back as its proxy
        SharedList<Object> back = (SharedList<Object>) refs.get("todo");
        back.add("via-ref");
        assertEquals(3, l.size());
        assertThrows(ObjectTypeMismatchException.class, () -> m.list("smoke-d"));
    }
}
