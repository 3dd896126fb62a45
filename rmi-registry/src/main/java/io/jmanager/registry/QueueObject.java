package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteQueue;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;

/**
 * A FIFO queue, bounded when {@code spec.size() > 0}, with JoinableQueue task accounting: every item put counts as
 * an unfinished task until {@link #taskDone} is called for it.
 */
final class QueueObject extends GuardedObject implements RemoteQueue {
    private final ArrayDeque<byte[]> items = new ArrayDeque<>();
    private final int capacity;
    private long unfinished;

    QueueObject(String name, ObjectSpec spec, RegistryContext limits) {
        super(name, spec, limits);
        this.capacity = spec.size() == 0 ? Integer.MAX_VALUE : (int) spec.size();
    }

    @Override
    String summary() {
        return items.size() + (capacity == Integer.MAX_VALUE ? "" : "/" + capacity) + " items, " + unfinished
                + " unfinished tasks";
    }

    @Override
    public boolean offer(long session, long waitId, byte[] value, long waitNanos) {
        checkSize(value);
        mutex.lock();
        try {
            return awaitGrant(session, waitId, waitNanos, () -> {
                if (items.size() >= capacity) {
                    return null;
                }
                add(value);
                return Boolean.TRUE;
            }) != null;
        } finally {
            mutex.unlock();
        }
    }

    private void add(byte[] value) {
        items.addLast(value);
        unfinished++;
        signalChange();
    }

    @Override
    public int offerAll(byte[][] values) {
        checkSizes(values);
        return locked(() -> {
            int n = 0;
            while (n < values.length && items.size() < capacity) {
                add(values[n++]);
            }
            return n;
        });
    }

    @Override
    public byte[] poll(long session, long waitId, long waitNanos) {
        mutex.lock();
        try {
            return awaitGrant(session, waitId, waitNanos, this::removeHead);
        } finally {
            mutex.unlock();
        }
    }

    private byte[] removeHead() {
        byte[] head = items.pollFirst();
        if (head != null) {
            signalChange();
        }
        return head;
    }

    @Override
    public byte[] peek() {
        return locked(items::peekFirst);
    }

    @Override
    public byte[][] drain(int max) {
        return locked(() -> {
            int n = Math.min(Math.max(max, 0), items.size());
            byte[][] out = new byte[n][];
            for (int i = 0; i < n; i++) {
                out[i] = items.pollFirst();
            }
            if (n > 0) {
                signalChange();
            }
            return out;
        });
    }

    @Override
    public int size() {
        return locked(items::size);
    }

    @Override
    public int remainingCapacity() {
        return locked(() -> capacity == Integer.MAX_VALUE ? Integer.MAX_VALUE : capacity - items.size());
    }

    @Override
    public byte[][] snapshot() {
        return locked(() -> items.toArray(new byte[0][]));
    }

    @Override
    public boolean removeFirst(byte[] value) {
        return locked(() -> {
            boolean removed = false;
            for (Iterator<byte[]> it = items.iterator(); it.hasNext() && !removed; ) {
                if (Arrays.equals(it.next(), value)) {
                    it.remove();
                    removed = true;
                }
            }
            if (removed) {
                signalChange();
            }
            return removed;
        });
    }

    @Override
    public int removeMatching(byte[][] values, boolean retain) {
        Set<Bytes> set = new HashSet<>();
        for (byte[] v : values) {
            set.add(new Bytes(v));
        }
        return locked(() -> {
            int before = items.size();
            items.removeIf(item -> set.contains(new Bytes(item)) != retain);
            int removed = before - items.size();
            if (removed > 0) {
                signalChange();
            }
            return removed;
        });
    }

    @Override
    public void clear() {
        lockedRun(() -> {
            items.clear();
            signalChange();
        });
    }

    @Override
    public void taskDone(int count) {
        if (count <= 0) {
            throw new IllegalArgumentException("taskDone count must be positive, got " + count);
        }
        lockedRun(() -> {
            if (count > unfinished) {
                throw new IllegalStateException("taskDone() called too many times on queue '" + name + "': "
                        + unfinished + " unfinished tasks, " + count + " marked done");
            }
            unfinished -= count;
            if (unfinished == 0) {
                signalChange();
            }
        });
    }

    @Override
    public boolean join(long session, long waitId, long waitNanos) {
        mutex.lock();
        try {
            return awaitGrant(session, waitId, waitNanos, () -> unfinished == 0 ? Boolean.TRUE : null) != null;
        } finally {
            mutex.unlock();
        }
    }

    @Override
    public int unfinishedTasks() {
        return locked(() -> (int) Math.min(unfinished, Integer.MAX_VALUE));
    }
}
