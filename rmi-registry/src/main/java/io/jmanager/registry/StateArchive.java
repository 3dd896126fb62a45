package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * jmanager's portable state format, for {@code worker.jar export} and {@code import}: a gzip stream (whose CRC-32
 * and length trailer catch damage) holding
 *
 * <pre>
 *   "JMANAGER-STATE\n"  format version (int, 1)
 *   per object:  'O'  name (modified UTF-8)  spec length (int)  spec ({@link ObjectSpec#toBytes()})
 *                record count (int)  per record: key (long)  length (int)  bytes
 *   end:         'E'  object count (long)  record count (long)
 * </pre>
 *
 * all numbers big-endian. The records are each object type's own (see the Javadoc of each state machine); the
 * same records a data directory holds, so a file moves state between in-memory and durable registries.
 */
final class StateArchive {
    private static final byte[] MAGIC = "JMANAGER-STATE\n".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;

    /** One object of an archive. */
    record ArchivedObject(String name, ObjectSpec spec, List<Map.Entry<Long, byte[]>> records) {
    }

    private StateArchive() {
    }

    /**
     * Writes an archive page by page: {@link #nextPage()} returns about {@code pageBytes} of the file at a time, so
     * that a large state travels in bounded calls. Not thread-safe.
     */
    static final class PagedWriter {
        private final List<ArchivedObject> objects;
        private final int pageBytes;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final DataOutputStream out;
        private int object;
        private int record = -1;
        private long records;
        private boolean finished;

        PagedWriter(List<ArchivedObject> objects, int pageBytes) {
            this.objects = objects;
            this.pageBytes = pageBytes;
            try {
                this.out = new DataOutputStream(new GZIPOutputStream(buffer, 1 << 16));
                out.write(MAGIC);
                out.writeInt(VERSION);
            } catch (IOException e) {
                throw new IllegalStateException("impossible: writing to memory failed", e);
            }
        }

        /** The next bytes of the file; empty once the whole file was returned. */
        byte[] nextPage() {
            try {
                while (!finished && buffer.size() < pageBytes) {
                    writeSome();
                }
            } catch (IOException e) {
                throw new IllegalStateException("impossible: writing to memory failed", e);
            }
            byte[] page = buffer.toByteArray();
            buffer.reset();
            return page;
        }

        private void writeSome() throws IOException {
            if (object == objects.size()) {
                out.writeByte('E');
                out.writeLong(objects.size());
                out.writeLong(records);
                out.close();
                finished = true;
                return;
            }
            ArchivedObject o = objects.get(object);
            if (record < 0) {
                byte[] spec = o.spec().toBytes();
                out.writeByte('O');
                out.writeUTF(o.name());
                out.writeInt(spec.length);
                out.write(spec);
                out.writeInt(o.records().size());
                record = 0;
            }
            int end = Math.min(o.records().size(), record + 256);
            for (; record < end; record++) {
                Map.Entry<Long, byte[]> r = o.records().get(record);
                out.writeLong(r.getKey());
                out.writeInt(r.getValue().length);
                out.write(r.getValue());
                records++;
            }
            if (record == o.records().size()) {
                object++;
                record = -1;
            }
        }
    }

    /**
     * Reads a whole archive and checks it: magic, version, every length against {@code maxRecordBytes}, the end
     * marker's counts, and the gzip trailer.
     *
     * @throws IllegalArgumentException naming what is wrong, if it is not a complete, intact archive
     */
    static List<ArchivedObject> read(InputStream file, int maxRecordBytes) {
        List<ArchivedObject> objects = new ArrayList<>();
        try (DataInputStream in = new DataInputStream(new GZIPInputStream(file, 1 << 16))) {
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC)) {
                throw new IllegalArgumentException("not a jmanager export file (wrong header)");
            }
            int version = in.readInt();
            if (version != VERSION) {
                throw new IllegalArgumentException("export format " + version + " is not supported (this registry"
                        + " reads format " + VERSION + ")");
            }
            long records = 0;
            while (true) {
                int tag = in.readUnsignedByte();
                if (tag == 'E') {
                    long objectCount = in.readLong();
                    long recordCount = in.readLong();
                    if (objectCount != objects.size() || recordCount != records) {
                        throw new IllegalArgumentException("export file counts do not match its contents ("
                                + objects.size() + " objects and " + records + " records read, " + objectCount
                                + " and " + recordCount + " announced)");
                    }
                    if (in.read() != -1) {
                        throw new IllegalArgumentException("export file has data after its end marker");
                    }
                    return objects;
                }
                if (tag != 'O') {
                    throw new IllegalArgumentException("export file is damaged (unexpected byte " + tag + " after "
                            + objects.size() + " objects)");
                }
                String name = in.readUTF();
                ObjectSpec spec = ObjectSpec.fromBytes(readBytes(in, 1 << 20, "spec of '" + name + "'"));
                int count = in.readInt();
                if (count < 0) {
                    throw new IllegalArgumentException("export file is damaged (negative record count for '"
                            + name + "')");
                }
                List<Map.Entry<Long, byte[]>> list = new ArrayList<>(Math.min(count, 1 << 16));
                for (int i = 0; i < count; i++) {
                    long key = in.readLong();
                    list.add(new AbstractMap.SimpleImmutableEntry<>(key,
                            readBytes(in, maxRecordBytes, "a record of '" + name + "'")));
                }
                records += count;
                objects.add(new ArchivedObject(name, spec, list));
            }
        } catch (EOFException e) {
            throw new IllegalArgumentException("export file is truncated (it ends after " + objects.size()
                    + " complete objects)", e);
        } catch (ZipException e) {
            throw new IllegalArgumentException("export file is damaged or not gzip (" + e.getMessage() + ")", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("export file cannot be read: " + e, e);
        }
    }

    private static byte[] readBytes(DataInputStream in, int max, String what) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > max) {
            throw new IllegalArgumentException("export file is damaged or exceeds this registry's limits: " + what
                    + " of " + length + " bytes (limit " + max + ")");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
