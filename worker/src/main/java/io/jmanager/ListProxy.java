package io.jmanager;

import java.util.concurrent.CompletableFuture;
import io.jmanager.wire.BatchCodec.Outcome;
import io.jmanager.wire.BatchOp;
import io.jmanager.wire.RemoteList;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/** The {@link SharedList} proxy: each method one round trip; {@code iterator()} over a snapshot. */
final class ListProxy<E> extends AbstractList<E> implements SharedList<E>, Proxied {
    private final ProxyContext ctx;

    ListProxy(ProxyContext ctx) {
        this.ctx = ctx;
    }

    /** The current stub: re-resolved by the context after a registry restart. */
    private RemoteList remote() {
        return (RemoteList) ctx.stub();
    }

    @Override
    public ProxyContext context() {
        return ctx;
    }

    @Override
    public String name() {
        return ctx.name();
    }

    @Override
    public E get(int index) {
        return ctx.decode(ctx.shared(BatchOp.LIST_GET, null, null, index, 0, 0, Outcome::bytes,
                () -> remote().get(index)));
    }

    @Override
    public E set(int index, E element) {
        byte[] v = ctx.encode(element);
        return ctx.decode(ctx.call(() -> remote().set(index, v)));
    }

    @Override
    public boolean add(E element) {
        byte[] v = ctx.encode(element);
        ctx.shared(BatchOp.LIST_APPEND, v, null, 0, 0, 0, o -> null, () -> {
            remote().append(v);
            return null;
        });
        return true;
    }

    @Override
    public void add(int index, E element) {
        byte[] v = ctx.encode(element);
        ctx.run(() -> remote().insert(index, v));
    }

    @Override
    public E remove(int index) {
        if (index < 0) {
            throw new IndexOutOfBoundsException("index " + index + " out of range for list '" + name() + "'");
        }
        return pop(index);
    }

    @Override
    public boolean remove(Object o) {
        byte[] v = ctx.encode(o);
        return ctx.call(() -> remote().removeFirst(v));
    }

    @Override
    public int size() {
        return ctx.shared(BatchOp.LIST_SIZE, null, null, 0, 0, 0, o -> (int) o.number(), () -> remote().size());
    }

    @Override
    public boolean isEmpty() {
        return size() == 0;
    }

    @Override
    public void clear() {
        ctx.run(() -> remote().clear());
    }

    @Override
    public boolean addAll(Collection<? extends E> values) {
        extend(values);
        return !values.isEmpty();
    }

    @Override
    public boolean addAll(int index, Collection<? extends E> values) {
        byte[][] v = ctx.manager.encodeAll(values);
        ctx.manager.checkCallBytes(v);
        ctx.run(() -> remote().insertAll(index, v));
        return v.length > 0;
    }

    @Override
    public boolean contains(Object o) {
        return indexOf(o) >= 0;
    }

    @Override
    public int indexOf(Object o) {
        byte[] v = ctx.encode(o);
        return ctx.call(() -> remote().indexOf(v, 0, Integer.MAX_VALUE));
    }

    @Override
    public int lastIndexOf(Object o) {
        byte[] v = ctx.encode(o);
        return ctx.call(() -> remote().lastIndexOf(v));
    }

    @Override
    public boolean removeAll(Collection<?> values) {
        byte[][] v = ctx.manager.encodeAll(Objects.requireNonNull(values));
        ctx.manager.checkCallBytes(v);
        return ctx.call(() -> remote().removeMatching(v, false)) > 0;
    }

    @Override
    public boolean retainAll(Collection<?> values) {
        byte[][] v = ctx.manager.encodeAll(Objects.requireNonNull(values));
        ctx.manager.checkCallBytes(v);
        return ctx.call(() -> remote().removeMatching(v, true)) > 0;
    }

    @Override
    protected void removeRange(int from, int to) {
        ctx.run(() -> remote().setSlice(from, to, new byte[0][]));
    }

    @Override
    public void extend(Collection<? extends E> values) {
        byte[][] v = ctx.manager.encodeAll(values);
        if (v.length > 0) {
            ctx.manager.checkCallBytes(v);
            ctx.run(() -> remote().extend(v));
        }
    }

    @Override
    public E pop() {
        return pop(-1);
    }

    @Override
    public E pop(int index) {
        return ctx.decode(ctx.call(() -> remote().pop(index)));
    }

    @Override
    public List<E> slice(int from, int to) {
        return ctx.decodeAll(ctx.call(() -> remote().slice(from, to)));
    }

    @Override
    public void setSlice(int from, int to, Collection<? extends E> values) {
        byte[][] v = ctx.manager.encodeAll(values);
        ctx.manager.checkCallBytes(v);
        ctx.run(() -> remote().setSlice(from, to, v));
    }

    @Override
    public int index(Object value) {
        int i = indexOf(value);
        if (i < 0) {
            throw new NoSuchElementException(value + " is not in list '" + name() + "'");
        }
        return i;
    }

    @Override
    public int count(Object value) {
        byte[] v = ctx.encode(value);
        return ctx.call(() -> remote().count(v));
    }

    @Override
    public void sort(Comparator<? super E> comparator) {
        if (comparator == null) {
            sort(false);
            return;
        }
        List<E> copy = copy();
        copy.sort(comparator);
        setSlice(0, copy.size(), copy);
    }

    @Override
    public void sort(boolean reverse) {
        ctx.run(() -> remote().sort(reverse));
    }

    @Override
    public List<E> copy() {
        return ctx.decodeAll(ctx.call(() -> remote().snapshot()));
    }

    @Override
    public Object[] toArray() {
        return copy().toArray();
    }

    @Override
    public <T> T[] toArray(T[] a) {
        return copy().toArray(a);
    }

    @Override
    public Iterator<E> iterator() {
        List<E> snapshot = copy();
        return new Iterator<>() {
            private int cursor;
            private int removed;
            private boolean canRemove;

            @Override
            public boolean hasNext() {
                return cursor < snapshot.size();
            }

            @Override
            public E next() {
                if (cursor >= snapshot.size()) {
                    throw new NoSuchElementException();
                }
                canRemove = true;
                return snapshot.get(cursor++);
            }

            @Override
            public void remove() {
                if (!canRemove) {
                    throw new IllegalStateException("next() was not called, or remove() was already called");
                }
                canRemove = false;
                ListProxy.this.remove(cursor - 1 - removed);
                removed++;
            }
        };
    }

    @Override
    public boolean equals(Object o) {
        return o == this || (o instanceof List<?> other && copy().equals(other));
    }

    @Override
    public int hashCode() {
        return copy().hashCode();
    }

    @Override
    public String toString() {
        return ctx.displayAll(ctx.call(() -> remote().snapshot()));
    }

    @Override
    public CompletableFuture<Void> addAsync(E value) {
        return ctx.async(BatchOp.LIST_APPEND, ctx.encode(value), null, 0, 0, 0, o -> null);
    }

    @Override
    public CompletableFuture<E> getAsync(int index) {
        return ctx.async(BatchOp.LIST_GET, null, null, index, 0, 0, ctx.decoded());
    }

    @Override
    public CompletableFuture<Integer> sizeAsync() {
        return ctx.async(BatchOp.LIST_SIZE, null, null, 0, 0, 0, o -> (int) o.number());
    }
}
