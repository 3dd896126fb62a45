package io.jmanager.wire;

import io.jmanager.AuthKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where keys come from: key files, the environment, and the default key file {@code ~/.jmanager/authkey}.
 *
 * <p>A key file holds the key as text (the registry writes 64 hex characters and a newline); the key is the UTF-8
 * bytes of the trimmed text. A key file that its group or others may read or write is <b>refused</b>, as
 * {@code ssh} refuses such private keys: anyone who can read it can use every shared object, and anyone who can
 * write it can lock everyone out. Fix it with {@code chmod 600}, or pass the key in {@code JMANAGER_AUTHKEY}.
 * (Where the file system has no POSIX permissions, e.g. on Windows, the check is skipped.)
 *
 * <p>Sources, in order:
 * <ul>
 *   <li>the registry: {@code --authkey-file FILE}, else {@code JMANAGER_AUTHKEY}, else
 *       {@code JMANAGER_AUTHKEY_FILE}, else the default key file; a missing key file is created with a new random
 *       key, atomically (several registries starting at once all end up with the one key written first);</li>
 *   <li>a worker: the key given to {@code Manager.connect(url, key)}, else {@code JMANAGER_AUTHKEY}, else
 *       {@code JMANAGER_AUTHKEY_FILE}, else the default key file, which a registry on the same host (and user)
 *       has written: local workers need no configuration.</li>
 * </ul>
 */
public final class AuthKeys {
    /** The environment variable holding the key itself. */
    public static final String ENV_KEY = "JMANAGER_AUTHKEY";
    /** The environment variable naming a key file. */
    public static final String ENV_FILE = "JMANAGER_AUTHKEY_FILE";
    /** A key file larger than this is not a key file. */
    static final int MAX_FILE_BYTES = 4096;

