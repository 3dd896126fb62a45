package io.jmanager.shm;

import static io.jmanager.shm.AreaLayout.*;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;

/**
 * One mapping of an area file in this JVM, shared by every {@link SharedMemory} handle of the area here (so that
 * the process has one identity in the area, and a lock held through one handle is held through all). Creates the
 * file atomically (owner-only, 0600) or validates an existing one before mapping it, claims a process slot, and
 * reads and adds object-table entries.
 *
 * <p>The mapping is never unmapped explicitly (the JDK unmaps it when it is no longer reachable): unmapping under a
 * thread that still uses it would crash the JVM.
 */
final class MappedArea {
    private static final Map<Path, MappedArea> OPEN = new HashMap<>();
    /** How long an open waits for another process that is creating the same area. */
    private static final long CREATION_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

    final String name;
    final Path path;
    final Memory memory;
    final ProcessTable processes;
    final long token;
    private final int capacity;
    private final RobustLock allocationLock;
    private final Map<Integer, RobustLock> locks = new ConcurrentHashMap<>();
    private int handles;
    /** The identity (device, inode) of the file that was mapped, or null where the file system has none. */
    private final Object fileKey;

    private MappedArea(String name, Path path, MappedByteBuffer buffer) {
        this.name = name;
        this.path = path;
        this.fileKey = fileKeyOf(path);
        this.memory = new Memory(buffer, name);
        this.capacity = buffer.capacity();
        this.processes = new ProcessTable(memory, name);
        this.token = processes.claim();
        this.allocationLock = new RobustLock(memory, processes, ALLOCATION_LOCK, token);
    }

    /** The file of the area {@code name} in {@code directory}. */
    static Path fileOf(Path directory, String name) {
        return directory.resolve("jmanager." + name);
    }

    /**
     * Opens (creating it if {@code create}) and returns this JVM's mapping of the area, counting one more handle.
     *
     * @throws SharedMemoryException if the file is refused, or does not exist and {@code create} is false
     */
    static MappedArea acquire(String name, SharedMemoryOptions options, boolean create) {
        Path path = fileOf(options.directory(), name).toAbsolutePath().normalize();
        synchronized (OPEN) {
            MappedArea area = OPEN.get(path);
            if (area != null && !area.isStillTheFile()) {
                OPEN.remove(path); // removed and created again by someone: its handles keep the old mapping
                area = null;
            }
            if (area == null) {
                if (!create && !Files.exists(path)) {
                    throw new SharedMemoryException("no shared-memory area '" + name + "' in " + path.getParent()
                            + " (no file " + path.getFileName() + "); `worker.jar shm ls` lists the areas there");
                }
                area = new MappedArea(name, path, map(name, path, options.capacity()));
                OPEN.put(path, area);
            }
            area.handles++;
            return area;
        }
    }

    /** Counts one handle less; the last one frees this process's slot. */
    void releaseHandle() {
        synchronized (OPEN) {
            if (--handles == 0) {
                OPEN.remove(path, this);
                releaseSlot();
            }
        }
    }

    /** Frees this process's slot; a mapping whose file was truncated has no slot left to free. */
    private void releaseSlot() {
        if (memory.isLost()) {
            return; // touching it again would only fault again
        }
        try {
            processes.release(token);
        } catch (InternalError fault) {
            memory.fault(fault);
        }
    }

    /**
     * Forgets this JVM's mapping of a file that is being removed, so that a later open creates a new area; handles
     * still open keep using the old mapping (and this process's slot in it), as POSIX shared memory does.
     */
    static void forget(Path path) {
        synchronized (OPEN) {
            OPEN.remove(path.toAbsolutePath().normalize());
        }
    }

    /** Whether the file at {@link #path} is still the one this mapping was made from. */
    private boolean isStillTheFile() {
        try {
            return fileKey != null && fileKey.equals(Files.readAttributes(path, BasicFileAttributes.class).fileKey());
        } catch (IOException gone) {
            return false;
        }
    }

