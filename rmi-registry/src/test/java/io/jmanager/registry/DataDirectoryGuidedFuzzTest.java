package io.jmanager.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.nio.ByteBuffer;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the data directory's record decoding (Jazzer; SECURITY.md, "Fuzzing"), below MVStore:
 * the log entries every commit writes ({@link RecordLog}) and each object type's own records ({@code restore}, which
 * the registry runs at start-up on what the store holds and on every import). A corrupted record must be refused
 * with {@link IllegalArgumentException} (which start-up turns into {@link DataDirectoryException}), or read as a
 * state that writes back the very records it was read from: never a crash, never a state other than the one written.
 */
class DataDirectoryGuidedFuzzTest {
    private static final SessionTable SESSIONS = new SessionTable((id, how) -> { });
    private static final RegistryContext CONTEXT = new RegistryContext(1 << 16, 1 << 22,
            TimeUnit.SECONDS.toNanos(60), SESSIONS, name -> {
                throw new io.jmanager.NoSuchSharedObjectException(name);
            });

    /** The object types with durable state, as the first input byte picks them (the second sizes arrays). */
    private static ObjectSpec spec(int selector, int length) {
        return switch (selector % 13) {
            case 0 -> ObjectSpec.of(ObjectType.DICT);
            case 1 -> ObjectSpec.of(ObjectType.LIST);
            case 2 -> ObjectSpec.sized(ObjectType.QUEUE, 0);
            case 3 -> ObjectSpec.atLeastOnceQueue(4, 30_000);
            case 4 -> ObjectSpec.of(ObjectType.LOCK);
            case 5 -> ObjectSpec.of(ObjectType.RLOCK);
            case 6 -> ObjectSpec.sized(ObjectType.SEMAPHORE, 3);
            case 7 -> ObjectSpec.sized(ObjectType.BOUNDED_SEMAPHORE, 3);
            case 8 -> ObjectSpec.of(ObjectType.EVENT);
            case 9 -> ObjectSpec.typed(ObjectType.VALUE, "i", 1, null);
            case 10 -> ObjectSpec.typed(ObjectType.ARRAY, "d", length, null);
            case 11 -> ObjectSpec.typed(ObjectType.ARRAY, "x:f,y:b", length, null);
            default -> ObjectSpec.typed(ObjectType.ARRAY, "u", length + ArrayObject.CHUNK, null);
        };
    }

    /**
     * Records as a store holds them (ascending keys, one value per key) from the input after its first two bytes:
     * per record a key selector (below 240 the key itself; 240..254 the keys from {@code Long.MIN_VALUE} up, where
     * queues keep their counters; 255: the next 8 bytes), a 2-byte length and the bytes.
     */
    private static TreeMap<Long, byte[]> records(ByteBuffer in) {
        TreeMap<Long, byte[]> records = new TreeMap<>();
        while (in.remaining() >= 3) {
            int selector = in.get() & 0xff;
            long key = selector < 240 ? selector : selector < 255 ? Long.MIN_VALUE + selector - 240
                    : in.remaining() >= 8 ? in.getLong() : 0;
            if (in.remaining() < 2) {
                break;
            }
            byte[] value = new byte[Math.min(in.getShort() & 0xffff, in.remaining())];
            in.get(value);
            records.put(key, value);
        }
        return records;
    }

    /** Restores one object from fuzzed records and checks that it writes back what it read. */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void objectRecords(byte[] input) throws Exception {
        FuzzLimits.bounded(input.length, 64, "restore", () -> checkObjectRecords(input));
    }

