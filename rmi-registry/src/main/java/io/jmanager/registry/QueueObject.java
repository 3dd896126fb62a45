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
 *
 * <p>In a registry group ({@link #holdsReplicated()}), whose sessions survive a leader change, record
 * {@code -s} holds what session {@code s} did that a call re-sent to a new leader must find (docs/group.md): the
 * wait ids of its newest {@value #REMEMBERED} offers ({@code int} count, {@code long}s), its newest
 * {@value #REMEMBERED} takes ({@code int} count, then wait id and item number, {@code long}s; a taken item's record
 * is kept while its take is remembered) and its deliveries out ({@code int} count, then delivery id, item number
 * and wait id, {@code long}s). A re-sent offer adds nothing, a re-sent take gets the item it took, a re-sent
 * delivery poll gets its delivery; deliveries stay their session's, their visibility timeout restarting at full
 * length on a new leader.
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
    private record Delivery(long id, Item item, long session, long deadlineNanos, long waitId) {
    }

    /** How many of a session's newest offers and takes a re-sent call is recognised among (group mode). */
    static final int REMEMBERED = 16;

    /** A take remembered for a re-sent call (group mode). */
    private record Taken(long waitId, Item item) {
    }

    /** Group mode: what each session did that a re-sent call must find. */
    private static final class SessionLog {
        final ArrayDeque<Long> offers = new ArrayDeque<>();
        final ArrayDeque<Taken> takes = new ArrayDeque<>();
    }

    private final Map<Long, SessionLog> sessionLogs = new java.util.HashMap<>();

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
        if (holdsReplicated()) {
            expired.stream().map(Delivery::session).distinct().forEach(this::sessionChanged);
        }
    }

    @Override
    public byte[] pollDelivery(long session, long waitId, long waitNanos) {
        if (!spec.atLeastOnce()) {
            throw new IllegalStateException("queue '" + name + "' is not an at-least-once queue: create it with"
                    + " manager.reliableQueue(...) to take deliveries");
        }
        mutex.lock();
        try {
            if (holdsReplicated()) {
                for (Delivery d : deliveries.values()) {
                    if (d.session() == session && d.waitId() == waitId) {
                        checkAlive();
                        limits.sessions().check(session);
                        return encodeDelivery(d); // re-sent after a leader change: the delivery it got
                    }
                }
            }
            return awaitGrant(session, waitId, waitNanos, () -> {
                requeueExpired();
                Item head = removeHead();
                if (head == null) {
                    return null;
                }
                long id = deliveryIds.next(records, DELIVERY_CEILING);
                Delivery d = new Delivery(id, head, session,
                        System.nanoTime() + millisToNanos(spec.visibilityMillis()), waitId);
                deliveries.put(id, d);
                sessionChanged(session);
                return encodeDelivery(d);
            });
        } finally {
            unlock();
        }
    }

    private static byte[] encodeDelivery(Delivery d) {
        return ByteBuffer.allocate(8 + d.item().bytes().length).putLong(d.id()).put(d.item().bytes()).array();
    }

    /** Remembers an offer or take of {@code session} for a re-sent call, in a group. Call with the mutex held. */
    private SessionLog sessionLog(long session) {
        return sessionLogs.computeIfAbsent(session, s -> new SessionLog());
    }

    /** In a registry group, writes record {@code -session}. Call with the mutex held. */
    private void sessionChanged(long session) {
        if (!holdsReplicated()) {
            return;
        }
        SessionLog log = sessionLogs.get(session);
        List<Delivery> out = new ArrayList<>();
        for (Delivery d : deliveries.values()) {
            if (d.session() == session) {
                out.add(d);
            }
        }
        int offers = log == null ? 0 : log.offers.size();
        int takes = log == null ? 0 : log.takes.size();
        if (offers == 0 && takes == 0 && out.isEmpty()) {
            records.remove(-session);
            return;
        }
        ByteBuffer b = ByteBuffer.allocate(12 + 8 * offers + 16 * takes + 24 * out.size());
        b.putInt(offers);
        if (log != null) {
            log.offers.forEach(b::putLong);
        }
        b.putInt(takes);
        if (log != null) {
            log.takes.forEach(t -> b.putLong(t.waitId()).putLong(t.item().number()));
        }
        b.putInt(out.size());
        out.forEach(d -> b.putLong(d.id()).putLong(d.item().number()).putLong(d.waitId()));
        records.put(-session, b.array());
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
            sessionChanged(session);
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
            sessionChanged(session);
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
        SessionLog log = sessionLogs.remove(session);
        if (log != null) {
            for (Taken t : log.takes) {
                records.remove(t.item().number()); // kept for a re-sent take: the session is gone
                release(cost(t.item().bytes()));
            }
        }
        if (log != null || !orphaned.isEmpty()) {
            sessionChanged(session);
        }
    }

    @Override
    public boolean offer(long session, long waitId, byte[] value, long waitNanos) {
        checkSize(value);
        mutex.lock();
        try {
            SessionLog log = holdsReplicated() ? sessionLogs.get(session) : null;
            if (log != null && log.offers.contains(waitId)) {
                checkAlive();
                limits.sessions().check(session);
                return true; // re-sent after a leader change: the item was added then
            }
            return awaitGrant(session, waitId, waitNanos, () -> {
                if (items.size() >= capacity) {
                    return null;
                }
                add(value);
                if (holdsReplicated()) {
                    ArrayDeque<Long> offers = sessionLog(session).offers;
                    offers.addLast(waitId);
                    if (offers.size() > REMEMBERED) {
                        offers.removeFirst();
                    }
                    sessionChanged(session);
                }
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
            SessionLog log = holdsReplicated() ? sessionLogs.get(session) : null;
            if (log != null) {
                for (Taken t : log.takes) {
                    if (t.waitId() == waitId) {
                        checkAlive();
                        limits.sessions().check(session);
                        return t.item().bytes(); // re-sent after a leader change: the item it took
                    }
                }
            }
            return awaitGrant(session, waitId, waitNanos, () -> {
                requeueExpired();
                Item head = removeHead();
                return holdsReplicated() ? takenRemembered(session, waitId, head) : taken(head);
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

    /**
     * A registry group's take: the item's record stays while the take is remembered for a re-sent call; the oldest
     * remembered take's item goes for good. Call with the mutex held.
     */
    private byte[] takenRemembered(long session, long waitId, Item item) {
        if (item == null) {
            return null;
        }
        ArrayDeque<Taken> takes = sessionLog(session).takes;
        takes.addLast(new Taken(waitId, item));
        if (takes.size() > REMEMBERED) {
            Taken old = takes.removeFirst();
            records.remove(old.item().number());
            release(cost(old.item().bytes()));
        }
        sessionChanged(session);
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
        // a group's session records (negative keys) come before the items they name (positive keys)
        Map<Long, long[]> takenBy = new java.util.HashMap<>(); // item number -> {session, wait id}
        Map<Long, long[]> deliveredBy = new java.util.HashMap<>(); // item number -> {session, delivery id, wait id}
        Map<Long, byte[]> itemsByNumber = new java.util.HashMap<>();
        for (Map.Entry<Long, byte[]> r : stored) {
            if (r.getKey() < 0 && r.getKey() != UNFINISHED && r.getKey() != DELIVERY_CEILING) {
                restoreSession(-r.getKey(), r.getValue(), takenBy, deliveredBy);
                continue;
            }
            if (r.getKey() > 0 && (takenBy.containsKey(r.getKey()) || deliveredBy.containsKey(r.getKey()))) {
                charge(cost(r.getValue()));
                itemsByNumber.put(r.getKey(), r.getValue());
                lastItem = Math.max(lastItem, r.getKey());
                continue;
            }
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
        // the remembered takes and deliveries out, in the order they were written
        java.util.TreeMap<Long, long[]> byTake = new java.util.TreeMap<>(takenBy);
        for (Map.Entry<Long, long[]> t : byTake.entrySet()) {
            byte[] bytes = itemsByNumber.get(t.getKey());
            if (bytes == null) {
                throw new IllegalArgumentException("queue '" + name + "': session " + t.getValue()[0]
                        + " took item " + t.getKey() + ", which has no record");
            }
            sessionLog(t.getValue()[0]).takes.addLast(new Taken(t.getValue()[1], new Item(t.getKey(), bytes)));
        }
        long now = System.nanoTime();
        java.util.TreeMap<Long, long[]> byDelivery = new java.util.TreeMap<>();
        deliveredBy.forEach((item, d) -> byDelivery.put(d[1], new long[] {item, d[0], d[2]}));
        for (long[] d : byDelivery.values()) {
            byte[] bytes = itemsByNumber.get(d[0]);
            if (bytes == null) {
                throw new IllegalArgumentException("queue '" + name + "': delivery of item " + d[0]
                        + ", which has no record");
            }
        }
        // the visibility timeout restarts at full length on a new leader, like the session's lease
        for (Map.Entry<Long, long[]> e : byDelivery.entrySet()) {
            long[] d = e.getValue();
            deliveries.put(e.getKey(), new Delivery(e.getKey(), new Item(d[0], itemsByNumber.get(d[0])), d[1],
                    now + millisToNanos(spec.visibilityMillis()), d[2]));
        }
    }

    /** Reads a group's record of what session {@code session} did (see the class comment). */
    private void restoreSession(long session, byte[] record, Map<Long, long[]> takenBy,
                                Map<Long, long[]> deliveredBy) {
        try {
            ByteBuffer in = ByteBuffer.wrap(record);
            int offers = in.getInt();
            checkCount(offers, REMEMBERED, session);
            SessionLog log = sessionLog(session);
            for (int i = 0; i < offers; i++) {
                log.offers.addLast(in.getLong());
            }
            int takes = in.getInt();
            checkCount(takes, REMEMBERED, session);
            for (int i = 0; i < takes; i++) {
                long waitId = in.getLong();
                takenBy.put(in.getLong(), new long[] {session, waitId});
            }
            int out = in.getInt();
            checkCount(out, Integer.MAX_VALUE, session);
            for (int i = 0; i < out; i++) {
                long id = in.getLong();
                long item = in.getLong();
                deliveredBy.put(item, new long[] {session, id, in.getLong()});
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException("queue '" + name + "': malformed record " + -session);
            }
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("queue '" + name + "': malformed record " + -session);
        }
    }

    private void checkCount(int count, int max, long session) {
        if (count < 0 || count > max) {
            throw new IllegalArgumentException("queue '" + name + "': malformed record " + -session);
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
