package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteList;
import io.jmanager.wire.ValueCodec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * A list of encoded values. Every method is atomic; indexes are checked here.
 *
 * <p>Records: one per item, under its index. A change rewrites the records from the first index it touched (an
 * append writes one record, an insert at the front rewrites them all, like the copy it costs in memory).
 */
final class ListObject extends GuardedObject implements RemoteList {
    private final ArrayList<byte[]> items = new ArrayList<>();
    /** What one item costs in memory besides its bytes (its slot, its array's header). */
    static final long ITEM_BYTES = 32;
    /** The memory charged for the items. Guarded by the mutex. */
    private long itemBytes;

    ListObject(String name, ObjectSpec spec, RegistryContext limits) {
        super(name, spec, limits);
    }

    @Override
    String summary() {
        return items.size() == 1 ? "1 item" : items.size() + " items";
    }

    @Override
    public byte[] get(int index) {
        return locked(() -> items.get(checkIndex(index)));
    }

    @Override
    public byte[] set(int index, byte[] value) {
        checkSize(value);
        return locked(() -> {
            grow(value.length - (long) items.get(checkIndex(index)).length);
            byte[] old = items.set(index, value);
            records.put(index, value);
            return old;
        });
    }

    @Override
    public void append(byte[] value) {
        checkSize(value);
        lockedRun(() -> {
            grow(cost(value));
            items.add(value);
            records.put(items.size() - 1, value);
        });
    }

    @Override
    public void insert(int index, byte[] value) {
        checkSize(value);
        lockedRun(() -> {
            checkPosition(index);
            grow(cost(value));
            items.add(index, value);
            changed(index, items.size() - 1);
        });
    }

    @Override
    public void extend(byte[][] values) {
        checkSizes(values);
        lockedRun(() -> {
            int old = items.size();
            grow(cost(values));
            items.addAll(Arrays.asList(values));
            changed(old, old);
        });
    }

    @Override
    public void insertAll(int index, byte[][] values) {
        checkSizes(values);
        lockedRun(() -> {
            int old = items.size();
            checkPosition(index);
            grow(cost(values));
            items.addAll(index, Arrays.asList(values));
            changed(index, old);
        });
    }

    @Override
    public byte[] pop(int index) {
        return locked(() -> {
            if (items.isEmpty()) {
                throw new IndexOutOfBoundsException("pop from empty list '" + name + "'");
            }
            int i = index < 0 ? items.size() + index : index;
            byte[] removed = items.remove(checkIndex(i, index));
            grow(-cost(removed));
            changed(i, items.size() + 1);
            return removed;
        });
    }

    @Override
    public boolean removeFirst(byte[] value) {
        return locked(() -> {
            int i = find(value, 0, items.size());
            if (i >= 0) {
                grow(-cost(items.remove(i)));
                changed(i, items.size() + 1);
            }
            return i >= 0;
        });
    }

    @Override
    public int removeMatching(byte[][] values, boolean retain) {
        checkBatchItems(values.length);
        return locked(() -> {
            int old = items.size();
            int removed = Bytes.removeMatching(items, values, retain);
            if (removed > 0) {
                grow(cost(items.toArray(new byte[0][])) - itemBytes);
                changed(0, old);
            }
            return removed;
        });
    }

    @Override
    public int size() {
        return locked(items::size);
    }

    @Override
    public void clear() {
        lockedRun(() -> {
            items.clear();
            records.clear();
            grow(-itemBytes);
        });
    }

    @Override
    public byte[][] snapshot() {
        return locked(() -> items.toArray(new byte[0][]));
    }

    @Override
    public byte[][] slice(int from, int to) {
        return locked(() -> {
            checkRange(from, to);
            return items.subList(from, to).toArray(new byte[0][]);
        });
    }

    @Override
    public void setSlice(int from, int to, byte[][] values) {
        checkSizes(values);
        lockedRun(() -> {
            checkRange(from, to);
            int old = items.size();
            List<byte[]> range = items.subList(from, to);
            grow(cost(values) - cost(range.toArray(new byte[0][])));
            range.clear();
            range.addAll(Arrays.asList(values));
            changed(from, old);
        });
    }

    @Override
    public int indexOf(byte[] value, int from, int to) {
        return locked(() -> find(value, Math.max(0, from), Math.min(to, items.size())));
    }

    @Override
    public int lastIndexOf(byte[] value) {
        return locked(() -> {
            for (int i = items.size() - 1; i >= 0; i--) {
                if (Arrays.equals(items.get(i), value)) {
                    return i;
                }
            }
            return -1;
        });
    }

    @Override
    public int count(byte[] value) {
        return locked(() -> (int) items.stream().filter(v -> Arrays.equals(v, value)).count());
    }

    @Override
    public void sort(boolean reverse) {
        Comparator<byte[]> order = ValueCodec::compare;
        lockedRun(() -> {
            // sort a copy: a comparison that fails (mixed types) must leave the list as it was
            List<byte[]> sorted = new ArrayList<>(items);
            sorted.sort(reverse ? order.reversed() : order);
            items.clear();
            items.addAll(sorted);
            changed(0, items.size());
        });
    }

    private static long cost(byte[] value) {
        return value.length + ITEM_BYTES;
    }

    private static long cost(byte[][] values) {
        long total = 0;
        for (byte[] v : values) {
            total += cost(v);
        }
        return total;
    }

    /**
     * Charges the memory budget for a growth before the change (refused over it, nothing changed), or gives
     * back a shrink. Call with the mutex held.
     */
    private void grow(long delta) {
        recharge(delta);
        itemBytes += delta;
    }

    private int find(byte[] value, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Arrays.equals(items.get(i), value)) {
                return i;
            }
        }
        return -1;
    }

    private int checkIndex(int index) {
        return checkIndex(index, index);
    }

    private int checkIndex(int index, int asGiven) {
        if (index < 0 || index >= items.size()) {
            throw new IndexOutOfBoundsException("index " + asGiven + " out of range for list '" + name + "' of size "
                    + items.size());
        }
        return index;
    }

    private int checkPosition(int index) {
        if (index < 0 || index > items.size()) {
            throw new IndexOutOfBoundsException("position " + index + " out of range for list '" + name
                    + "' of size " + items.size());
        }
        return index;
    }

    private void checkRange(int from, int to) {
        if (from < 0 || to > items.size() || from > to) {
            throw new IndexOutOfBoundsException("slice [" + from + ", " + to + ") out of range for list '" + name
                    + "' of size " + items.size());
        }
    }

    /**
     * Rewrites the records from index {@code from} on, after a change that left them stale from there and that
     * found {@code oldSize} items. Call with the mutex held.
     */
    private void changed(int from, int oldSize) {
        if (!records.durable()) {
            return;
        }
        for (int i = from; i < items.size(); i++) {
            records.put(i, items.get(i));
        }
        for (int i = items.size(); i < oldSize; i++) {
            records.remove(i);
        }
    }

    @Override
    void restore(Iterable<java.util.Map.Entry<Long, byte[]>> stored) {
        for (java.util.Map.Entry<Long, byte[]> r : stored) {
            if (r.getKey() != items.size()) {
                throw new IllegalArgumentException("list '" + name + "': record " + r.getKey() + " where "
                        + items.size() + " was expected");
            }
            grow(cost(r.getValue()));
            items.add(r.getValue());
        }
    }

    @Override
    void writeState(RecordSink sink) {
        for (int i = 0; i < items.size(); i++) {
            sink.put(i, items.get(i));
        }
    }
}
