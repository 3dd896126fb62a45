package io.jmanager;

import java.util.concurrent.CompletableFuture;
import io.jmanager.wire.BatchOp;
import io.jmanager.wire.RemoteQueue;
import java.util.AbstractQueue;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The {@link SharedQueue} proxy, also {@link SharedReliableQueue} for at-least-once queues: blocking methods wait on
 * the registry in bounded slices (see {@link Waits}).
 */
final class QueueProxy<E> extends AbstractQueue<E> implements SharedReliableQueue<E>, Proxied {
    private final ProxyContext ctx;

    QueueProxy(ProxyContext ctx) {
        this.ctx = ctx;
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteQueue remote() {
        return (RemoteQueue) ctx.stub();
    }

    @Override
    public ProxyContext context() {
        return ctx;
    }

    @Override
    public String name() {
        return ctx.name();
    }

    private byte[] element(Object e) {
        return ctx.encode(Objects.requireNonNull(e, "SharedQueue does not allow null elements"));
    }

    private Boolean offered(long waitId, byte[] v, long nanos) throws Exception {
        return remote().offer(ctx.session(), waitId, v, nanos) ? Boolean.TRUE : null;
    }

    @Override
    public boolean offer(E e) {
        byte[] v = element(e);
        long waitId = ctx.manager.waits().newWaitId(); // the same id if the request is sent again to a new leader
        return ctx.callResendablePlain(() -> remote().offer(ctx.session(), waitId, v, 0));
    }

    @Override
    public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
        byte[] v = element(e);
        return ctx.awaitPlain(remote(), Math.max(0, unit.toNanos(timeout)), true, (id, n) -> offered(id, v, n)) != null;
    }

    @Override
    public void put(E e) throws InterruptedException {
        byte[] v = element(e);
        ctx.awaitPlain(remote(), Waits.FOREVER, true, (id, n) -> offered(id, v, n));
    }

    @Override
    public E poll() {
        long waitId = ctx.manager.waits().newWaitId(); // the same id if the request is sent again to a new leader
        return ctx.decode(ctx.callResendablePlain(() -> remote().poll(ctx.session(), waitId, 0)));
    }

    @Override
    public E poll(long timeout, TimeUnit unit) throws InterruptedException {
        return ctx.decode(ctx.awaitPlain(remote(), Math.max(0, unit.toNanos(timeout)), true,
                (id, n) -> remote().poll(ctx.session(), id, n)));
    }

    @Override
    public E take() throws InterruptedException {
        return ctx.decode(ctx.awaitPlain(remote(), Waits.FOREVER, true, (id, n) -> remote().poll(ctx.session(), id, n)));
    }

    @Override
    public E peek() {
        return ctx.decode(ctx.call(() -> remote().peek()));
    }

