package io.jmanager.shm;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jmanager.SharedLock;
import io.jmanager.SharedObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of the shared-memory area reader (Jazzer; SECURITY.md, "Fuzzing"): a sound area with
 * objects of every kind, changed by the input, is placed as an area file and opened. The open is refused with
 * {@link SharedMemoryException}, or it succeeds and every look-up and read of every object answers or throws
 * {@link SharedMemoryException} (or {@link OwnerDiedException} for a lock word naming a dead process): never
 * another exception, and never a JVM crash (the area's bounds-checked accesses must hold for any file).
 *
 * <p>The input is a list of changes: {@code [what][offset: 2 bytes][length][bytes]}, where {@code what} picks the
 * header, the process table, the object table or the data as the base of the offset, or asks to truncate the file,
 * or to make the checksum of the header or of an object entry match again (so that the fuzzer gets past the
 * checksums to the checks behind them, as a forger would). The ready word is always set: a file whose creator never
 * finished is refused after a 5 s wait ({@link AreaFileRefusalTest} covers that).
 */
class AreaFileGuidedFuzzTest {
    private static final String NAME = "fuzzed";
    private static final Path DIR = directory();
    private static final SharedMemoryOptions OPTIONS = SharedMemoryOptions.defaults().withDirectory(DIR)
            .withCapacity(AreaLayout.MIN_CAPACITY);
    private static final byte[] TEMPLATE = template();

    record Sample(double x, int n) {
    }

    private static Path directory() {
        try {
            Path shm = Path.of("/dev/shm");
            Path dir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "jmanager-fuzz-") : Files.createTempDirectory("jmanager-fuzz-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A sound area of the smallest capacity holding a value with its own lock, an unsynchronized array, a struct
     * array, a lock and an rlock, and a value synchronized by that lock: the same bytes in every run (the process
     * table and the creation time are cleared), so that a regression input changes the same file again.
     */
    private static byte[] template() {
        String name = "template";
        try (SharedMemory shm = SharedMemory.open(name, OPTIONS)) {
            shm.value("n", 'i', 42);
            shm.array("a", 'd', List.of(1.5, -2.0, 3.25), Locking.NONE);
            shm.structArray("s", Sample.class, List.of(new Sample(0.5, 7), new Sample(-1, 8)));
            SharedLock lock = shm.lock("l");
            shm.rlock("r");
            shm.value("q", 'q', 7L, Locking.with(lock));
            shm.array("c", 'c', new byte[] {'h', 'i'}, Locking.NONE);
        }
        try {
            Path file = SharedMemory.fileOf(name, OPTIONS);
            byte[] bytes = Files.readAllBytes(file);
            SharedMemory.destroy(name, OPTIONS);
            Arrays.fill(bytes, AreaLayout.PROCESS_TABLE, AreaLayout.OBJECT_TABLE, (byte) 0);
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            b.putLong(AreaLayout.H_CREATED, 1_700_000_000_000L);
            fixHeaderCrc(b);
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest
    @Timeout(value = 20, unit = TimeUnit.SECONDS)
    void areaFile(byte[] input) throws Exception {
        Path file = SharedMemory.fileOf(NAME, OPTIONS);
        byte[] area = apply(input);
        Files.deleteIfExists(file);
        Files.write(file, area);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try {
            FuzzLimits.bounded(input.length, 64, "opening a fuzzed area", AreaFileGuidedFuzzTest::openAndRead);
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private static void openAndRead() {
        SharedMemory shm;
        try {
            shm = SharedMemory.openExisting(NAME, OPTIONS);
        } catch (SharedMemoryException refused) {
            assertNotNull(refused.getMessage());
            return;
        }
        try {
            assertTrue(shm.capacity() >= AreaLayout.MIN_CAPACITY);
            List<String> names = attempt(shm::names);
            attempt(shm::objects);
            attempt(shm::attachedPids);
            if (names != null) {
                for (String n : names) {
                    SharedObject object = attempt(() -> shm.attach(n));
                    if (object != null) {
                        read(object);
                    }
                }
            }
        } finally {
            shm.close();
        }
    }

    /** Reads the object, under its lock when it has one and the lock is free (a held one is not waited for). */
    private static void read(SharedObject object) {
        if (object instanceof SharedLock lock) {
            if (Boolean.TRUE.equals(attempt(lock::tryLock))) {
                lock.unlock();
            }
            return;
        }
        SharedLock lock = object instanceof AreaObject a && a.isSynchronized() ? ((AreaObject) object).getLock()
                : null;
        if (lock != null && !Boolean.TRUE.equals(attempt(lock::tryLock))) {
            return;
        }
        try {
            if (object instanceof MappedValue<?> v) {
                attempt(v::get);
            } else if (object instanceof MappedArray<?> a) {
                Integer length = attempt(a::length);
                if (length != null) {
                    assertTrue(length >= 0);
                    attempt(a::toList);
                    for (int i = 0; i < Math.min(length, 64); i++) {
                        int index = i;
                        attempt(() -> a.get(index));
                    }
                }
            } else if (object instanceof MappedStructArray<?> s) {
                Integer length = attempt(s::length);
                if (length != null) {
                    for (int i = 0; i < Math.min(length, 64); i++) {
                        for (String field : s.layout().fieldNames()) {
                            int index = i;
                            attempt(() -> s.getField(index, field));
                        }
                    }
                }
            }
        } finally {
            if (lock != null) {
                lock.unlock();
            }
        }
    }

    /** Runs a call that may only answer, or refuse with the documented exceptions (null then). */
    private static <T> T attempt(java.util.concurrent.Callable<T> call) {
        try {
            return call.call();
        } catch (SharedMemoryException | OwnerDiedException refused) {
            assertNotNull(refused.getMessage());
            return null;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new AssertionError("an undocumented checked exception: " + e, e);
        }
    }

    /** The template with the input's changes applied (see the class comment), and the ready word set. */
    static byte[] apply(byte[] input) {
        byte[] area = TEMPLATE.clone();
        int length = area.length;
        ByteBuffer in = ByteBuffer.wrap(input);
        while (in.remaining() >= 4) {
            int what = in.get() & 0xff;
            int offset = in.getShort() & 0xffff;
            int n = Math.min(in.get() & 0xff, in.remaining());
            byte[] bytes = new byte[n];
            in.get(bytes);
            ByteBuffer b = ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN);
            switch (what % 7) {
                case 0 -> patch(area, offset % AreaLayout.PROCESS_TABLE, bytes);
                case 1 -> patch(area, AreaLayout.PROCESS_TABLE + offset % (AreaLayout.OBJECT_TABLE
                        - AreaLayout.PROCESS_TABLE), bytes);
                case 2 -> patch(area, AreaLayout.OBJECT_TABLE + offset % (16 * AreaLayout.ENTRY_SIZE), bytes);
                case 3 -> patch(area, AreaLayout.DATA + offset % (area.length - AreaLayout.DATA), bytes);
                case 4 -> length = 1 + (offset * 7) % area.length;
                case 5 -> fixHeaderCrc(b);
                default -> fixEntryCrc(area, offset % 16);
            }
        }
        ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN).putInt(AreaLayout.H_READY, 1);
        return length == area.length ? area : Arrays.copyOf(area, Math.max(length, AreaLayout.H_READY + 4));
    }

    private static void patch(byte[] area, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, area, at, Math.min(bytes.length, area.length - at));
    }

    private static void fixHeaderCrc(ByteBuffer b) {
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, AreaLayout.H_CRC);
        crc.update(b.array(), AreaLayout.H_CRC + 4, AreaLayout.H_IMMUTABLE_END - AreaLayout.H_CRC - 4);
        b.putInt(AreaLayout.H_CRC, (int) crc.getValue());
    }

    private static void fixEntryCrc(byte[] area, int index) {
        int base = AreaLayout.entry(index);
        CRC32C crc = new CRC32C();
        crc.update(area, base + AreaLayout.E_KIND, AreaLayout.E_CRC - AreaLayout.E_KIND);
        ByteBuffer.wrap(area).order(ByteOrder.LITTLE_ENDIAN).putInt(base + AreaLayout.E_CRC, (int) crc.getValue());
    }

    /** The template is the same in every run (regression inputs rely on it). */
    @org.junit.jupiter.api.Test
    void theTemplateIsReproducible() {
        assertTrue(Arrays.equals(TEMPLATE, template()), "two templates are byte for byte the same");
    }
}
