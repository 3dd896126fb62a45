package io.jmanager.registry;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * {@value #FILE}: the newest store version a data directory acknowledged, kept outside the store so that damage
 * to the store's tail cannot take it back with it. The group commit writes it after the store's own sync and
 * before any writer is answered; at start-up a store whose newest version is below it came back older than what
 * was acknowledged (a rollback: a truncated file, a lost tail, an old copy).
 *
 * <p>Layout: two slots of {@value #SLOT_BYTES} bytes, at offsets 0 and {@value #SLOT_STRIDE} (separate disk blocks),
 * both written at every commit, one after the other, then synced once: damage to one copy afterwards leaves the
 * other with the newest version (with copies written in turn, a damaged newest copy and a lost last chunk of the
 * store together started one commit back without a word), and a crash during the writes leaves each slot whole
 * (each lies within one 512-byte sector) with the new version or the one before, which was acknowledged only once
 * the sync returned. A slot holds
 * the magic {@code JMCOMMIT}, the data directory's id (also in the store's meta map: a store file of another
 * directory is told apart), the version ({@code -1}: nothing committed yet) and the CRC32C of those 24 bytes.
 * The file is created whole and synced with its directory before the store exists, then only overwritten in place
 * and synced with {@code fdatasync} ({@link FileChannel#force(boolean) force(false)}): its size never changes.
 */
final class CommitWitness implements AutoCloseable {
    static final String FILE = "registry.commit";
    static final int SLOT_BYTES = 28;
    static final int SLOT_STRIDE = 4096;
    static final int FILE_BYTES = SLOT_STRIDE + SLOT_BYTES;
    private static final byte[] MAGIC = "JMCOMMIT".getBytes(StandardCharsets.US_ASCII);

    /** What the file says: whose it is and the newest acknowledged store version ({@code -1}: none). */
    record State(long directoryId, long version) {
    }

    private final Path file;
    private FileChannel channel;
    private final long directoryId;
    private final ByteBuffer slot = ByteBuffer.allocate(SLOT_BYTES);
    private long version;

    private CommitWitness(Path file, FileChannel channel, long directoryId, long version) {
        this.file = file;
        this.channel = channel;
        this.directoryId = directoryId;
        this.version = version;
    }

    /**
     * Reads the witness of {@code dir}.
     *
     * @return null if the file does not exist
     * @throws DataDirectoryException if it exists but is damaged (wrong size, or neither slot intact)
     */
    static State read(Path dir) throws DataDirectoryException {
        Path file = dir.resolve(FILE);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new DataDirectoryException("cannot read " + file + ": " + e, e);
        }
        State a = bytes.length >= SLOT_BYTES ? parse(Arrays.copyOfRange(bytes, 0, SLOT_BYTES)) : null;
        State b = bytes.length >= FILE_BYTES ? parse(Arrays.copyOfRange(bytes, SLOT_STRIDE, FILE_BYTES)) : null;
        if (bytes.length != FILE_BYTES || a == null && b == null || a != null && b != null
                && a.directoryId() != b.directoryId()) {
            throw new DataDirectoryException(file + " (the record of the newest acknowledged commit) is damaged: "
                    + (bytes.length != FILE_BYTES ? bytes.length + " bytes instead of " + FILE_BYTES
                    : "neither of its two copies passes its checksum") + ". The registry did not start and did not"
                    + " modify the directory. Nothing tells whether " + MvStoreDurability.STORE_FILE + " holds every"
                    + " acknowledged change: restore an export (worker.jar import) into a new --data-dir, or start"
                    + " with --accept-rollback to use the store as it is (a new " + FILE + " is written)");
        }
        if (a == null) {
            return b;
        }
        if (b == null) {
            return a;
        }
        return a.version() >= b.version() ? a : b;
    }

    private static State parse(byte[] slot) {
        ByteBuffer in = ByteBuffer.wrap(slot);
        byte[] magic = new byte[MAGIC.length];
        in.get(magic);
        long id = in.getLong();
        long version = in.getLong();
        int crc = in.getInt();
        if (!Arrays.equals(magic, MAGIC) || crc != Checksums.of(slot, SLOT_BYTES - 4)) {
            return null;
        }
        return new State(id, version);
    }

    /**
     * Creates (or replaces) the witness of {@code dir} for directory {@code directoryId} at {@code version}, both
     * slots, synced with the directory entry.
     */
    static CommitWitness create(Path dir, long directoryId, long version) throws IOException {
        Path file = dir.resolve(FILE);
        Path tmp = dir.resolve(FILE + ".new");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer whole = ByteBuffer.allocate(FILE_BYTES);
            byte[] slot = encode(directoryId, version);
            whole.put(0, slot).put(SLOT_STRIDE, slot);
            while (whole.hasRemaining()) {
                out.write(whole);
            }
            out.force(true);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(dir);
        return open(dir, directoryId, version);
    }

    /** Opens the existing witness for writing; its content is {@code directoryId} at {@code version}. */
    static CommitWitness open(Path dir, long directoryId, long version) throws IOException {
        Path file = dir.resolve(FILE);
        return new CommitWitness(file, FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE),
                directoryId, version);
    }

    static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // not every file system lets a directory be synced; the file itself is synced
        }
    }

    private static byte[] encode(long directoryId, long version) {
        ByteBuffer b = ByteBuffer.allocate(SLOT_BYTES).put(MAGIC).putLong(directoryId).putLong(version);
        b.putInt(Checksums.of(b.array(), SLOT_BYTES - 4));
        return b.array();
    }

    /**
     * Records that store version {@code version} is durable: writes it into both slots and syncs. Called by one
     * thread at a time (the store's commit step).
     *
     * @throws IOException if the write or the sync failed: acknowledgements must stop
     */
    void record(long version) throws IOException {
        if (version <= this.version) {
            return;
        }
        slot.clear();
        slot.put(encode(directoryId, version)).flip();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    for (long position : new long[] {SLOT_STRIDE, 0}) {
                        long at = position;
                        slot.rewind();
                        while (slot.hasRemaining()) {
                            at += channel.write(slot, at);
                        }
                    }
                    channel.force(false);
                    break;
                } catch (java.nio.channels.ClosedByInterruptException e) {
                    // an interrupt of the committing thread closes the channel (NIO): reopen and write again, and
                    // hand the interrupt back to the thread afterwards; the commit itself must not fail for it
                    interrupted |= Thread.interrupted();
                    channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
                    slot.rewind();
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        this.version = version;
    }

    long version() {
        return version;
    }

    Path file() {
        return file;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was pending: every write was synced
        }
    }
}
