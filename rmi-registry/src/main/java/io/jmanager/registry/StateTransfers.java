package io.jmanager.registry;

import io.jmanager.wire.RemoteManager;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Exports and imports in progress, each owned by one session and dropped when it ends. An export is a
 * {@link StateArchive.PagedWriter} over a snapshot; an import collects the file's bytes until it is finished.
 * Thread-safe.
 */
final class StateTransfers {
    /** The largest import file accepted. */
    static final long MAX_IMPORT_BYTES = 1L << 30;

    private record Export(long session, StateArchive.PagedWriter writer) {
    }

    private record Import(long session, ByteArrayOutputStream bytes) {
    }

    private final Map<Long, Export> exports = new ConcurrentHashMap<>();
    private final Map<Long, Import> imports = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    long beginExport(long session, List<StateArchive.ArchivedObject> snapshot) {
        long id = ids.incrementAndGet();
        exports.put(id, new Export(session, new StateArchive.PagedWriter(snapshot,
                RemoteManager.TRANSFER_CHUNK_BYTES / 2)));
        return id;
    }

    /** The next page of an export; the export is dropped after its last (empty) page. */
    byte[] exportPage(long session, long id) {
        Export export = exports.get(id);
        if (export == null || export.session() != session) {
            throw new IllegalArgumentException("no export " + id + " in progress for session " + session
                    + " (finished, or its session ended); start a new export");
        }
        synchronized (export) {
            byte[] page = export.writer().nextPage();
            if (page.length == 0) {
                exports.remove(id);
            }
            return page;
        }
    }

    long beginImport(long session) {
        long id = ids.incrementAndGet();
        imports.put(id, new Import(session, new ByteArrayOutputStream()));
        return id;
    }

    void importChunk(long session, long id, byte[] chunk) {
        Import in = importOf(session, id);
        if (chunk.length > RemoteManager.TRANSFER_CHUNK_BYTES) {
            throw new IllegalArgumentException("import chunk of " + chunk.length + " bytes exceeds "
                    + RemoteManager.TRANSFER_CHUNK_BYTES);
        }
        synchronized (in) {
            if (in.bytes().size() + (long) chunk.length > MAX_IMPORT_BYTES) {
                imports.remove(id);
                throw new IllegalArgumentException("import file exceeds " + MAX_IMPORT_BYTES + " bytes; nothing"
                        + " was imported");
            }
            in.bytes().writeBytes(chunk);
        }
    }

    /** Removes the import and returns its bytes. */
    byte[] takeImport(long session, long id) {
        Import in = importOf(session, id);
        imports.remove(id);
        synchronized (in) {
            return in.bytes().toByteArray();
        }
    }

    private Import importOf(long session, long id) {
        Import in = imports.get(id);
        if (in == null || in.session() != session) {
            throw new IllegalArgumentException("no import " + id + " in progress for session " + session
                    + " (finished, failed, or its session ended); start the import again");
        }
        return in;
    }

    /** Drops what an ended session had in progress. */
    void sessionEnded(long session) {
        exports.values().removeIf(e -> e.session() == session);
        imports.values().removeIf(i -> i.session() == session);
    }
}
