package io.jmanager;

/**
 * A shared reentrant lock, Python's {@code manager.RLock()}: the owner (this worker's session and calling thread)
 * may lock it again, and must unlock it as many times. Another thread or worker never inherits it.
 */
public interface SharedReentrantLock extends SharedLock {
}
