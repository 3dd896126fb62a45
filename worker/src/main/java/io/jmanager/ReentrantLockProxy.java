package io.jmanager;

/** The {@link SharedReentrantLock} proxy: the registry counts holds per owner. */
final class ReentrantLockProxy extends LockProxy implements SharedReentrantLock {
    ReentrantLockProxy(ProxyContext ctx) {
        super(ctx);
    }
}
