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
 * Both are charged to the registry's memory budget while they last: an export what its snapshot holds, an import
 * the bytes it collected. Thread-safe.
 */
final class StateTransfers {
    /** The largest import file accepted. */
    static final long MAX_IMPORT_BYTES = 1L << 30;

    private record Export(long session, StateArchive.PagedWriter writer, long charged) {
    }

    private record Import(long session, ByteArrayOutputStream bytes) {
    }

    private final io.jmanager.wire.MemoryBudget memory;

    StateTransfers() {
        this(io.jmanager.wire.MemoryBudget.unlimited());
    }

    StateTransfers(io.jmanager.wire.MemoryBudget memory) {
        this.memory = memory;
    }

    /**
     * Charges an export's snapshot of about {@code bytes} before it is taken; throws
     * {@link io.jmanager.RegistryLimitException} naming {@code --memory-budget} if it does not fit.
     */
    void chargeExport(long bytes) {
        memory.charge(bytes, "an export of the registry's state");
    }

    /** Gives back a charge taken by {@link #chargeExport} for an export that did not begin. */
    void releaseExport(long bytes) {
        memory.release(bytes);
    }

    private final Map<Long, Export> exports = new ConcurrentHashMap<>();
    private final Map<Long, Import> imports = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    /** Begins an export of {@code snapshot}, whose {@code charged} bytes were charged to the memory budget. */
    long beginExport(long session, List<StateArchive.ArchivedObject> snapshot, long charged) {
        long id = ids.incrementAndGet();
        exports.put(id, new Export(session, new StateArchive.PagedWriter(snapshot,
                RemoteManager.TRANSFER_CHUNK_BYTES / 2), charged));
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
            if (page.length == 0 && exports.remove(id) != null) {
                memory.release(export.charged());
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
                drop(id, in);
                throw new IllegalArgumentException("import file exceeds " + MAX_IMPORT_BYTES + " bytes; nothing"
                        + " was imported");
            }
            if (!memory.tryCharge(chunk.length)) {
                drop(id, in);
                throw new io.jmanager.RegistryLimitException(memory.refusal(chunk.length, "an import of "
                        + (in.bytes().size() + chunk.length) + " bytes") + "; the import was abandoned");
            }
            in.bytes().writeBytes(chunk);
        }
    }

    /**
     * Removes the import and returns its bytes. Their charge is given back: the objects made of them are charged
     * on their own.
     */
    byte[] takeImport(long session, long id) {
        Import in = importOf(session, id);
        synchronized (in) {
            byte[] bytes = in.bytes().toByteArray();
            drop(id, in);
            return bytes;
        }
    }

    /** Forgets an import and gives back its charge. */
    private void drop(long id, Import in) {
        synchronized (in) {
            if (imports.remove(id) != null) {
                memory.release(in.bytes().size());
            }
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
        exports.forEach((id, e) -> {
            if (e.session() == session && exports.remove(id, e)) {
                memory.release(e.charged());
            }
        });
        imports.forEach((id, in) -> {
            if (in.session() == session) {
                drop(id, in);
            }
        });
    }
}