    private static final Set<PosixFilePermission> LOOSE = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);

    private AuthKeys() {
    }

    /** {@code ~/.jmanager/authkey} of the user running this JVM. */
    public static Path defaultFile() {
        return Path.of(System.getProperty("user.home"), ".jmanager", "authkey");
    }

    /** A key found, with whether it was created just now and the file it is in (null if from the environment). */
    public record Loaded(AuthKey key, boolean created, Path file) {
    }

    /**
     * Reads a key file.
     *
     * @param source how to name the file in messages, e.g. {@code key file /x (from JMANAGER_AUTHKEY_FILE)}
     * @throws IOException naming the file and what to do: missing, unreadable, too large, readable by others,
     *                     not UTF-8, or too short
     */
    public static AuthKey read(Path file, String source) throws IOException {
        if (!Files.exists(file)) {
            throw new NoSuchFileException(file.toString(), null, source + " does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(source + " is not a regular file");
        }
        checkPermissions(file, source);
        long size = Files.size(file);
        if (size > MAX_FILE_BYTES) {
            throw new IOException(source + " has " + size + " bytes: not a key file (a key has at most "
                    + AuthKey.MAX_LENGTH + " bytes)");
        }
        byte[] bytes = Files.readAllBytes(file);
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(source + " is not UTF-8 text: not a key file", e);
        }
        try {
            return AuthKey.fromText(text, source);
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Refuses a key file its group or others may read or write.
     *
     * @throws IOException naming the file, its permissions, and the fix
     */
    static void checkPermissions(Path file, String source) throws IOException {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return; // no POSIX permissions on this file system (Windows): nothing to check
        }
        Set<PosixFilePermission> permissions = view.readAttributes().permissions();
        if (permissions.stream().anyMatch(LOOSE::contains)) {
            throw new IOException(source + " may be read or written by other users (permissions "
                    + PosixFilePermissions.toString(permissions) + "): it is refused. Run `chmod 600 " + file
                    + "`, or pass the key in " + ENV_KEY);
        }
    }

    /**
     * Reads the key file, or creates it with a new random key if it does not exist (creating its directory with
     * owner-only permissions). Safe against several processes doing this at once: the file appears atomically
     * with its whole content, and a process that finds it created meanwhile reads it.
     */
    public static Loaded loadOrCreate(Path file, String source) throws IOException {
        file = file.toAbsolutePath();
        if (Files.exists(file)) {
            return new Loaded(read(file, source), false, file);
        }
        Path dir = file.getParent();
        boolean posix = createPrivateDirectories(dir);
        FileAttribute<?>[] attrs = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        Path tmp = Files.createTempFile(dir, ".authkey-", ".tmp", attrs);
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                out.write(ByteBuffer.wrap((AuthKey.generateText() + "\n").getBytes(StandardCharsets.US_ASCII)));
                out.force(true);
            }
            boolean created;
            try {
                Files.createLink(file, tmp); // atomic, and never replaces a file another process wrote first
                created = true;
            } catch (FileAlreadyExistsException e) {
                created = false;
            } catch (UnsupportedOperationException | IOException noHardLinks) {
                try {
                    Files.move(tmp, file); // without REPLACE_EXISTING: an existing file wins
                    created = true;
                } catch (FileAlreadyExistsException e) {
                    created = false;
                }
            }
            return new Loaded(read(file, source), created, file);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Creates missing directories owner-only; returns whether the file system has POSIX permissions. */
    private static boolean createPrivateDirectories(Path dir) throws IOException {
        boolean posix = Files.getFileStore(existingAncestor(dir)).supportsFileAttributeView(PosixFileAttributeView.class);
        if (!Files.isDirectory(dir)) {
            if (posix) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
        return posix;
    }

    private static Path existingAncestor(Path dir) {
        Path p = dir;
        while (p != null && !Files.exists(p)) {
            p = p.getParent();
        }
        return p == null ? Path.of(".").toAbsolutePath() : p;
    }

    /**
     * The registry's key: {@code explicitFile} (from {@code --authkey-file}) if given, else {@code JMANAGER_AUTHKEY},
     * else {@code JMANAGER_AUTHKEY_FILE}, else {@code defaultFile}; a missing key file is created.
     *
     * @throws IOException naming the source and what to do
     */
    public static Loaded forRegistry(Path explicitFile, Map<String, String> env, Path defaultFile) throws IOException {
        if (explicitFile != null) {
            return loadOrCreate(explicitFile, "key file " + explicitFile.toAbsolutePath() + " (--authkey-file)");
        }
        String text = env.get(ENV_KEY);
        if (text != null && !text.isBlank()) {
            try {
                return new Loaded(AuthKey.fromText(text, "environment variable " + ENV_KEY), false, null);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        String named = env.get(ENV_FILE);
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named.trim());
            return loadOrCreate(p, "key file " + p.toAbsolutePath() + " (from " + ENV_FILE + ")");
        }
        return loadOrCreate(defaultFile, "default key file " + defaultFile.toAbsolutePath());
    }

    /**
     * A worker's key when none was given in code: {@code JMANAGER_AUTHKEY}, else {@code JMANAGER_AUTHKEY_FILE},
     * else {@code defaultFile}. Nothing is created.
     *
     * @return the key, or null when none of these is configured (no variable set and no default key file)
     * @throws IOException naming the source, when a configured source cannot be used
     */
    public static AuthKey forWorker(Map<String, String> env, Path defaultFile) throws IOException {
        String text = env.get(ENV_KEY);
        if (text != null && !text.isBlank()) {
            try {
                return AuthKey.fromText(text, "environment variable " + ENV_KEY);
            } catch (IllegalArgumentException e) {
                throw new IOException(e.getMessage(), e);
            }
        }
        String named = env.get(ENV_FILE);
        if (named != null && !named.isBlank()) {
            Path p = Path.of(named.trim()).toAbsolutePath();
            return read(p, "key file " + p + " (from " + ENV_FILE + ")");
        }
        if (!Files.exists(defaultFile)) {
            return null;
        }
        return read(defaultFile, "default key file " + defaultFile.toAbsolutePath());
    }

    /** What {@link #forWorker} looks for, for messages when it found nothing. */
    public static String workerSources(Path defaultFile) {
        return "no key given to Manager.connect(url, key), " + ENV_KEY + " and " + ENV_FILE + " not set, and no"
                + " default key file " + defaultFile.toAbsolutePath();
    }
}
