package io.jmanager.shm;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where shared-memory areas live and how large a new one is. Immutable; start from {@link #defaults()}.
 *
 * @param directory the directory of the area files: {@code -Djmanager.shm.dir}, else {@code JMANAGER_SHM_DIR}, else
 *                  {@code /dev/shm} (Linux's tmpfs, where POSIX {@code shm_open} puts its objects) where it is a
 *                  writable directory, else {@code java.io.tmpdir}
 * @param capacity  the size of an area created by this open, in bytes (default 64 MiB; the file is sparse, so
 *                  memory is used only as objects are added); an existing area keeps the size it was created with
 */
public record SharedMemoryOptions(Path directory, long capacity) {
    /** The default capacity of a new area: 64 MiB. */
    public static final long DEFAULT_CAPACITY = 64L << 20;

    public SharedMemoryOptions {
        Objects.requireNonNull(directory, "directory");
        if (capacity < AreaLayout.MIN_CAPACITY || capacity > AreaLayout.MAX_CAPACITY) {
            throw new IllegalArgumentException("shared-memory capacity must be between " + AreaLayout.MIN_CAPACITY
                    + " and " + AreaLayout.MAX_CAPACITY + " bytes, got " + capacity);
        }
    }

    public static SharedMemoryOptions defaults() {
        return new SharedMemoryOptions(defaultDirectory(), DEFAULT_CAPACITY);
    }

    public SharedMemoryOptions withDirectory(Path directory) {
        return new SharedMemoryOptions(directory, capacity);
    }

    public SharedMemoryOptions withCapacity(long bytes) {
        return new SharedMemoryOptions(directory, bytes);
    }

    static Path defaultDirectory() {
        String configured = System.getProperty("jmanager.shm.dir", System.getenv("JMANAGER_SHM_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path shm = Path.of("/dev/shm");
        if (Files.isDirectory(shm) && Files.isWritable(shm)) {
            return shm;
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }
}
