package io.jmanager;

import io.jmanager.wire.AuthKeys;
import io.jmanager.wire.ClientTransport;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The authentication key of this test JVM: a fresh key file (mode 600) in a temporary directory, never the user's
 * {@code ~/.jmanager/authkey}. This JVM authenticates with it (it is added to {@link ClientTransport}); in-JVM
 * registries ({@link TestRegistry}) use it, and child JVMs (registries and workers started by the process tests)
 * get it as {@code JMANAGER_AUTHKEY_FILE}.
 */
public final class TestKeys {
    private static final Path FILE;
    private static final AuthKey KEY;

    static {
        try {
            Path dir = Files.createTempDirectory("jmanager-test-key-");
            FILE = dir.resolve("authkey");
            KEY = AuthKeys.loadOrCreate(FILE, "test key file " + FILE).key();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(dir), "delete-test-key"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the test key file", e);
        }
        ClientTransport.addAuthKey(KEY);
    }

    private TestKeys() {
    }

    /** The key; this JVM authenticates with it. */
    public static AuthKey key() {
        return KEY;
    }

    /** The key file, for {@code JMANAGER_AUTHKEY_FILE} of child JVMs. */
    public static Path file() {
        return FILE;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: a temporary directory
        }
    }
}
