package io.jmanager.registry.group;

import io.jmanager.registry.RecordLog;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The snapshot file of a group member's {@link ReplicaStore}: the Raft log compacted to one put per record, in the
 * log's own encoding ({@link RecordLog} entries, the bytes every Raft log entry carries), so that a snapshot needs
 * no encoding of its own. A gzip stream (whose CRC-32 and length trailer catch damage) holding
 *
 * <pre>
 *   "JMANAGER-SNAPSHOT\n"  format version (int, 1)  term (long)  index (long): the last entry it includes
 *   per entry:   length (int)  one RecordLog entry: puts of records of one object (at most about 1 MiB)
 *   end:         -1 (int)  object count (long)  record count (long)
 * </pre>
 *
 * all numbers big-endian. Objects are written in ascending id order and each object's records in ascending key
 * order. (The export format {@code StateArchive} is not used: it names objects by name and spec, while the log
 * entries after a snapshot address objects, the catalog and other nameless records included, by their ids.)
 */
final class StoreSnapshot {
    private static final byte[] MAGIC = "JMANAGER-SNAPSHOT\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int ENTRY_BYTES = 1 << 20;
    /** Larger than any one record (an entry holds one record at least): a damaged length allocates no more. */
    private static final int MAX_ENTRY_BYTES = 512 << 20;

    /** What a snapshot file holds: the records, and the log position they are the state after. */
    record Contents(long term, long index, Map<Long, TreeMap<Long, byte[]>> objects, long records) {
    }

    private StoreSnapshot() {
    }

    /**
     * Writes {@code objects} (by object id, each one's records in ascending key order) as the state after log
     * entry ({@code term}, {@code index}) to {@code file}: through a temporary file, forced to disk, then renamed,
     * so that {@code file} is whole or absent.
     */
    static void write(Map<Long, List<Map.Entry<Long, byte[]>>> objects, long term, long index, Path file)
            throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".writing");
        long records = 0;
        try (OutputStream raw = Files.newOutputStream(tmp);
             DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(raw, 1 << 16),
                     1 << 16))) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(term);
            out.writeLong(index);
            List<Long> ids = new ArrayList<>(objects.keySet());
            ids.sort(null);
            for (long id : ids) {
                List<Map.Entry<Long, byte[]>> all = objects.get(id);
                int from = 0;
                while (from < all.size()) {
                    int to = from;
                    long bytes = 0;
                    while (to < all.size() && (to == from || bytes + 21 + all.get(to).getValue().length
                            <= ENTRY_BYTES)) {
                        bytes += 21 + all.get(to).getValue().length;
                        to++;
                    }
                    byte[] entry = RecordLog.puts(id, all.subList(from, to));
                    out.writeInt(entry.length);
                    out.write(entry);
                    from = to;
                }
                records += all.size();
            }
            out.writeInt(-1);
            out.writeLong(objects.size());
            out.writeLong(records);
        }
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Reads a snapshot file whole.
     *
     * @throws IOException naming the file and what is wrong if it is not a whole snapshot of this format
     */
    static Contents read(Path file) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16),
                     1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IOException("not a jmanager group snapshot");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IOException("snapshot format version " + version + ", this registry reads version "
                        + VERSION);
            }
            long term = in.readLong();
            long index = in.readLong();
            ReplicaStore store = new ReplicaStore();
            for (int length = in.readInt(); length != -1; length = in.readInt()) {
                if (length < 4 || length > MAX_ENTRY_BYTES) {
                    throw new IOException("an entry of " + length + " bytes");
                }
                byte[] entry = new byte[length];
                in.readFully(entry);
                store.apply(entry);
            }
            long objects = in.readLong();
            long records = in.readLong();
            Map<Long, TreeMap<Long, byte[]>> read = store.detach();
            long readRecords = read.values().stream().mapToLong(TreeMap::size).sum();
            if (objects != read.size() || records != readRecords) {
                throw new IOException("the trailer counts " + objects + " objects and " + records + " records, the"
                        + " file holds " + read.size() + " and " + readRecords);
            }
            if (in.read() != -1) {
                throw new IOException("bytes after the end");
            }
            return new Contents(term, index, read, records);
        } catch (EOFException e) {
            throw new IOException("snapshot " + file + " is truncated", e);
        } catch (IOException | IllegalArgumentException e) {
            throw new IOException("snapshot " + file + " is damaged: " + e.getMessage(), e);
        }
    }
}