    private static Object fileKeyOf(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    int capacity() {
        return capacity;
    }

    /** The process-wide lock object of the lock block at {@code offset}. */
    RobustLock lockAt(int offset) {
        return locks.computeIfAbsent(offset, o -> new RobustLock(memory, processes, o, token));
    }

    // ---- the file ----

    private static MappedByteBuffer map(String name, Path path, long capacity) {
        try {
            Files.createDirectories(path.getParent());
            boolean created;
            try {
                Files.createFile(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
                created = true;
            } catch (FileAlreadyExistsException exists) {
                created = false;
            } catch (UnsupportedOperationException noPosix) {
                Files.createFile(path);
                created = true;
            }
            if (created) {
                return create(name, path, capacity);
            }
            return openExisting(name, path);
        } catch (IOException e) {
            throw new SharedMemoryException("shared memory '" + name + "': cannot open " + path + ": " + e, e);
        }
    }

    private static MappedByteBuffer create(String name, Path path, long capacity) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(path.toFile(), "rw")) {
            file.setLength(capacity);
            MappedByteBuffer buffer = file.getChannel().map(FileChannel.MapMode.READ_WRITE, 0, capacity);
            Memory memory = new Memory(buffer, name);
            memory.setLongPlain(H_MAGIC, MAGIC);
            memory.setIntPlain(H_VERSION, VERSION);
            memory.setLongPlain(H_CAPACITY, capacity);
            memory.setIntPlain(H_SLOTS, SLOTS);
            memory.setIntPlain(H_ENTRIES, ENTRIES);
            memory.setIntPlain(H_PROCESS_TABLE, PROCESS_TABLE);
            memory.setIntPlain(H_OBJECT_TABLE, OBJECT_TABLE);
            memory.setIntPlain(H_DATA, DATA);
            memory.setLongPlain(H_CREATED, System.currentTimeMillis());
            memory.setIntPlain(H_CRC, headerCrc(buffer));
            memory.setLongPlain(H_NEXT_FREE, DATA);
            memory.setLongPlain(H_HIGH_WATER, DATA);
            memory.setIntRelease(H_READY, 1);
            return buffer;
        }
    }

