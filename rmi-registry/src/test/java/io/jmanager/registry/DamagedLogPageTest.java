package io.jmanager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory that {@link DamagedDataDirectoryTest} once damaged (a flipped bit in a page of the log, which
 * left a log entry's key out of order and equal to another's), kept as a file because the bytes a run writes
 * depend on thread timing: its damaged entry is refused, then skipped with {@code --skip-damaged-records}, and the
 * repaired file starts clean. Before the start's checkpoint read the whole log regardless of the keys' order, the
 * skipped entry stayed in the log and was copied into the repaired file, whose next start was refused, and the
 * clean stop that met it again kept the file locked.
 */
class DamagedLogPageTest {
    private static final String FIXTURE = "damaged-log-page/";

    @TempDir
    Path tmp;

    private Path unpack() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("data"));
        try (InputStream commit = resource("registry.commit")) {
            Files.copy(commit, dir.resolve(CommitWitness.FILE));
        }
        try (InputStream store = new GZIPInputStream(resource("registry.mv.db.gz"))) {
            Files.copy(store, dir.resolve(MvStoreDurability.STORE_FILE));
        }
        return dir;
    }

    private static InputStream resource(String name) {
        InputStream in = DamagedLogPageTest.class.getResourceAsStream(FIXTURE + name);
        if (in == null) {
            throw new IllegalStateException("test resource " + FIXTURE + name + " is missing");
        }
        return in;
    }

    @Test
    void aLogEntryWithADamagedKeyIsRefusedThenSkippedAndTheRepairedDirectoryStartsClean() throws Exception {
        Path dir = unpack();
        DataDirectoryException refused = assertThrows(DataDirectoryException.class, () -> DurableHarness.open(dir));
        assertTrue(refused.getMessage().contains("log entry 954") && refused.getMessage().contains("checksum")
                && refused.getMessage().contains("--skip-damaged-records"), refused.getMessage());

        Map<String, List<String>> repaired;
        List<String> names;
        try (DurableHarness h = DurableHarness.open(dir, new RecoveryOptions(true, false))) {
            assertTrue(h.durability.startNotes().stream().anyMatch(n -> n.startsWith("skipped log entry 954")),
                    h.durability.startNotes().toString());
            repaired = DamagedDataDirectoryTest.state(h);
            names = h.names();
        }
        // the clean stop released the file, and the repaired file has no damaged entry left
        try (DurableHarness again = DurableHarness.open(dir)) {
            assertEquals(List.of(), again.durability.startNotes());
            assertEquals(names, again.names());
            assertEquals(repaired, DamagedDataDirectoryTest.state(again));
        }
    }
}
