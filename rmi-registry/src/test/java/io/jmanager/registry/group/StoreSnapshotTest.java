package io.jmanager.registry.group;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.registry.RecordLog;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A group member's snapshot file: the store comes back exactly, and a damaged file changes nothing. */
class StoreSnapshotTest {
    @TempDir
    Path tmp;

    private static ReplicaStore sample() {
        ReplicaStore store = new ReplicaStore();
        List<Map.Entry<Long, byte[]>> big = new ArrayList<>();
        for (long k = 0; k < 3000; k++) { // several entries of about 1 MiB for one object
            big.add(new AbstractMap.SimpleImmutableEntry<>(k, new byte[(int) (k % 700)]));
        }
        store.apply(RecordLog.puts(7, big));
        store.apply(RecordLog.puts(0, List.of(new AbstractMap.SimpleImmutableEntry<>(0L, new byte[] {1, 2}))));
        store.apply(RecordLog.puts(Long.MAX_VALUE, List.of(new AbstractMap.SimpleImmutableEntry<>(-5L,
                new byte[2 << 20])))); // one record larger than an entry's target size
        return store;
    }

    @Test
    void aSnapshotGivesBackTheExactStoreAndItsLogPosition() throws IOException {
        ReplicaStore store = sample();
        Path file = tmp.resolve("snapshot.3_99");
        store.writeSnapshot(3, 99, file);
        assertFalse(Files.exists(tmp.resolve("snapshot.3_99.writing")));
        ReplicaStore loaded = new ReplicaStore();
        loaded.apply(RecordLog.puts(42, List.of(new AbstractMap.SimpleImmutableEntry<>(1L, new byte[1]))));
        StoreSnapshot.Contents c = loaded.loadSnapshot(file);
        assertEquals(3, c.term());
        assertEquals(99, c.index());
        assertEquals(store.size(), c.records());
        Map<Long, List<Map.Entry<Long, byte[]>>> want = store.copy();
        Map<Long, List<Map.Entry<Long, byte[]>>> got = loaded.copy();
        assertEquals(want.keySet(), got.keySet(), "object 42, not in the snapshot, is gone");
        for (long id : want.keySet()) {
            assertEquals(want.get(id).size(), got.get(id).size());
            for (int i = 0; i < want.get(id).size(); i++) {
                assertEquals(want.get(id).get(i).getKey(), got.get(id).get(i).getKey());
                assertArrayEquals(want.get(id).get(i).getValue(), got.get(id).get(i).getValue());
            }
        }
    }

    @Test
    void aDamagedOrTruncatedSnapshotIsRefusedAndChangesNothing() throws IOException {
        Path file = tmp.resolve("snapshot.1_10");
        sample().writeSnapshot(1, 10, file);
        byte[] bytes = Files.readAllBytes(file);
        ReplicaStore target = new ReplicaStore();
        target.apply(RecordLog.puts(1, List.of(new AbstractMap.SimpleImmutableEntry<>(1L, new byte[] {9}))));

        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        IOException truncated = assertThrows(IOException.class, () -> target.loadSnapshot(file));
        assertTrue(truncated.getMessage().contains(file.toString()), truncated.getMessage());

        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x40;
        Files.write(file, flipped);
        IOException damaged = assertThrows(IOException.class, () -> target.loadSnapshot(file));
        assertTrue(damaged.getMessage().contains("damaged") || damaged.getMessage().contains("truncated"),
                damaged.getMessage());

        Files.write(file, "not a snapshot at all".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertThrows(IOException.class, () -> target.loadSnapshot(file));
        assertEquals(1, target.size(), "a refused snapshot left the store as it was");
    }
}
