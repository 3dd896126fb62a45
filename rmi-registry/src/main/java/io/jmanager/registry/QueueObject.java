package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteQueue;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Arrays;
import java.util.Iterator;

/**
 * A FIFO queue, bounded when {@code spec.size() > 0}, with JoinableQueue task accounting: every item put counts as
 * an unfinished task until {@link #taskDone} is called for it, or until it is discarded ({@code clear},
 * {@code remove}); items handed out ({@code poll}, {@code drain}, deliveries) stay unfinished until marked done.
 *
 * <p>An at-least-once queue ({@code spec.atLeastOnce()}) also hands out <em>deliveries</em>: the item leaves the
 * queue but stays owned by the taker's session until acknowledged. A delivery not acknowledged within the
 * visibility timeout, or whose session ends, goes back to the head of the queue (possibly beyond its capacity:
 * an item is never dropped), to be delivered again. An acknowledged delivery is never delivered again.
 *
 * <p>Records: one per item under its record number (growing with each put, so ascending keys give the order of
 * arrival), kept until the item is taken or, for a delivery, acknowledged: a restart puts unacknowledged
 * deliveries back in the queue, in the order the items arrived. The unfinished task count is the record
 * {@link #UNFINISHED}; delivery ids continue above the record {@link #DELIVERY_CEILING}, so that the ack of a
 * delivery from before a restart never acknowledges another.
 */
final class QueueObject extends GuardedObject implements RemoteQueue {
    /** The record that holds the unfinished task count. */
    static final long UNFINISHED = Long.MIN_VALUE;
    /** The record that holds the delivery id ceiling: ids stay unique across restarts, like lock tokens. */
    static final long DELIVERY_CEILING = Long.MIN_VALUE + 1;
    private final CeilingCounter deliveryIds = new CeilingCounter();
    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private long lastItem;
    private final int capacity;
    private long unfinished;
    private final Map<Long, Delivery> deliveries = new LinkedHashMap<>();
    /** What one item costs in memory besides its bytes (its record, its slot, its array's header). */
    static final long ITEM_BYTES = 48;

    /** An item handed out and not yet acknowledged. */
    private record Delivery(long id, Item item, long session, long deadlineNanos) {
    }

    @Override
    Map<Long, String> holdings() {
        Map<Long, Integer> counts = new java.util.HashMap<>();
        for (Delivery d : deliveries.values()) {
            counts.merge(d.session(), 1, Integer::sum);
        }
        Map<Long, String> out = new java.util.HashMap<>();
        counts.forEach((session, n) -> out.put(session, n + (n == 1 ? " unacknowledged delivery" : " unacknowledged"
                + " deliveries") + " of queue '" + name + "'"));
        return out;
    }

    /** An item and its record number. */
    private record Item(long number, byte[] bytes) {
    }

    QueueObject(String name, ObjectSpec spec, RegistryContext limits) {
        super(name, spec, limits);
        this.capacity = spec.size() == 0 ? Integer.MAX_VALUE : (int) spec.size();
    }

    @Override
    String summary() {
        return items.size() + (capacity == Integer.MAX_VALUE ? "" : "/" + capacity) + " items, " + unfinished
                + " unfinished tasks" + (spec.atLeastOnce() ? ", " + deliveries.size() + " deliveries out" : "");
    }

    /** Puts deliveries back at the head, in their original order. Call with the mutex held. */
    private void requeue(List<Delivery> back) {
        for (int i = back.size() - 1; i >= 0; i--) {
            items.addFirst(back.get(i).item());
            deliveries.remove(back.get(i).id());
        }
        if (!back.isEmpty()) {
            signalChange();
        }
    }

