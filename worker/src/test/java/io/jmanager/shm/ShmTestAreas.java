package io.jmanager.shm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh directory of areas for each test (JUnit extension): {@link #options()} points there, with a small
 * capacity; the directory is removed after the test.
 */
public final class ShmTestAreas implements BeforeEachCallback, AfterEachCallback {
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) {
        try {
            Path base = Path.of("/dev/shm");
            dir = Files.isDirectory(base) && Files.isWritable(base)
                    ? Files.createTempDirectory(base, "jmanager-test-") : Files.createTempDirectory("jmanager-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort
        }
    }

    public Path directory() {
        return dir;
    }

    /** Options for an area in this test's directory, 4 MiB. */
    public SharedMemoryOptions options() {
        return SharedMemoryOptions.defaults().withDirectory(dir).withCapacity(4 << 20);
    }
}