    private static MappedByteBuffer openExisting(String name, Path path) throws IOException {
        checkOwnership(name, path);
        long deadline = System.nanoTime() + CREATION_WAIT_NANOS;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            while (true) {
                long size = channel.size();
                ByteBuffer head = ByteBuffer.allocate(H_NEXT_FREE).order(ByteOrder.LITTLE_ENDIAN);
                channel.read(head, 0);
                head.flip();
                if (!startsLikeMagic(head)) {
                    throw refused(name, path, "it is not a jmanager shared-memory area (no JMGR-SHM magic at its start)",
                            "remove it, or choose another name");
                }
                if (size > 0 && size < MIN_CAPACITY) {
                    // A creator sizes the file to its capacity before it writes anything: this is no area being
                    // created, but one cut short (waiting for its creator would only delay the same refusal).
                    throw refused(name, path, "it is truncated: " + size + " bytes, less than the smallest area ("
                            + MIN_CAPACITY + " bytes)", "remove it and create it again");
                }
                boolean ready = head.remaining() >= H_READY + 4 && head.getInt(H_READY) == 1;
                if (ready) {
                    // read again: the first read may have copied the header before the creator's last writes
                    head.clear();
                    channel.read(head, 0);
                    head.flip();
                    return validateAndMap(name, path, channel, head, channel.size());
                }
                if (System.nanoTime() - deadline > 0) {
                    String what = size == 0 ? "it is empty" : "its header was never completed";
                    throw refused(name, path, what + ": the process creating it died, or it is not a jmanager area",
                            "remove it (SharedMemory.destroy(\"" + name + "\") or `worker.jar shm rm " + name
                                    + "`) and open it again");
                }
                sleepBriefly();
            }
        } catch (NoSuchFileException removed) {
            throw new SharedMemoryException("shared memory '" + name + "': " + path + " was removed while being"
                    + " opened; open it again", removed);
        }
    }

    /**
     * Whether each of the first 8 bytes read (fewer in a shorter file) is the magic's or still zero, as in a file
     * whose creator has not yet written the magic, or is writing it.
     */
    private static boolean startsLikeMagic(ByteBuffer head) {
        for (int i = 0; i < Math.min(head.remaining(), 8); i++) {
            byte b = head.get(i);
            if (b != 0 && b != (byte) (MAGIC >>> (8 * i))) {
                return false;
            }
        }
        return true;
    }

    private static MappedByteBuffer validateAndMap(String name, Path path, FileChannel channel, ByteBuffer head,
                                                   long size) throws IOException {
        int version = head.getInt(H_VERSION);
        if (version != VERSION) {
            throw refused(name, path, "it has format version " + version + ", this library reads version " + VERSION,
                    "open it with the jmanager version that created it, or remove it");
        }
        if (head.getInt(H_CRC) != headerCrc(head)) {
            throw refused(name, path, "its header is damaged (checksum mismatch)", "remove it and create it again");
        }
        long capacity = head.getLong(H_CAPACITY);
        if (size < capacity) {
            throw refused(name, path, "it is truncated: " + size + " bytes where its header says " + capacity,
                    "remove it and create it again");
        }
        if (capacity < MIN_CAPACITY || capacity > MAX_CAPACITY || head.getInt(H_SLOTS) != SLOTS
                || head.getInt(H_ENTRIES) != ENTRIES || head.getInt(H_PROCESS_TABLE) != PROCESS_TABLE
                || head.getInt(H_OBJECT_TABLE) != OBJECT_TABLE || head.getInt(H_DATA) != DATA) {
            throw refused(name, path, "its header describes a layout this library does not use", "remove it");
        }
        return channel.map(FileChannel.MapMode.READ_WRITE, 0, capacity);
    }

    /** Refuses a file of another user, or one that its group or others may write. */
    private static void checkOwnership(String name, Path path) throws IOException {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class);
        } catch (UnsupportedOperationException noPosix) {
            return; // no POSIX permissions here (Windows): nothing to check
        }
        Object ownerUid = uid(path);
        Object myUid = uid(Path.of("/proc/self"));
        boolean otherUser = ownerUid != null && myUid != null ? !ownerUid.equals(myUid)
                : !attributes.owner().getName().equals(System.getProperty("user.name"));
        if (otherUser) {
            throw refused(name, path, "it belongs to user " + attributes.owner().getName() + ", not to this process's"
                    + " user", "open it as its owner, or remove it");
        }
        var permissions = attributes.permissions();
        if (permissions.contains(PosixFilePermission.GROUP_WRITE) || permissions.contains(PosixFilePermission.OTHERS_WRITE)) {
            throw refused(name, path, "other users may write it (permissions "
                    + PosixFilePermissions.toString(permissions) + "), so they could forge its locks and values",
                    "run `chmod 600 " + path + "` if you trust its contents, or remove it");
        }
    }

    private static Object uid(Path path) {
        try {
            return Files.getAttribute(path, "unix:uid");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException unknown) {
            return null;
        }
    }

    private static int headerCrc(ByteBuffer header) {
        CRC32C crc = new CRC32C();
        ByteBuffer view = header.duplicate();
        view.limit(H_CRC).position(0);
        crc.update(view);
        view.limit(H_IMMUTABLE_END).position(H_CRC + 4);
        crc.update(view);
        return (int) crc.getValue();
    }

    private static SharedMemoryException refused(String name, Path path, String what, String fix) {
        return new SharedMemoryException("shared memory '" + name + "': " + path + " is refused: " + what + "; "
                + fix + ". The file was not changed");
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new SharedMemoryException("interrupted while waiting for another process to create the area");
        }
    }

    // ---- the object table ----

    /** The number of entries in use; a count outside 0..{@value AreaLayout#ENTRIES} is damage. */
    private int count(boolean volatileRead) {
        int count = volatileRead ? memory.getIntVolatile(H_COUNT) : memory.getIntPlain(H_COUNT);
        if (count < 0 || count > ENTRIES) {
            throw new SharedMemoryException("shared memory '" + name + "': " + path + " is damaged: its object count "
                    + count + " is outside 0.." + ENTRIES + "; remove the area and create it again");
        }
        return count;
    }

    /** The ready entries, in table order. */
    List<Entry> entries() {
        int count = count(true);
        List<Entry> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            out.add(read(i));
        }
        return out;
    }

    /**
     * The entry named {@code name}, or null if there is none. Before answering null, every entry is checked: a
     * damaged one may be the object asked for under a damaged name, which must not be created a second time.
     */
    Entry find(String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        int count = count(true);
        for (int i = 0; i < count; i++) {
            int base = entry(i);
            if (memory.getIntPlain(base + E_NAME_LENGTH) == wanted.length && nameEquals(base, wanted)) {
                return read(i);
            }
        }
        for (int i = 0; i < count; i++) {
            read(i);
        }
        return null;
    }

    Entry entryAt(int index) {
        return read(index);
    }

    private boolean nameEquals(int base, byte[] wanted) {
        byte[] stored = new byte[wanted.length];
        memory.getBytes(base + E_NAME, stored);
        return java.util.Arrays.equals(stored, wanted);
    }

    private Entry read(int index) {
        int base = entry(index);
        if (memory.getIntVolatile(base + E_STATE) != ENTRY_READY) {
            throw damaged(index, "it is listed but not complete");
        }
        byte[] bytes = new byte[ENTRY_SIZE];
        memory.getBytes(base, bytes);
        ByteBuffer e = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (e.getInt(E_CRC) != entryCrc(bytes)) {
            throw damaged(index, "its checksum does not match");
        }
        ObjectKind kind = ObjectKind.of(e.getInt(E_KIND));
        int length = e.getInt(E_LENGTH);
        int lock = e.getInt(E_LOCK);
        long data = e.getLong(E_DATA);
        long size = e.getLong(E_DATA_SIZE);
        int nameLength = e.getInt(E_NAME_LENGTH);
        int specLength = e.getInt(E_SPEC_LENGTH);
        // data starts on a 64-byte boundary, as append places it: a misaligned offset would fail every access
        if (kind == null || length < 0 || lock < -1 || lock >= ENTRIES || data < DATA || (data & 63) != 0
                || size < 0 || data + size > capacity || nameLength < 1 || nameLength > NAME_MAX || specLength < 0
                || specLength > SPEC_MAX) {
            throw damaged(index, "its fields are out of range");
        }
        String entryName = new String(bytes, E_NAME, nameLength, StandardCharsets.UTF_8);
        String spec = new String(bytes, E_SPEC, specLength, StandardCharsets.US_ASCII);
        try {
            if (Entry.dataSize(kind, spec, length) != size) {
                throw damaged(index, "its size does not match its type");
            }
        } catch (IllegalArgumentException badSpec) {
            throw damaged(index, "its type is unreadable (" + badSpec.getMessage() + ")");
        }
        return new Entry(index, kind, length, lock, (int) data, (int) size, entryName, spec);
    }

    private SharedMemoryException damaged(int index, String what) {
        return new SharedMemoryException("shared memory '" + name + "': " + path + " is damaged: object entry " + index
                + " " + what + "; remove the area and create it again");
    }

    private static int entryCrc(byte[] entry) {
        CRC32C crc = new CRC32C();
        crc.update(entry, E_KIND, E_CRC - E_KIND);
        return (int) crc.getValue();
    }

    /** What a caller asks for when it opens an object by name. */
    interface Initializer {
        /** Writes the new object's initial data at {@code offset} (the bytes there are zero). */
        void initialize(Memory memory, int offset);
    }

    /**
     * Returns the entry named {@code name}, creating it (and, first, its own lock {@code <name>/lock} if
     * {@code ownLock}) under the allocation lock if it does not exist. The caller checks an existing entry.
     *
     * @param lockIndex the entry index of the lock that synchronizes the new object, or -1
     */
    Entry findOrCreate(String name, ObjectKind kind, String spec, int length, int lockIndex, boolean ownLock,
                       Initializer init) {
        Entry existing = find(name);
        if (existing != null) {
            return existing;
        }
        RobustLock.Grant grant;
        try {
            grant = allocationLock.acquire(-1, false, null);
        } catch (InterruptedException cannotHappen) {
            throw new AssertionError(cannotHappen);
        }
        // A creator that died under this lock left nothing to repair: an entry is counted only once complete.
        try {
            existing = find(name);
            if (existing != null) {
                return existing;
            }
            int lock = lockIndex;
            if (ownLock) {
                String lockName = name + "/lock";
                Entry own = find(lockName);
                if (own == null) {
                    own = append(lockName, ObjectKind.RLOCK, "", 0, -1, (m, o) -> { });
                } else if (!own.kind().isLock()) {
                    throw new io.jmanager.ObjectTypeMismatchException("'" + lockName + "' already exists in shared"
                            + " memory '" + this.name + "' as " + own.describe() + ", so it cannot be the lock of '"
                            + name + "'; use another name");
                }
                lock = own.index();
            }
            return append(name, kind, spec, length, lock, init);
        } finally {
            if (grant != RobustLock.Grant.TIMED_OUT) {
                allocationLock.release();
            }
        }
    }

    private Entry append(String name, ObjectKind kind, String spec, int length, int lock, Initializer init) {
        int index = count(false);
        if (index >= ENTRIES) {
            throw new SharedMemoryException("shared memory '" + this.name + "' holds " + ENTRIES
                    + " objects, its maximum; use another area for '" + name + "'");
        }
        long size = Entry.dataSize(kind, spec, length);
        long offset = align64(memory.getLongPlain(H_NEXT_FREE));
        if (offset < DATA || offset + size > capacity) {
            throw new SharedMemoryException("shared memory '" + this.name + "' is full: '" + name + "' needs " + size
                    + " bytes, " + Math.max(0, capacity - offset) + " are free of " + capacity + "; create the area with"
                    + " a larger capacity (SharedMemoryOptions.withCapacity) or use another area");
        }
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        byte[] specBytes = spec.getBytes(StandardCharsets.US_ASCII);
        if (nameBytes.length > NAME_MAX || specBytes.length > SPEC_MAX) {
            throw new IllegalArgumentException("name '" + name + "' or spec '" + spec + "' is too long for shared"
                    + " memory: names take at most " + NAME_MAX + " bytes and specs " + SPEC_MAX);
        }
        byte[] bytes = new byte[ENTRY_SIZE];
        ByteBuffer e = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        e.putInt(E_STATE, ENTRY_CREATING);
        e.putInt(E_KIND, kind.code);
        e.putInt(E_LENGTH, length);
        e.putInt(E_LOCK, lock);
        e.putLong(E_DATA, offset);
        e.putLong(E_DATA_SIZE, size);
        e.putInt(E_NAME_LENGTH, nameBytes.length);
        e.putInt(E_SPEC_LENGTH, specBytes.length);
        System.arraycopy(nameBytes, 0, bytes, E_NAME, nameBytes.length);
        System.arraycopy(specBytes, 0, bytes, E_SPEC, specBytes.length);
        e.putInt(E_CRC, entryCrc(bytes));
        int base = entry(index);
        memory.setIntRelease(base + E_STATE, ENTRY_CREATING);
        memory.putBytes(base, bytes);
        // a creation that crashed may have left bytes below the high-water mark; above it the file was never written
        long dirty = Math.min(offset + size, memory.getLongPlain(H_HIGH_WATER));
        if (dirty > offset) {
            memory.zero((int) offset, (int) (dirty - offset));
        }
        memory.setLongPlain(H_HIGH_WATER, Math.max(memory.getLongPlain(H_HIGH_WATER), offset + size));
        init.initialize(memory, (int) offset);
        memory.setLongPlain(H_NEXT_FREE, offset + size);
        memory.setIntRelease(base + E_STATE, ENTRY_READY);
        memory.setIntRelease(H_COUNT, index + 1);
        return read(index);
    }

    /** What {@code worker.jar shm show} prints: the processes that have the area open. */
    List<ProcessIdentity> processesAttached() {
        return processes.active();
    }

    long nextFree() {
        return memory.getLongPlain(H_NEXT_FREE);
    }

    long createdMillis() {
        return memory.getLongPlain(H_CREATED);
    }
}