    /** Returns the deliveries whose visibility timeout passed. Call with the mutex held. */
    private void requeueExpired() {
        if (deliveries.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        List<Delivery> expired = new ArrayList<>();
        for (Delivery d : deliveries.values()) {
            if (now - d.deadlineNanos() >= 0) {
                expired.add(d);
            }
        }
        requeue(expired);
    }

    @Override
    public byte[] pollDelivery(long session, long waitId, long waitNanos) {
        if (!spec.atLeastOnce()) {
            throw new IllegalStateException("queue '" + name + "' is not an at-least-once queue: create it with"
                    + " manager.reliableQueue(...) to take deliveries");
        }
        mutex.lock();
        try {
            return awaitGrant(session, waitId, waitNanos, () -> {
                requeueExpired();
                Item head = removeHead();
                if (head == null) {
                    return null;
                }
                long id = deliveryIds.next(records, DELIVERY_CEILING);
                deliveries.put(id, new Delivery(id, head, session,
                        System.nanoTime() + millisToNanos(spec.visibilityMillis())));
                return ByteBuffer.allocate(8 + head.bytes().length).putLong(id).put(head.bytes()).array();
            });
        } finally {
            unlock();
        }
    }

    @Override
    public boolean ack(long session, long deliveryId) {
        return locked(() -> {
            requeueExpired();
            Delivery acked = deliveries.get(deliveryId);
            if (acked == null || acked.session() != session) {
                return false; // not out (any more), or another session's: its taker acknowledges it
            }
            deliveries.remove(deliveryId);
            records.remove(acked.item().number());
            release(cost(acked.item().bytes()));
            return true;
        });
    }

    @Override
    public boolean nack(long session, long deliveryId) {
        return locked(() -> {
            requeueExpired();
            Delivery d = deliveries.get(deliveryId);
            if (d == null || d.session() != session) {
                return false;
            }
            requeue(List.of(d));
            return true;
        });
    }

    @Override
    public int inFlight() {
        return locked(() -> {
            requeueExpired();
            return deliveries.size();
        });
    }

    @Override
    void sessionEnded(long session, SessionEnd how) {
        super.sessionEnded(session, how);
        List<Delivery> orphaned = new ArrayList<>();
        for (Delivery d : deliveries.values()) {
            if (d.session() == session) {
                orphaned.add(d);
            }
        }
        requeue(orphaned);
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
            unlock();
        }
    }

    private static long cost(byte[] value) {
        return value.length + ITEM_BYTES;
    }

    /** Adds an item, charged to the memory budget first (refused over it). Call with the mutex held. */
    private void add(byte[] value) {
        charge(cost(value));
        addCharged(value);
    }

    /** Adds an item whose memory is charged already. Call with the mutex held. */
    private void addCharged(byte[] value) {
        Item item = new Item(++lastItem, value);
        items.addLast(item);
        records.put(item.number(), value);
        unfinished++;
        unfinishedChanged();
        signalChange();
    }

    /** Writes the unfinished task count. Call with the mutex held. */
    private void unfinishedChanged() {
        if (records.durable()) {
            records.put(UNFINISHED, ByteBuffer.allocate(8).putLong(unfinished).array());
        }
    }

    @Override
    public int offerAll(byte[][] values) {
        checkSizes(values);
        return locked(() -> {
            // the items that fit are charged together first: refused whole over the memory budget
            int fit = (int) Math.min(values.length, (long) capacity - items.size());
            long total = 0;
            for (int i = 0; i < fit; i++) {
                total += cost(values[i]);
            }
            charge(total);
            for (int i = 0; i < fit; i++) {
                addCharged(values[i]);
            }
            return fit;
        });
    }

    @Override
    public byte[] poll(long session, long waitId, long waitNanos) {
        mutex.lock();
        try {
            return awaitGrant(session, waitId, waitNanos, () -> {
                requeueExpired();
                return taken(removeHead());
            });
        } finally {
            unlock();
        }
    }

    private Item removeHead() {
        Item head = items.pollFirst();
        if (head != null) {
            signalChange();
        }
        return head;
    }

    /** Drops the record of an item taken for good (not as a delivery); returns its bytes. */
    private byte[] taken(Item item) {
        if (item == null) {
            return null;
        }
        records.remove(item.number());
        release(cost(item.bytes()));
        return item.bytes();
    }

