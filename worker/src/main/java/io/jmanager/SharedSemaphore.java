package io.jmanager;

import java.util.concurrent.TimeUnit;

/**
 * A shared semaphore, Python's {@code manager.Semaphore(n)} or {@code BoundedSemaphore(n)}. Permits are not owned:
 * any worker may release. A bounded semaphore refuses a release above its initial value with
 * {@link IllegalStateException}. Permits a dead worker took and did not release come back when its session ends.
 */
public interface SharedSemaphore extends SharedObject {
    void acquire() throws InterruptedException;

    void acquire(int permits) throws InterruptedException;

    boolean tryAcquire();

    boolean tryAcquire(long timeout, TimeUnit unit) throws InterruptedException;

    boolean tryAcquire(int permits, long timeout, TimeUnit unit) throws InterruptedException;

    void release();

    void release(int permits);

    int availablePermits();

    int drainPermits();

    boolean isBounded();
}
