package io.jmanager.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.ValueCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of a whole data directory (Jazzer; SECURITY.md, "Fuzzing"): a directory written by a
 * registry ({@link #main} wrote it into {@code src/test/resources/io/jmanager/registry/fuzz-data-directory/}, so that
 * every run changes the same bytes) is changed by the input and started on as the registry starts
 * ({@link MvStoreDurability#open}, then {@link ManagerService#restoreAll}, through {@link DurableHarness}). The start
 * is refused with {@link DataDirectoryException}, or it restores exactly the state that was written (its export is
 * the unchanged directory's export, byte for byte): never another exception, a hang, or a silently different state.
 *
 * <p>Unlike the other fuzz targets this one does not bound allocations: the storage engine (H2 MVStore 2.4.240)
 * allocates what a damaged page position in the file claims (this target's first finding, {@code crash-d135ff69...}:
 * 100 MB for a 40 KB file, then a refusal), and start-up reports the {@link OutOfMemoryError} a larger claim ends in
 * as damage, like the engine's exceptions. What is checked is the outcome.
 *
 * <p>The input is a list of changes {@code [what][offset: 2 bytes][length][bytes]}: {@code what} 0 overwrites bytes of
 * the store file (offsets wrap around its size), 1 cuts the store file at the offset (times 8, wrapped), 2
 * overwrites bytes of the commit witness.
 */
class DataDirectoryFileGuidedFuzzTest {
    private static final String TEMPLATE = "fuzz-data-directory/";

    /** The template and what it holds, loaded on first use (not when {@link #main} writes the template). */
    private static final class Template {
        static final byte[] STORE = resource(TEMPLATE + MvStoreDurability.STORE_FILE);
        static final byte[] WITNESS = resource(TEMPLATE + CommitWitness.FILE);
        static final Path BASE = base();
        /** The export of the unchanged directory: what every accepted start must restore. */
        static final byte[] WRITTEN = startAndExport(write(new byte[0]));
    }

    @FuzzTest
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void storeFile(byte[] input) throws Exception {
        Path dir = write(input);
        try {
            byte[] exported;
            try {
                exported = startAndExport(dir);
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof DataDirectoryException refused)) {
                    throw e;
                }
                assertNotNull(refused.getMessage());
                return;
            }
            assertArrayEquals(Template.WRITTEN, exported, "a start that is not refused restores the state written");
        } finally {
            delete(dir);
        }
    }

    /** Starts a registry on {@code dir} and exports its state; a refused start is a DataDirectoryException. */
    private static byte[] startAndExport(Path dir) {
        try (DurableHarness h = DurableHarness.open(dir)) {
            ManagerService service = h.service;
            long session = h.session();
            long id = service.beginExport(session)[0];
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (byte[] page = service.exportPage(session, id); page.length > 0;
                    page = service.exportPage(session, id)) {
                out.writeBytes(page);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new directory holding the template changed by {@code input} (see the class comment). */
    private static Path write(byte[] input) {
        byte[] store = Template.STORE.clone();
        byte[] witness = Template.WITNESS.clone();
        int storeLength = store.length;
        ByteBuffer in = ByteBuffer.wrap(input);
        while (in.remaining() >= 4) {
            int what = in.get() & 0xff;
            int offset = in.getShort() & 0xffff;
            byte[] bytes = new byte[Math.min(in.get() & 0xff, in.remaining())];
            in.get(bytes);
            switch (what % 3) {
                case 0 -> patch(store, offset % store.length, bytes);
                case 1 -> storeLength = Math.min(storeLength, (offset * 8) % store.length);
                default -> patch(witness, offset % witness.length, bytes);
            }
        }
        try {
            Path dir = Files.createTempDirectory(Template.BASE, "dir-");
            Files.write(dir.resolve(MvStoreDurability.STORE_FILE), Arrays.copyOf(store, storeLength));
            Files.write(dir.resolve(CommitWitness.FILE), witness);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void patch(byte[] file, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, file, at, Math.min(bytes.length, file.length - at));
    }

    private static byte[] resource(String name) {
        try (InputStream in = DataDirectoryFileGuidedFuzzTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no " + name + " among the test resources (the template directory is"
                        + " written by DataDirectoryFileGuidedFuzzTest.main)");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path base() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "jmanager-fuzz-") : Files.createTempDirectory("jmanager-fuzz-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(dir)));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    private static byte[] enc(Object value) {
        return ValueCodec.encode(value, null);
    }

    /**
     * Writes the template directory: objects of every type with durable state, written over several commits (so
     * that the store has older versions to fall back to), then a clean stop. Run it with the test class path,
     * argument {@code rmi-registry/src/test/resources/io/jmanager/registry/fuzz-data-directory}; every regression
     * input of {@link #storeFile} changes these bytes, so keep them unless the store's format changes.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        delete(dir);
        try (DurableHarness h = DurableHarness.open(dir)) {
            long s = h.session();
            DictObject d = h.get("d", ObjectSpec.of(ObjectType.DICT));
            d.put(enc("a"), enc(1));
            d.put(enc("b"), enc("two"));
            d.put(enc("c"), enc(3.5));
            d.remove(enc("a"));
            ListObject l = h.get("l", ObjectSpec.of(ObjectType.LIST));
            l.append(enc("x"));
            l.append(enc(2));
            l.insert(0, enc(true));
            QueueObject q = h.get("q", ObjectSpec.sized(ObjectType.QUEUE, 0));
            q.offer(s, 1, enc("first"), 0);
            q.offer(s, 2, enc("second"), 0);
            EventObject e = h.get("e", ObjectSpec.of(ObjectType.EVENT));
            e.set();
            h.get("a", ObjectSpec.typed(ObjectType.ARRAY, "d", 3, new long[] {Double.doubleToRawLongBits(1.5),
                    Double.doubleToRawLongBits(-2), 0}));
            h.get("v", ObjectSpec.typed(ObjectType.VALUE, "i", 1, new long[] {42}));
            h.get("s", ObjectSpec.sized(ObjectType.BOUNDED_SEMAPHORE, 2));
            h.get("c", ObjectSpec.condition("lock"));
            d.put(enc("d"), enc(new byte[] {1, 2, 3}));
        }
    }
}
