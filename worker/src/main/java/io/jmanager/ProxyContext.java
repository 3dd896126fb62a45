package io.jmanager;

import io.jmanager.wire.ObjectHandle;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.util.concurrent.BrokenBarrierException;

/**
 * What every proxy holds: the manager (session, codec, waits), the object's handle, and call helpers that turn
 * transport failures into jmanager's exceptions. Immutable and thread-safe.
 */
final class ProxyContext {
    final Manager manager;
    final ObjectHandle handle;
    final String target;

    ProxyContext(Manager manager, ObjectHandle handle) {
        this.manager = manager;
        this.handle = handle;
        this.target = handle.type() + " '" + handle.name() + "'";
    }

    String name() {
        return handle.name();
    }

    ObjectType type() {
        return handle.type();
    }

    ObjectSpec spec() {
        return handle.spec();
    }

    <T> T call(RemoteCall<T> call) {
        manager.checkUsable();
        try {
            return Rpc.call(manager.url(), target, call);
        } catch (RuntimeException e) {
            throw manager.failureAfterClose(e);
        }
    }

    <T> T callBarrier(RemoteCall<T> call) throws BrokenBarrierException {
        manager.checkUsable();
        try {
            return Rpc.callBarrier(manager.url(), target, call);
        } catch (RuntimeException e) {
            throw manager.failureAfterClose(e);
        }
    }

    RuntimeException translate(Exception e) {
        return manager.failureAfterClose(Rpc.translate(manager.url(), target, e));
    }

    long session() {
        return manager.session();
    }

    static long thread() {
        return Thread.currentThread().getId();
    }

    byte[] encode(Object value) {
        return manager.encode(value);
    }

    @SuppressWarnings("unchecked")
    <T> T decode(byte[] bytes) {
        return bytes == null ? null : (T) manager.decode(bytes);
    }

    /** Waits for a grant on this object; see {@link Waits#await}. */
    <T> T await(io.jmanager.wire.RemoteBlocking remote, long waitId, long timeoutNanos, boolean interruptible,
                Waits.Slice<T> slice) throws InterruptedException, BrokenBarrierException {
        return manager.waits().await(this, remote, waitId, timeoutNanos, interruptible, slice);
    }

    /** Like {@link #await} for operations that cannot throw {@link BrokenBarrierException}. */
    <T> T awaitPlain(io.jmanager.wire.RemoteBlocking remote, long timeoutNanos, boolean interruptible,
                     Waits.Slice<T> slice) throws InterruptedException {
        try {
            return await(remote, manager.waits().newWaitId(), timeoutNanos, interruptible, slice);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("impossible: " + e, e);
        }
    }

    /** Like {@link #awaitPlain} for operations that cannot be interrupted ({@code lock()}). */
    <T> T awaitUninterruptibly(io.jmanager.wire.RemoteBlocking remote, long timeoutNanos, Waits.Slice<T> slice) {
        try {
            return awaitPlain(remote, timeoutNanos, false, slice);
        } catch (InterruptedException e) {
            throw new IllegalStateException("impossible: " + e, e);
        }
    }

    boolean sameObject(ProxyContext other) {
        return other.manager == manager && other.name().equals(name()) && other.type() == type();
    }

    @Override
    public String toString() {
        return target + " @ " + manager.url();
    }
}
