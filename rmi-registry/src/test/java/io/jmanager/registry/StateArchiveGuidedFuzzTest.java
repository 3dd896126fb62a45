package io.jmanager.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the export/import archive (Jazzer; SECURITY.md, "Fuzzing"): {@link StateArchive#read}
 * on raw files (the gzip layer) and on fuzzed contents inside a valid gzip stream, and a whole import into a
 * registry ({@link ManagerService#finishImport}). A damaged file is refused with {@link IllegalArgumentException}
 * and imports nothing; an accepted one reads and writes back as the same objects, and an imported state exports
 * and imports again as itself.
 */
class StateArchiveGuidedFuzzTest {
    private static final int MAX_RECORD = 1 << 16;

    /** The file's bytes as they are: mostly refused by gzip's header and CRC. */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void archiveFile(byte[] input) throws Exception {
        FuzzLimits.bounded(input.length, 64, "read", () -> checkRead(input));
    }

    /** The archive format itself: the input gzipped first, so that the fuzzer explores what is inside. */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void archiveContent(byte[] input) throws Exception {
        byte[] file = gzip(input);
        FuzzLimits.bounded(input.length, 64, "read", () -> checkRead(file));
    }

    /** A whole import of the gzipped input into an empty in-memory registry. */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void importArchive(byte[] input) throws Exception {
        byte[] file = gzip(input);
        Registry registry = new Registry();
        long[] counts;
        try {
            counts = registry.importFile(file);
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            assertEquals(0, registry.service.list().length, "a refused import imports nothing");
            return;
        } catch (io.jmanager.RegistryLimitException refused) {
            assertEquals(0, registry.service.list().length, "a refused import imports nothing");
            return;
        }
        assertEquals(counts[0], registry.service.list().length);
        byte[] exported = registry.exportFile();
        Registry again = new Registry();
        again.importFile(exported);
        assertArrayEquals(exported, again.exportFile(), "an imported state exports and imports as itself");
    }

    private static void checkRead(byte[] file) {
        List<StateArchive.ArchivedObject> objects;
        try {
            objects = StateArchive.read(new ByteArrayInputStream(file), MAX_RECORD);
        } catch (IllegalArgumentException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        byte[] written = write(objects);
        List<StateArchive.ArchivedObject> again = StateArchive.read(new ByteArrayInputStream(written), MAX_RECORD);
        assertEquals(describe(objects), describe(again), "an archive read writes back as the same objects");
    }

    private static String describe(List<StateArchive.ArchivedObject> objects) {
        StringBuilder sb = new StringBuilder();
        for (StateArchive.ArchivedObject o : objects) {
            sb.append(o.name()).append(' ').append(HexFormat.of().formatHex(o.spec().toBytes())).append('\n');
            for (Map.Entry<Long, byte[]> r : o.records()) {
                sb.append("  ").append(r.getKey()).append('=').append(HexFormat.of().formatHex(r.getValue()))
                        .append('\n');
            }
        }
        return sb.toString();
    }

    static byte[] write(List<StateArchive.ArchivedObject> objects) {
        StateArchive.PagedWriter writer = new StateArchive.PagedWriter(objects, 1 << 16);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] page = writer.nextPage(); page.length > 0; page = writer.nextPage()) {
            out.writeBytes(page);
        }
        return out.toByteArray();
    }

    static byte[] gzip(byte[] content) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(content);
        }
        return out.toByteArray();
    }

    /** An empty in-memory registry without RMI, as {@link ManagerServiceTest} builds one. */
    private static final class Registry {
        final ManagerService[] ref = new ManagerService[1];
        final SessionTable sessions = new SessionTable((id, how) -> ref[0].sessionEnded(id, how));
        final RegistryContext context = new RegistryContext(MAX_RECORD / 2 - 64, 1 << 22,
                TimeUnit.SECONDS.toNanos(60), sessions, name -> ref[0].lock(name));
        final ManagerService service = new ManagerService(context, new ManagerServiceTest.FakeExporter(),
                new ManagerServiceTest.FakeRegistry(), 1, 60_000, 1_000);
        final long session;

        Registry() {
            ref[0] = service;
            session = sessions.open("fuzz", 1, TimeUnit.HOURS.toNanos(1)).id;
        }

        long[] importFile(byte[] file) throws java.rmi.RemoteException {
            long id = service.beginImport(session);
            service.importChunk(session, id, file);
            return service.finishImport(session, id);
        }

        byte[] exportFile() {
            long id = service.beginExport(session)[0];
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] page = service.exportPage(session, id); page.length > 0;
                    page = service.exportPage(session, id)) {
                out.writeBytes(page);
            }
            return out.toByteArray();
        }
    }
}
