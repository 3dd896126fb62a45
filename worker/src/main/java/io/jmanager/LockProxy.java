package io.jmanager;

import io.jmanager.wire.RemoteLock;
import java.util.concurrent.TimeUnit;

/**
 * The {@link SharedLock} proxy for a non-reentrant lock (the registry decides reentrancy by type; see
 * {@link ReentrantLockProxy}). The owner is this manager's session and the calling thread, captured before any
 * wait slice runs on a wait thread.
 */
class LockProxy extends PlainProxy implements SharedLock {

    LockProxy(ProxyContext ctx) {
        super(ctx);
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    final RemoteLock remote() {
        return (RemoteLock) ctx.stub();
    }

    /** A slice that acquires for {@code owner} in the current session and records the hold when granted. */
    private Waits.Slice<Long> acquireSlice(long owner) {
        long session = ctx.session();
        long generation = ctx.manager.connection().generation();
        return (id, n) -> {
            long token = remote().acquire(session, owner, id, n);
            if (token == 0) {
                return null;
            }
            ctx.manager.holds().acquired(name(), owner, generation);
            return token;
        };
    }

    @Override
    public void lock() {
        lockAndGetToken();
    }

    @Override
    public long lockAndGetToken() {
        return uninterrupted(() -> acquireOrAdopt(() -> ctx.awaitUninterruptibly(remote(), Waits.FOREVER,
                acquireSlice(ProxyContext.thread()))));
    }

    @Override
    public void lockInterruptibly() throws InterruptedException {
        acquireOrAdopt(() -> ctx.awaitPlain(remote(), Waits.FOREVER, true, acquireSlice(ProxyContext.thread())));
    }

    @Override
    public boolean tryLock() {
        return uninterrupted(() -> acquireOrAdopt(() -> {
            Waits.Slice<Long> attempt = acquireSlice(ProxyContext.thread());
            long waitId = ctx.manager.waits().newWaitId(); // the same id if the request is sent again to a new leader
            return ctx.callResendablePlain(() -> attempt.attempt(waitId, 0));
        })) != 0;
    }

    /** An acquisition: its token, or null/0 if it was not granted. */
    @FunctionalInterface
    private interface Acquisition {
        Long run() throws InterruptedException;
    }

    /** {@code call} for acquisitions that cannot be interrupted. */
    private static long uninterrupted(Acquisition call) {
        try {
            Long token = call.run();
            return token == null ? 0 : token;
        } catch (InterruptedException e) {
            throw new IllegalStateException("impossible: an uninterruptible acquisition was interrupted", e);
        }
    }

    /**
     * Runs an acquisition; if a registry group's leader change left its outcome unknown (the grant may have been
     * committed while the answer was lost, and a wait that cannot be re-sent fails), asks the new leader, whose
     * state is final for the old term's entries, how many holds this thread has: one more than this manager
     * recorded means the lock was granted, and this thread holds it with the lock's current token. Otherwise the
     * failure is reported. Without this a worker could wait in its next {@code lock()} behind its own hold.
     */
    private Long acquireOrAdopt(Acquisition call) throws InterruptedException {
        long owner = ProxyContext.thread();
        int before = ctx.manager.holds().count(name(), owner);
        try {
            return call.run();
        } catch (NotLeaderException | RegistryUnavailableException e) {
            if (!ctx.manager.connection().isGroup()) {
                throw e;
            }
            try {
                if (getHoldCount() == before + 1) {
                    long token = currentToken();
                    ctx.manager.holds().acquired(name(), owner, ctx.manager.connection().generation());
                    return token;
                }
            } catch (JManagerException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    @Override
    public boolean tryLock(long time, TimeUnit unit) throws InterruptedException {
        return tryLockAndGetToken(time, unit) != 0;
    }

    @Override
    public long tryLockAndGetToken(long time, TimeUnit unit) throws InterruptedException {
        Long token = acquireOrAdopt(() -> ctx.awaitPlain(remote(), Math.max(0, unit.toNanos(time)), true,
                acquireSlice(ProxyContext.thread())));
        return token == null ? 0 : token;
    }

    @Override
    public void unlock() {
        long owner = ProxyContext.thread();
        ctx.manager.holds().checkStillHeld(name(), owner, ctx.manager.connection().generation());
        int before = ctx.manager.holds().count(name(), owner);
        long session = ctx.session();
        try {
            ctx.run(() -> remote().release(session, owner));
        } catch (NotLeaderException | RegistryUnavailableException e) {
            if (!releasedAfterLeaderChange(before, e)) {
                throw e;
            }
        }
        ctx.manager.holds().released(name(), owner);
    }

    /**
     * A registry group's leader changed while this thread's release was in flight, so it may or may not have been
     * committed: asks the new leader, whose state is final for every entry of the old term, how many holds this
     * thread has. One fewer than {@code before}: it was applied; as many: it was not, and is sent again there.
     * Returns false (the caller reports {@code uncertain}) outside a group, when this manager did not record the
     * hold, or when the new leader cannot be asked.
     */
    private boolean releasedAfterLeaderChange(int before, JManagerException uncertain) {
        if (before == 0 || !ctx.manager.connection().isGroup()) {
            return false;
        }
        long owner = ProxyContext.thread();
        int now;
        try {
            now = getHoldCount();
        } catch (JManagerException e) {
            uncertain.addSuppressed(e);
            return false;
        }
        if (now == before) {
            long session = ctx.session();
            ctx.run(() -> remote().release(session, owner));
            return true;
        }
        return now == before - 1;
    }

    @Override
    public SharedCondition newCondition() {
        return ctx.manager.condition(name() + "/condition", name());
    }

    @Override
    public long currentToken() {
        return ctx.call(() -> remote().currentToken());
    }

    @Override
    public boolean isLocked() {
        return ctx.call(() -> remote().isLocked());
    }

    @Override
    public boolean isHeldByCurrentThread() {
        return getHoldCount() > 0;
    }

    @Override
    public int getHoldCount() {
        long owner = ProxyContext.thread();
        long session = ctx.session();
        return ctx.call(() -> remote().holdCount(session, owner));
    }

    @Override
    public Hold hold() {
        long token = lockAndGetToken();
        return new Hold() {
            private boolean closed;

            @Override
            public long token() {
                return token;
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    unlock();
                }
            }
        };
    }
}
