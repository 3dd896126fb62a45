package io.jmanager.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedLock;
import io.jmanager.testcontainers.JManagerContainer;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;

@Testcontainers(disabledWithoutDocker = true)
class OrderCounterIT {
    @Container                                       // started before the class's tests, removed after them
    static JManagerContainer registry = new JManagerContainer().withLease(Duration.ofSeconds(2));

    @Test
    void twoWorkersShareADictAndALock() {
        try (Manager a = Manager.connect(registry.getUrl(), registry.getAuthKey());
             Manager b = registry.connect()) {       // the same, shorter
            SharedDict<String, Integer> orders = a.dict("orders");
            orders.put("count", 1);
            assertEquals(2, b.<String, Integer>dict("orders").increment("count", 1));
            SharedLock lock = a.lock("report");
            lock.lock();
            try {
                assertFalse(b.lock("report").tryLock());   // a holds it
            } finally {
                lock.unlock();
            }
            assertTrue(b.lock("report").tryLock());
            b.lock("report").unlock();
        }
    }
}