    @Override
    public int size() {
        return ctx.call(() -> remote().size());
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public int remainingCapacity() {
        return ctx.call(() -> remote().remainingCapacity());
    }

    @Override
    public int drainTo(Collection<? super E> c) {
        return drainTo(c, Integer.MAX_VALUE);
    }

    @Override
    public int drainTo(Collection<? super E> c, int maxElements) {
        Objects.requireNonNull(c, "collection");
        if (c == this) {
            throw new IllegalArgumentException("cannot drain a queue into itself");
        }
        if (maxElements <= 0) {
            return 0;
        }
        byte[][] items = ctx.call(() -> remote().drain(maxElements));
        for (byte[] item : items) {
            c.add(ctx.decode(item));
        }
        return items.length;
    }

    @Override
    public boolean addAll(Collection<? extends E> c) {
        Objects.requireNonNull(c, "collection");
        if (c == this) {
            throw new IllegalArgumentException("cannot add a queue to itself");
        }
        List<byte[]> values = new ArrayList<>(c.size());
        for (E e : c) {
            values.add(element(e));
        }
        byte[][] v = values.toArray(new byte[0][]);
        ctx.manager.checkCallBytes(v);
        int added = ctx.call(() -> remote().offerAll(v));
        if (added < v.length) {
            throw new IllegalStateException("Queue full: queue '" + name() + "' took " + added + " of " + v.length
                    + " elements");
        }
        return added > 0;
    }

    @Override
    public boolean remove(Object o) {
        if (o == null) {
            return false;
        }
        byte[] v = ctx.encode(o);
        return ctx.call(() -> remote().removeFirst(v));
    }

    @Override
    public boolean removeAll(Collection<?> c) {
        byte[][] v = ctx.manager.encodeAll(Objects.requireNonNull(c));
        ctx.manager.checkCallBytes(v);
        return ctx.call(() -> remote().removeMatching(v, false)) > 0;
    }

    @Override
    public boolean retainAll(Collection<?> c) {
        byte[][] v = ctx.manager.encodeAll(Objects.requireNonNull(c));
        ctx.manager.checkCallBytes(v);
        return ctx.call(() -> remote().removeMatching(v, true)) > 0;
    }

    @Override
    public void clear() {
        ctx.run(() -> remote().clear());
    }

    private List<E> snapshot() {
        return ctx.decodeAll(ctx.call(() -> remote().snapshot()));
    }

    @Override
    public boolean contains(Object o) {
        return o != null && snapshot().contains(o);
    }

    @Override
    public Object[] toArray() {
        return snapshot().toArray();
    }

    @Override
    public <T> T[] toArray(T[] a) {
        return snapshot().toArray(a);
    }

    /** Walks a snapshot; {@code remove()} removes the first element equal to the last one returned. */
    @Override
    public Iterator<E> iterator() {
        Iterator<E> snapshot = snapshot().iterator();
        return new Iterator<>() {
            private E last;
            private boolean canRemove;

            @Override
            public boolean hasNext() {
                return snapshot.hasNext();
            }

            @Override
            public E next() {
                if (!snapshot.hasNext()) {
                    throw new NoSuchElementException();
                }
                last = snapshot.next();
                canRemove = true;
                return last;
            }

            @Override
            public void remove() {
                if (!canRemove) {
                    throw new IllegalStateException("next() was not called, or remove() was already called");
                }
                canRemove = false;
                QueueProxy.this.remove(last);
            }
        };
    }

    @Override
    public void taskDone() {
        ctx.run(() -> remote().taskDone(1));
    }

    @Override
    public void join() throws InterruptedException {
        ctx.awaitPlain(remote(), Waits.FOREVER, true, (id, n) -> remote().join(ctx.session(), id, n) ? Boolean.TRUE : null);
    }

    @Override
    public boolean join(long timeout, TimeUnit unit) throws InterruptedException {
        return ctx.awaitPlain(remote(), Math.max(0, unit.toNanos(timeout)), true,
                (id, n) -> remote().join(ctx.session(), id, n) ? Boolean.TRUE : null) != null;
    }

    @Override
    public int unfinishedTasks() {
        return ctx.call(() -> remote().unfinishedTasks());
    }

    @Override
    public Delivery<E> takeDelivery() throws InterruptedException {
        return delivery(ctx.awaitPlain(remote(), Waits.FOREVER, true,
                (id, n) -> remote().pollDelivery(ctx.session(), id, n)));
    }

    @Override
    public Delivery<E> pollDelivery(long timeout, TimeUnit unit) throws InterruptedException {
        return delivery(ctx.awaitPlain(remote(), Math.max(0, unit.toNanos(timeout)), true,
                (id, n) -> remote().pollDelivery(ctx.session(), id, n)));
    }

    private Delivery<E> delivery(byte[] raw) {
        if (raw == null) {
            return null;
        }
        long id = java.nio.ByteBuffer.wrap(raw).getLong();
        E value = ctx.decode(java.util.Arrays.copyOfRange(raw, 8, raw.length));
        return new Delivery<>() {
            @Override
            public E value() {
                return value;
            }

            @Override
            public long id() {
                return id;
            }

            @Override
            public void ack() {
                if (!ctx.call(() -> remote().ack(ctx.session(), id))) {
                    throw new IllegalStateException("delivery " + id + " of queue '" + name() + "' was no longer"
                            + " out: its visibility timeout of " + visibilityTimeoutMillis() + " ms passed or its"
                            + " session ended, so it went back to the queue and may be delivered again");
                }
            }

            @Override
            public boolean nack() {
                return ctx.call(() -> remote().nack(ctx.session(), id));
            }

            @Override
            public String toString() {
                return "Delivery " + id + " of queue '" + name() + "': " + value;
            }
        };
    }

    @Override
    public int inFlight() {
        return ctx.call(() -> remote().inFlight());
    }

    @Override
    public long visibilityTimeoutMillis() {
        return ctx.spec().visibilityMillis();
    }

    @Override
    public String toString() {
        return ctx.displayAll(ctx.call(() -> remote().snapshot()));
    }

    @Override
    public CompletableFuture<Boolean> offerAsync(E value) {
        return ctx.async(BatchOp.QUEUE_OFFER, element(value), null, 0, 0, 0, ProxyContext.asBoolean());
    }

    @Override
    public CompletableFuture<E> pollAsync() {
        return ctx.async(BatchOp.QUEUE_POLL, null, null, 0, 0, 0, ctx.decoded());
    }
}
