package io.jmanager;

import io.jmanager.wire.BatchCodec;
import io.jmanager.wire.BatchCodec.Outcome;
import io.jmanager.wire.BatchOp;
import io.jmanager.wire.ObjectHandle;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What every proxy holds: the manager (session, codec, waits), the object's handle, and call helpers (see
 * {@link Calls}). After a registry restart the handle is resolved again by name on the new registry before the
 * next call, synchronous or asynchronous (a registry that kept nothing then has the object again, empty, as the
 * manager's get-or-create makes it). Thread-safe.
 */
final class ProxyContext {
    final Manager manager;
    final String target;
    private volatile ObjectHandle handle;
    /** The connection's {@link RegistryConnection#route()} the handle was resolved under. */
    private volatile long handleRoute;
    private volatile ProxyContext dependency;

    ProxyContext(Manager manager, ObjectHandle handle) {
        this.manager = manager;
        this.handle = handle;
        this.handleRoute = manager.connection().route();
        this.target = handle.type() + " '" + handle.name() + "'";
    }

    /** Makes {@code other} (a condition's lock) resolve again before this object after a restart. */
    void dependsOn(ProxyContext other) {
        this.dependency = other;
    }

    /** The current stub of the object. */
    java.rmi.Remote stub() {
        return handle.stub();
    }

    /**
     * Resolves the handle again by name if it belongs to an earlier registry incarnation, or to a group member the
     * session no longer goes to.
     */
    private void refreshIfStale() {
        long route = manager.connection().route();
        if (handleRoute == route) {
            return;
        }
        synchronized (this) {
            if (handleRoute != route) {
                ProxyContext d = dependency;
                if (d != null) {
                    d.refreshIfStale();
                }
                handle = manager.resolve(handle.name(), handle.spec());
                handleRoute = route;
            }
        }
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
        return Calls.call(manager, target, () -> {
            refreshIfStale();
            return call.call();
        });
    }

    /** Like {@link #call} for a call without a result. */
    void run(RemoteRun run) {
        call(() -> {
            run.run();
            return null;
        });
    }

    /** A remote invocation without a result. */
    @FunctionalInterface
    interface RemoteRun {
        void run() throws Exception;
    }

    <T> T callBarrier(RemoteCall<T> call) throws BrokenBarrierException {
        return Calls.callBarrier(manager, target, () -> {
            refreshIfStale();
            return call.call();
        });
    }

    /**
     * Like {@link #callBarrier} for a request that may be sent again to a registry group's new leader: one whose
     * wait id makes the registry find a grant it already gave (every wait slice), or that is idempotent.
     */
    <T> T callResendable(RemoteCall<T> call) throws BrokenBarrierException {
        return Calls.callBarrier(manager, target, true, () -> {
            refreshIfStale();
            return call.call();
        });
    }

    /** {@link #callResendable} for calls that cannot throw {@link BrokenBarrierException}. */
    <T> T callResendablePlain(RemoteCall<T> call) {
        try {
            return callResendable(call);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("impossible: " + e, e);
        }
    }

    RuntimeException translate(Exception e) {
        return manager.failureAfterClose(Rpc.translate(manager.url(), target, e));
    }

    long session() {
        return manager.session();
    }

    /**
     * Issues {@code op} on this object asynchronously (see {@link Batcher}): arguments it does not take are null
     * or 0; the future completes with {@code result} applied to the registry's answer.
     */
    <T> CompletableFuture<T> async(BatchOp op, byte[] a, byte[] b, long x, long y, long z,
                                   Function<Outcome, T> result) {
        try {
            refreshForBatches();
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return manager.batcher().submit(new BatchCodec.Call(name(), op, a, b, x, y, z), result);
    }

    /**
     * Before an operation that goes in a batch call, which names its object: after a single registry restarted (a
     * new session), the object is resolved by name there first, as before a synchronous call, so that a registry
     * that kept nothing has it again. A registry group's objects are replicated: its new leader has them, and a
     * batch waits for that leader in its lane instead of in the issuing thread.
     */
    private void refreshForBatches() {
        if (!manager.connection().isGroup()) {
            refreshIfStale();
        }
    }

    /**
     * Runs a synchronous operation that has a batch form {@code op}: as {@code direct}, its own remote call, when no
     * other call of its object's lane is in flight; else in the lane's next batch call with the operations other
     * threads issue meanwhile, its answer turned into the return value by {@code result} (see {@link Batcher#call}).
     * Without {@link AsyncOptions#shareSynchronousCalls()}, always {@code direct}.
     */
    <T> T shared(BatchOp op, byte[] a, byte[] b, long x, long y, long z, Function<Outcome, T> result,
                 RemoteCall<T> direct) {
        if (!manager.sharesSynchronousCalls()) {
            return call(direct);
        }
        refreshForBatches();
        return manager.batcher().call(new BatchCodec.Call(name(), op, a, b, x, y, z), result, () -> call(direct));
    }

    /** The answer of an asynchronous operation as a value of this manager's codec. */
    <T> Function<Outcome, T> decoded() {
        return o -> decode(o.bytes());
    }

    /** The answer of an asynchronous operation as a boolean. */
    static Function<Outcome, Boolean> asBoolean() {
        return o -> o.number() != 0;
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

    /** Decodes a value for display ({@code toString}): what cannot be read here shows as a {@link RefusedValue}. */
    Object decodeForDisplay(byte[] bytes) {
        return bytes == null ? null : manager.decodeOrPlaceholder(bytes);
    }

    /** The elements as text, as {@code List.toString} shows them; unreadable ones as {@link RefusedValue}s. */
    String displayAll(byte[][] values) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : ", ").append(decodeForDisplay(values[i]));
        }
        return b.append(']').toString();
    }

    /** Decodes every element, in order. */
    <T> java.util.List<T> decodeAll(byte[][] values) {
        java.util.List<T> out = new java.util.ArrayList<>(values.length);
        for (byte[] v : values) {
            out.add(decode(v));
        }
        return out;
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
