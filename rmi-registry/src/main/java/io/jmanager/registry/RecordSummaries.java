package io.jmanager.registry;

import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.h2.mvstore.MVMap;

/**
 * Per object, how many records it has and the sum of their checksums, kept in the store beside the records and
 * changed in the same commits. Each record's own checksum catches a record that is damaged; the summary catches
 * records that are <em>missing</em> or <em>stale</em> without being damaged: a map page the storage engine reads as
 * empty or as an older version (one zeroed byte of a page was seen to do that), so that an object would come back
 * with fewer or older records and no checksum failing. At start-up the records read are counted and summed, and a
 * difference refuses the start naming the object.
 *
 * <p>Encoding: 16 bytes, the count then the sum ({@code long}s, big-endian), sealed with {@link Checksums} (kind
 * {@code S}, the object id). An object with no summary has no records. The sum is of the unsigned 32-bit checksums
 * of the sealed records, modulo 2^64: a stale record (another value under the same key) changes it, and unlike a
 * XOR two equal checksums do not cancel out.
 *
 * <p>The summaries are themselves summed up ({@link #totals()}: every object's count and sum added), and the data
 * directory keeps those totals in its meta map, so that a summary lost with its object's records (both pages read
 * back empty) is noticed too.
 */
final class RecordSummaries {
    /** A count of records and the sum of their checksums. */
    record Summary(long count, long sum) {
        static final Summary EMPTY = new Summary(0, 0);

        byte[] toBytes() {
            return ByteBuffer.allocate(16).putLong(count).putLong(sum).array();
        }

        static Summary fromBytes(byte[] b) {
            ByteBuffer in = ByteBuffer.wrap(b);
            return new Summary(in.getLong(), in.getLong());
        }

        /** The summary of {@code sealedRecords}, as stored. */
        static Summary of(Iterable<byte[]> sealedRecords) {
            long count = 0;
            long sum = 0;
            for (byte[] sealed : sealedRecords) {
                count++;
                sum += Checksums.trailerOf(sealed);
            }
            return new Summary(count, sum);
        }
    }

    private final MVMap<Long, byte[]> map;
    /** Every stored summary added up, kept as they change; {count, sum}. Guarded by this. */
    private long totalCount;
    private long totalSum;
    /** Objects whose stored summary failed its checksum when read: never written over, so the check sees it. */
    private final Set<Long> damaged = ConcurrentHashMap.newKeySet();

    RecordSummaries(MVMap<Long, byte[]> map) {
        this.map = map;
    }

    /**
     * Adds up the stored summaries as they are now (damaged ones left out and remembered as damaged) and keeps the
     * result as the totals from now on.
     */
    synchronized Summary recount() {
        long count = 0;
        long sum = 0;
        for (long id : map.keySet()) {
            Summary s = get(id);
            if (s != null) {
                count += s.count();
                sum += s.sum();
            }
        }
        totalCount = count;
        totalSum = sum;
        return new Summary(count, sum);
    }

    /** Every object's count and sum added up, as kept since {@link #recount()}. */
    synchronized Summary totals() {
        return new Summary(totalCount, totalSum);
    }

    private synchronized void adjustTotals(Summary old, Summary now) {
        totalCount += now.count() - (old == null ? 0 : old.count());
        totalSum += now.sum() - (old == null ? 0 : old.sum());
    }

    /** The stored summary of {@code objectId} ({@link Summary#EMPTY} if none), or null if it is damaged. */
    Summary get(long objectId) {
        if (damaged.contains(objectId)) {
            return null;
        }
        byte[] sealed = map.get(objectId);
        if (sealed == null) {
            return Summary.EMPTY;
        }
        byte[] bytes = Checksums.openSummary(objectId, sealed);
        if (bytes == null || bytes.length != 16) {
            damaged.add(objectId);
            return null;
        }
        return Summary.fromBytes(bytes);
    }

    /** Stores {@code summary} for {@code objectId} (none for an empty object), unless its stored one is damaged. */
    void put(long objectId, Summary summary) {
        replace(objectId, get(objectId), summary);
    }

    /** Like {@link #put}, for a caller that has just read the stored summary {@code old} (null if damaged). */
    private void replace(long objectId, Summary old, Summary summary) {
        if (damaged.contains(objectId)) {
            return;
        }
        adjustTotals(old, summary);
        if (summary.count() == 0 && summary.sum() == 0) {
            map.remove(objectId);
        } else {
            map.put(objectId, Checksums.sealSummary(objectId, summary.toBytes()));
        }
    }

    /** Forgets {@code objectId}'s summary (the object is destroyed, or rewritten whole by a repair). */
    void remove(long objectId) {
        Summary old = get(objectId);
        damaged.remove(objectId);
        map.remove(objectId);
        adjustTotals(old, Summary.EMPTY);
    }

    /** Whether any summary read so far failed its checksum. */
    boolean anyDamaged() {
        return !damaged.isEmpty();
    }

    /** The ids with a stored summary. */
    Iterable<Long> ids() {
        return map.keySet();
    }

    /**
     * The summary changes of one slice of the log being applied: each record change adjusts its object's count
     * and sum, and {@link #write()} stores the touched objects' summaries, in the same step for commits as the
     * records themselves.
     */
    final class Slice {
        /** Per touched object: the summary as stored before this slice (null if damaged), and {count, sum} now. */
        private final Map<Long, Summary> before = new HashMap<>();
        private final Map<Long, long[]> touched = new HashMap<>();

        private long[] of(long objectId) {
            return touched.computeIfAbsent(objectId, id -> {
                Summary s = get(id);
                before.put(id, s);
                return s == null ? new long[2] : new long[] {s.count(), s.sum()};
            });
        }

        /** Record written: {@code old} is what it replaced (null if new). */
        void put(long objectId, byte[] old, byte[] now) {
            long[] s = of(objectId);
            if (old == null) {
                s[0]++;
            } else {
                s[1] -= Checksums.trailerOf(old);
            }
            s[1] += Checksums.trailerOf(now);
        }

        /** Record removed: {@code old} is what it held (null if there was none). */
        void remove(long objectId, byte[] old) {
            if (old != null) {
                long[] s = of(objectId);
                s[0]--;
                s[1] -= Checksums.trailerOf(old);
            }
        }

        void clear(long objectId) {
            long[] s = of(objectId);
            s[0] = 0;
            s[1] = 0;
        }

        void write() {
            for (Map.Entry<Long, long[]> e : touched.entrySet()) {
                replace(e.getKey(), before.get(e.getKey()), new Summary(e.getValue()[0], e.getValue()[1]));
            }
            touched.clear();
            before.clear();
        }
    }
}