    @Override
    public byte[] peek() {
        return locked(() -> items.isEmpty() ? null : items.peekFirst().bytes());
    }

    @Override
    public byte[][] drain(int max) {
        return locked(() -> {
            int n = Math.min(Math.max(max, 0), items.size());
            byte[][] out = new byte[n][];
            for (int i = 0; i < n; i++) {
                out[i] = taken(items.pollFirst());
            }
            if (n > 0) {
                signalChange();
            }
            return out;
        });
    }

    @Override
    public int size() {
        return locked(() -> {
            requeueExpired();
            return items.size();
        });
    }

    @Override
    public int remainingCapacity() {
        return locked(() -> capacity == Integer.MAX_VALUE ? Integer.MAX_VALUE : capacity - items.size());
    }

    @Override
    public byte[][] snapshot() {
        return locked(() -> items.stream().map(Item::bytes).toArray(byte[][]::new));
    }

    @Override
    public boolean removeFirst(byte[] value) {
        return locked(() -> {
            boolean removed = false;
            for (Iterator<Item> it = items.iterator(); it.hasNext() && !removed; ) {
                Item item = it.next();
                if (Arrays.equals(item.bytes(), value)) {
                    it.remove();
                    records.remove(item.number());
                    release(cost(item.bytes()));
                    removed = true;
                }
            }
            if (removed) {
                discarded(1);
            }
            return removed;
        });
    }

    @Override
    public int removeMatching(byte[][] values, boolean retain) {
        checkBatchItems(values.length);
        return locked(() -> {
            java.util.Set<Bytes> set = new java.util.HashSet<>();
            for (byte[] v : values) {
                set.add(new Bytes(v));
            }
            int before = items.size();
            items.removeIf(item -> {
                boolean remove = set.contains(new Bytes(item.bytes())) != retain;
                if (remove) {
                    records.remove(item.number());
                    release(cost(item.bytes()));
                }
                return remove;
            });
            int removed = before - items.size();
            if (removed > 0) {
                discarded(removed);
            }
            return removed;
        });
    }

    @Override
    public void clear() {
        lockedRun(() -> {
            int removed = items.size();
            for (Item item : items) {
                records.remove(item.number());
                release(cost(item.bytes()));
            }
            items.clear();
            discarded(removed);
        });
    }

    /** Items removed without being handed out count as done: nobody will process them. */
    private void discarded(int count) {
        unfinished = Math.max(0, unfinished - count);
        unfinishedChanged();
        signalChange();
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
            unfinishedChanged();
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
            unlock();
        }
    }

    @Override
    public int unfinishedTasks() {
        return locked(() -> (int) Math.min(unfinished, Integer.MAX_VALUE));
    }

    @Override
    void restore(Iterable<Map.Entry<Long, byte[]>> stored) {
        for (Map.Entry<Long, byte[]> r : stored) {
            if (r.getKey() == UNFINISHED) {
                if (r.getValue().length != 8) {
                    throw new IllegalArgumentException("queue '" + name + "': malformed counter record");
                }
                unfinished = ByteBuffer.wrap(r.getValue()).getLong();
            } else if (r.getKey() == DELIVERY_CEILING) {
                deliveryIds.restore(r.getValue());
            } else {
                charge(cost(r.getValue()));
                items.addLast(new Item(r.getKey(), r.getValue()));
                lastItem = Math.max(lastItem, r.getKey());
            }
        }
    }

    @Override
    void writeState(RecordSink sink) {
        sink.put(UNFINISHED, ByteBuffer.allocate(8).putLong(unfinished).array());
        sink.put(DELIVERY_CEILING, deliveryIds.record());
        java.util.TreeMap<Long, byte[]> all = new java.util.TreeMap<>();
        for (Item item : items) {
            all.put(item.number(), item.bytes());
        }
        for (Delivery d : deliveries.values()) {
            all.put(d.item().number(), d.item().bytes());
        }
        all.forEach(sink::put);
    }
}