    private static void checkObjectRecords(byte[] input) {
        if (input.length < 2) {
            return;
        }
        ObjectSpec spec = spec(input[0] & 0xff, input[1] & 0xff);
        TreeMap<Long, byte[]> stored = records(ByteBuffer.wrap(input, 2, input.length - 2));
        GuardedObject object = ObjectFactory.create("fuzzed", spec, CONTEXT, null);
        try {
            object.restore(entries(stored));
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        assertNotNull(object.summaryLocked());
        TreeMap<Long, byte[]> written = writeState(object);
        if (spec.type() == ObjectType.DICT) {
            // a dict numbers its records afresh when it writes them all: the same records, renumbered
            assertEquals(sortedHex(stored.values()), sortedHex(written.values()),
                    "the dict's records come back, each once");
        } else {
            for (Map.Entry<Long, byte[]> r : stored.entrySet()) {
                byte[] again = written.get(r.getKey());
                assertNotNull(again, () -> spec + ": record " + r.getKey() + " was read, and is not written back");
                assertArrayEquals(r.getValue(), again, () -> spec + ": record " + r.getKey() + " was read as "
                        + HexFormat.of().formatHex(r.getValue()) + " and is written back as "
                        + HexFormat.of().formatHex(again));
            }
        }
        GuardedObject copy = ObjectFactory.create("fuzzed", spec, CONTEXT, null);
        copy.restore(entries(written));
        TreeMap<Long, byte[]> rewritten = writeState(copy);
        assertEquals(hex(written), hex(rewritten), "what an object writes, it reads back as the same state");
    }

    /**
     * Reads a fuzzed log entry (what a commit stores for one mutation): it is refused with
     * {@link IllegalArgumentException}, or its changes, written again as an entry, read back as the same changes.
     */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void logEntry(byte[] input) throws Exception {
        FuzzLimits.bounded(input.length, 64, "a log entry", () -> checkLogEntry(input));
    }

    private static void checkLogEntry(byte[] input) {
        RecordLog.Batch batch = new RecordLog.Batch();
        List<String> changes;
        try {
            changes = changes(input, batch);
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        byte[] again = batch.encode();
        assertEquals(changes, changes(again, new RecordLog.Batch()), "an entry's changes, written again, read alike");
        if (changes.isEmpty()) {
            assertTrue(batch.isEmpty());
        }
    }

    /** The changes of an entry, as text, each also added to {@code batch}. */
    private static List<String> changes(byte[] entry, RecordLog.Batch batch) {
        List<String> out = new ArrayList<>();
        RecordLog.apply(entry, new RecordLog.Target() {
            @Override
            public void put(long objectId, long key, byte[] value) {
                out.add("put " + objectId + " " + key + " " + HexFormat.of().formatHex(value));
                batch.put(objectId, key, value);
            }

            @Override
            public void remove(long objectId, long key) {
                out.add("remove " + objectId + " " + key);
                batch.remove(objectId, key);
            }

            @Override
            public void clear(long objectId) {
                out.add("clear " + objectId);
                batch.clear(objectId);
            }
        });
        return out;
    }

    static List<Map.Entry<Long, byte[]>> entries(TreeMap<Long, byte[]> records) {
        List<Map.Entry<Long, byte[]>> out = new ArrayList<>();
        records.forEach((k, v) -> out.add(new AbstractMap.SimpleImmutableEntry<>(k, v.clone())));
        return out;
    }

    static TreeMap<Long, byte[]> writeState(GuardedObject object) {
        TreeMap<Long, byte[]> out = new TreeMap<>();
        object.mutex.lock();
        try {
            object.writeState((key, value) -> {
                if (out.put(key, value) != null) {
                    fail("record " + key + " written twice");
                }
            });
        } finally {
            object.mutex.unlock();
        }
        return out;
    }

    private static List<String> sortedHex(java.util.Collection<byte[]> values) {
        List<String> out = new ArrayList<>();
        values.forEach(v -> out.add(HexFormat.of().formatHex(v)));
        out.sort(null);
        return out;
    }

    private static String hex(TreeMap<Long, byte[]> records) {
        StringBuilder sb = new StringBuilder();
        records.forEach((k, v) -> sb.append(k).append('=').append(HexFormat.of().formatHex(v)).append('\n'));
        return sb.toString();
    }
}
