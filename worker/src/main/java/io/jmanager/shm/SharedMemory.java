package io.jmanager.shm;

import io.jmanager.ObjectTypeMismatchException;
import io.jmanager.RecordMapper;
import io.jmanager.SharedLock;
import io.jmanager.SharedReentrantLock;
import io.jmanager.StructLayout;
import io.jmanager.TypeCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * A named area of memory that processes on one host map, holding values, arrays, struct arrays and locks: Python's
 * {@code multiprocessing.Value}, {@code Array}, {@code sharedctypes} and {@code Lock}/{@code RLock} for JVMs. Java
 * has no {@code fork}, so processes find an area and its objects by name instead of inheriting them.
 *
 * <pre>{@code
 * try (SharedMemory shm = SharedMemory.open("demo")) {
 *     MappedValue<Integer> n = shm.value("n", 'i', 7);              // Value('i', 7): get-or-create by name
 *     n.addAndGet(1);                                             // atomic, no lock needed
 *     SharedLock lock = n.getLock();                              // get_lock(), for compound updates
 *     lock.lock();
 *     try { n.set(n.get() * n.get()); } finally { lock.unlock(); }
 * }
 * }</pre>
 *
 * <p>The objects implement the same interfaces as a registry's ({@link io.jmanager.SharedValue},
 * {@link io.jmanager.SharedArray}, {@link io.jmanager.SharedStructArray}, {@link SharedLock}), so code moves between
 * "same host" and "any host" by changing where the object comes from. Their operations are memory accesses: tens
 * of nanoseconds instead of a registry's tens of microseconds. What is atomic is described by {@link Locking}.
 *
 * <p><b>Lifetime.</b> An area is a file ({@code jmanager.<name>} in {@link SharedMemoryOptions#directory()},
 * {@code /dev/shm} by default) and lives, like POSIX shared memory, until it is removed with {@link #destroy} or
 * {@code worker.jar shm rm}, whichever processes created or opened it. Objects live as long as their area. The file
 * is created owner-only (0600); a file of another user, one others may write, a foreign, truncated or damaged file
 * is refused with {@link SharedMemoryException} and left untouched. Remove an area, never truncate its file while
 * processes use it: that takes pages from under their mappings, and the JDK reports it late or not at all (an
 * operation throws {@link SharedMemoryException} at best; a read may return garbage and an {@link InternalError}
 * surface later; a compare-and-set run by the interpreter kills the JVM with SIGBUS, as it would a C program).
 *
 * <p><b>Locks survive a dead holder.</b> A process that dies holding a shared-memory lock does not block the others:
 * the next locker takes it over and is told with {@link OwnerDiedException}. A stopped process still holds its
 * locks. Processes in other pid namespaces (other containers) share the memory and the locks, but a waiter cannot
 * see whether such an owner died, so it waits for it.
 *
 * <p>Handles are thread-safe. Several handles of one area in one JVM share one mapping: the process is one owner.
 * Closing a handle makes its objects unusable ({@link IllegalStateException}); closing the last handle of a process
 * lets others take over the locks it still held, as if it had died.
 */
public final class SharedMemory implements AutoCloseable {
    private final MappedArea area;
    private final String name;
    private volatile boolean closed;

    private SharedMemory(MappedArea area, String name) {
        this.area = area;
        this.name = name;
    }

    /** Opens the area {@code name} in the default directory, creating it with the default capacity if needed. */
    public static SharedMemory open(String name) {
        return open(name, SharedMemoryOptions.defaults());
    }

    /**
     * Opens the area {@code name}, creating it if it does not exist.
     *
     * @throws IllegalArgumentException if the name is not 1 to 200 letters, digits and {@code . _ -}
     * @throws SharedMemoryException    if the file is refused (foreign, damaged, truncated, another user's, writable
     *                                  by others) or cannot be created
     */
    public static SharedMemory open(String name, SharedMemoryOptions options) {
        checkAreaName(name);
        Objects.requireNonNull(options, "options");
        return new SharedMemory(MappedArea.acquire(name, options, true), name);
    }

    /**
     * Opens the existing area {@code name}; never creates one.
     *
     * @throws SharedMemoryException if there is no such area, or its file is refused
     */
    public static SharedMemory openExisting(String name, SharedMemoryOptions options) {
        checkAreaName(name);
        Objects.requireNonNull(options, "options");
        return new SharedMemory(MappedArea.acquire(name, options, false), name);
    }

    /**
     * Removes the area {@code name} from the default directory, like {@code shm_unlink}: processes that have it open
     * keep using their mapping; the next open creates a new area.
     *
     * @return whether there was such an area
     */
    public static boolean destroy(String name) {
        return destroy(name, SharedMemoryOptions.defaults());
    }

    /** Removes the area {@code name} from {@code options.directory()}; see {@link #destroy(String)}. */
    public static boolean destroy(String name, SharedMemoryOptions options) {
        checkAreaName(name);
        Path path = MappedArea.fileOf(options.directory(), name);
        MappedArea.forget(path);
        try {
            return Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new SharedMemoryException("shared memory '" + name + "': cannot remove " + path + ": " + e, e);
        }
    }

    /** The names of the areas in {@code options.directory()}, sorted. */
    public static List<String> list(SharedMemoryOptions options) {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(options.directory(), "jmanager.*")) {
            for (Path file : files) {
                names.add(file.getFileName().toString().substring("jmanager.".length()));
            }
        } catch (NoSuchFileException none) {
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + options.directory(), e);
        }
        names.sort(null);
        return names;
    }

    /** The file of the area {@code name} under {@code options}. */
    public static Path fileOf(String name, SharedMemoryOptions options) {
        checkAreaName(name);
        return MappedArea.fileOf(options.directory(), name);
    }

    /** The area's name. */
    public String name() {
        return name;
    }

    /** The area's file. */
    public Path path() {
        return area.path;
    }

    /** The area's size in bytes, fixed when it was created. */
    public long capacity() {
        return area.capacity();
    }

    /** The bytes of the data region in use by objects. */
    public long used() {
        return area.nextFree() - AreaLayout.DATA;
    }

    // ---- values ----

    /** {@code Value(typeCode, initial)} with its own lock; get-or-create by name. */
    public <T> MappedValue<T> value(String name, char typeCode, T initial) {
        return value(name, TypeCode.of(typeCode), initial, Locking.OWN);
    }

    /** {@code Value(typeCode, initial, lock=...)}; get-or-create by name (an existing value keeps its value). */
    public <T> MappedValue<T> value(String name, char typeCode, T initial, Locking locking) {
        return value(name, TypeCode.of(typeCode), initial, locking);
    }

    /** {@code Value(typeCode, initial)} with its own lock; get-or-create by name. */
    public <T> MappedValue<T> value(String name, TypeCode typeCode, T initial) {
        return value(name, typeCode, initial, Locking.OWN);
    }

    /**
     * {@code Value(typeCode, initial, lock=...)}: get-or-create by name; an existing value keeps its value.
     *
     * @throws IllegalArgumentException     if {@code initial} does not fit the typecode (nothing is created)
     * @throws ObjectTypeMismatchException  if {@code name} exists as something else, or with another typecode or lock
     */
    public <T> MappedValue<T> value(String name, TypeCode typeCode, T initial, Locking locking) {
        Objects.requireNonNull(typeCode, "typeCode");
        long bits = typeCode.toBits(initial);
        Entry entry = open(name, ObjectKind.VALUE, String.valueOf(typeCode.code()), 1, locking,
                (memory, offset) -> memory.write(typeCode, offset, bits));
        return new AreaValue<>(this, name, entry.dataOffset(), lockOf(entry), typeCode);
    }

    // ---- arrays ----

    /** {@code Array(typeCode, length)} of zeros with its own lock; get-or-create by name. */
    public <T> MappedArray<T> array(String name, char typeCode, int length) {
        return array(name, TypeCode.of(typeCode), length, Locking.OWN);
    }

    /** {@code Array(typeCode, length, lock=...)} of zeros; get-or-create by name. */
    public <T> MappedArray<T> array(String name, char typeCode, int length, Locking locking) {
        return array(name, TypeCode.of(typeCode), length, locking);
    }

    /** {@code Array(typeCode, length)} of zeros with its own lock; get-or-create by name. */
    public <T> MappedArray<T> array(String name, TypeCode typeCode, int length) {
        return array(name, typeCode, length, Locking.OWN);
    }

    /**
     * {@code Array(typeCode, length, lock=...)} of zeros; get-or-create by name.
     *
     * @throws ObjectTypeMismatchException if {@code name} exists as something else, or with another typecode,
     *                                     length or lock
     */
    public <T> MappedArray<T> array(String name, TypeCode typeCode, int length, Locking locking) {
        Objects.requireNonNull(typeCode, "typeCode");
        checkLength(length);
        Entry entry = open(name, ObjectKind.ARRAY, String.valueOf(typeCode.code()), length, locking, (m, o) -> { });
        return new AreaArray<>(this, name, entry.dataOffset(), lockOf(entry), typeCode, length);
    }

    /** {@code Array(typeCode, initial)} with its own lock; get-or-create by name. */
    public <T> MappedArray<T> array(String name, char typeCode, Collection<? extends T> initial) {
        return array(name, TypeCode.of(typeCode), initial, Locking.OWN);
    }

    /** {@code Array(typeCode, initial, lock=...)}; get-or-create by name. */
    public <T> MappedArray<T> array(String name, char typeCode, Collection<? extends T> initial, Locking locking) {
        return array(name, TypeCode.of(typeCode), initial, locking);
    }

    /** {@code Array(typeCode, initial)} with its own lock; get-or-create by name. */
    public <T> MappedArray<T> array(String name, TypeCode typeCode, Collection<? extends T> initial) {
        return array(name, typeCode, initial, Locking.OWN);
    }

    /**
     * {@code Array(typeCode, initial, lock=...)}: get-or-create by name; the length is {@code initial.size()}; an
     * existing array keeps its elements.
     *
     * @throws IllegalArgumentException    if an element does not fit the typecode (nothing is created)
     * @throws ObjectTypeMismatchException if {@code name} exists as something else, or with another typecode,
     *                                     length or lock
     */
    public <T> MappedArray<T> array(String name, TypeCode typeCode, Collection<? extends T> initial, Locking locking) {
        Objects.requireNonNull(typeCode, "typeCode");
        Objects.requireNonNull(initial, "initial");
        long[] bits = new long[initial.size()];
        int i = 0;
        for (T element : initial) {
            bits[i++] = typeCode.toBits(element);
        }
        return arrayOfBits(name, typeCode, bits, locking);
    }

    /** {@code Array('c', b"hello world")} with its own lock; get-or-create by name. */
    public MappedArray<Byte> array(String name, char typeCode, byte[] initial) {
        return array(name, typeCode, initial, Locking.OWN);
    }

    /** {@code Array('c', b"...", lock=...)}: a {@code 'c'} (or any integer typecode) array from bytes. */
    public MappedArray<Byte> array(String name, char typeCode, byte[] initial, Locking locking) {
        TypeCode code = TypeCode.of(typeCode);
        Objects.requireNonNull(initial, "initial");
        long[] bits = new long[initial.length];
        for (int i = 0; i < bits.length; i++) {
            bits[i] = code.toBits(initial[i]);
        }
        return arrayOfBits(name, code, bits, locking);
    }

    private <T> MappedArray<T> arrayOfBits(String name, TypeCode code, long[] bits, Locking locking) {
        Entry entry = open(name, ObjectKind.ARRAY, String.valueOf(code.code()), bits.length, locking,
                (memory, offset) -> {
                    for (int i = 0; i < bits.length; i++) {
                        memory.write(code, offset + i * code.byteSize(), bits[i]);
                    }
                });
        return new AreaArray<>(this, name, entry.dataOffset(), lockOf(entry), code, bits.length);
    }

    // ---- struct arrays ----

    /** {@code Array(Point, [...])} with its own lock; get-or-create by name. */
    public <R extends Record> MappedStructArray<R> structArray(String name, Class<R> type, List<R> initial) {
        return structArray(name, type, initial, Locking.OWN);
    }

    /**
     * {@code Array(Point, [...], lock=...)}: an array of structs laid out from a record of primitives; the length is
     * {@code initial.size()}; get-or-create by name (an existing array keeps its elements).
     *
     * @throws IllegalArgumentException    if the record has a component that is not a primitive
     * @throws ObjectTypeMismatchException if {@code name} exists as something else, or with another layout, length
     *                                     or lock
     */
    public <R extends Record> MappedStructArray<R> structArray(String name, Class<R> type, List<R> initial,
                                                               Locking locking) {
        RecordMapper<R> mapper = RecordMapper.of(type);
        StructLayout layout = mapper.layout();
        int fields = layout.fieldCount();
        long[] bits = new long[initial.size() * fields];
        for (int i = 0; i < initial.size(); i++) {
            mapper.toBits(initial.get(i), bits, i * fields);
        }
        StructOffsets offsets = new StructOffsets(layout);
        Entry entry = open(name, ObjectKind.STRUCT_ARRAY, layout.spec(), initial.size(), locking, (memory, offset) -> {
            for (int i = 0; i < initial.size(); i++) {
                for (int f = 0; f < fields; f++) {
                    memory.write(layout.fieldType(f), offset + i * offsets.elementSize() + offsets.offset(f),
                            bits[i * fields + f]);
                }
            }
        });
        return new AreaStructArray<>(this, name, entry.dataOffset(), lockOf(entry), layout, mapper, initial.size());
    }

    /** An array of {@code length} zeroed structs with its own lock; get-or-create by name. */
    public <R extends Record> MappedStructArray<R> structArray(String name, Class<R> type, int length) {
        return structArray(name, type, length, Locking.OWN);
    }

    /** An array of {@code length} zeroed structs; get-or-create by name. */
    public <R extends Record> MappedStructArray<R> structArray(String name, Class<R> type, int length,
                                                               Locking locking) {
        checkLength(length);
        RecordMapper<R> mapper = RecordMapper.of(type);
        Entry entry = open(name, ObjectKind.STRUCT_ARRAY, mapper.layout().spec(), length, locking, (m, o) -> { });
        return new AreaStructArray<>(this, name, entry.dataOffset(), lockOf(entry), mapper.layout(), mapper, length);
    }

    // ---- locks ----

    /** A lock, Python's {@code multiprocessing.Lock()}: not reentrant; get-or-create by name. */
    public SharedLock lock(String name) {
        Entry entry = open(name, ObjectKind.LOCK, "", 0, Locking.NONE, (m, o) -> { });
        return new AreaLock(this, name, entry.dataOffset(), area.lockAt(entry.dataOffset()), false);
    }

    /** A reentrant lock, Python's {@code multiprocessing.RLock()}; get-or-create by name. */
    public SharedReentrantLock rlock(String name) {
        Entry entry = open(name, ObjectKind.RLOCK, "", 0, Locking.NONE, (m, o) -> { });
        return new AreaRLock(this, name, entry.dataOffset(), area.lockAt(entry.dataOffset()));
    }

    // ---- inspection ----

    /**
     * The existing object {@code name}, whatever it is: a {@link MappedValue}, {@link MappedArray},
     * {@link MappedStructArray} (without its record type: use {@code getField}) or lock.
     *
     * @throws io.jmanager.NoSuchSharedObjectException if there is none
     */
    public io.jmanager.SharedObject attach(String name) {
        checkOpen();
        try {
            Entry entry = area.find(name);
            if (entry == null) {
                throw new io.jmanager.NoSuchSharedObjectException("shared memory '" + this.name + "' has no object '"
                        + name + "'; it has " + names());
            }
            return objectOf(entry);
        } catch (InternalError fault) {
            throw area.memory.fault(fault);
        }
    }

    private io.jmanager.SharedObject objectOf(Entry entry) {
        AreaLock lock = lockOf(entry);
        switch (entry.kind()) {
            case VALUE:
                return new AreaValue<>(this, entry.name(), entry.dataOffset(), lock, TypeCode.of(entry.spec()));
            case ARRAY:
                return new AreaArray<>(this, entry.name(), entry.dataOffset(), lock, TypeCode.of(entry.spec()),
                        entry.length());
            case STRUCT_ARRAY:
                return new AreaStructArray<>(this, entry.name(), entry.dataOffset(), lock,
                        StructLayout.parse(entry.spec()), null, entry.length());
            case LOCK:
                return new AreaLock(this, entry.name(), entry.dataOffset(), area.lockAt(entry.dataOffset()), false);
            default:
                return new AreaRLock(this, entry.name(), entry.dataOffset(), area.lockAt(entry.dataOffset()));
        }
    }

    /** The names of the area's objects, in creation order. */
    public List<String> names() {
        checkOpen();
        List<String> names = new ArrayList<>();
        try {
            for (Entry entry : area.entries()) {
                names.add(entry.name());
            }
        } catch (InternalError fault) {
            throw area.memory.fault(fault);
        }
        return names;
    }

    /**
     * One object of an area, as {@code worker.jar shm show} prints it.
     *
     * @param name        its name
     * @param description e.g. {@code an array of 5 'i'}
     * @param lock        the name of the lock that synchronizes it, or null
     * @param holderPid   for a lock, the pid of the process holding it (0 if free, -1 if unknown)
     * @param bytes       its size in the area
     * @param preview     its value as Python prints it (arrays cut after {@code maxElements}), read without taking
     *                    its lock: each element is read atomically, the whole is not a snapshot; for a lock, its
     *                    holder
     */
    public record ObjectInfo(String name, String description, String lock, long holderPid, long bytes,
                             String preview) {
    }

    /** Every object of the area, in creation order, with arrays previewed up to 20 elements. */
    public List<ObjectInfo> objects() {
        return objects(20);
    }

    /** Every object of the area, in creation order, with arrays previewed up to {@code maxElements} elements. */
    public List<ObjectInfo> objects(int maxElements) {
        checkOpen();
        List<ObjectInfo> out = new ArrayList<>();
        try {
            for (Entry entry : area.entries()) {
                String lock = entry.lockIndex() < 0 ? null : area.entryAt(entry.lockIndex()).name();
                long holder = 0;
                if (entry.kind().isLock()) {
                    long owner = area.lockAt(entry.dataOffset()).ownerToken();
                    holder = owner == 0 ? 0 : area.processes.pidOf(owner);
                }
                String preview = Preview.of(entry, area.memory, area.processes, maxElements);
                out.add(new ObjectInfo(entry.name(), entry.describe(), lock, holder, entry.dataSize(), preview));
            }
        } catch (InternalError fault) {
            throw area.memory.fault(fault);
        }
        return out;
    }

    /** The pids of the processes that have the area open (in this pid namespace's numbering where it is ours). */
    public List<Long> attachedPids() {
        checkOpen();
        List<Long> pids = new ArrayList<>();
        try {
            for (ProcessIdentity identity : area.processesAttached()) {
                pids.add(identity.pid());
            }
        } catch (InternalError fault) {
            throw area.memory.fault(fault);
        }
        return pids;
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Closes this handle; its objects throw {@link IllegalStateException} afterwards, and threads waiting for one of
     * its locks stop waiting with that exception. Idempotent.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        area.releaseHandle();
    }

    @Override
    public String toString() {
        return "SharedMemory('" + name + "', " + area.path + ")";
    }

    // ---- internals ----

    MappedArea area() {
        return area;
    }

    Memory memory() {
        return area.memory;
    }

    void checkOpen() {
        if (closed) {
            throw new IllegalStateException("shared memory '" + name + "' is closed: open it again");
        }
        area.memory.checkUsable();
    }

    private AreaLock lockOf(Entry entry) {
        if (entry.lockIndex() < 0) {
            return null;
        }
        Entry lock = area.entryAt(entry.lockIndex());
        if (!lock.kind().isLock()) {
            throw new SharedMemoryException("shared memory '" + name + "': " + area.path + " is damaged: the lock of '"
                    + entry.name() + "' is " + lock.describe() + "; remove the area and create it again");
        }
        RobustLock core = area.lockAt(lock.dataOffset());
        return lock.kind() == ObjectKind.RLOCK ? new AreaRLock(this, lock.name(), lock.dataOffset(), core)
                : new AreaLock(this, lock.name(), lock.dataOffset(), core, false);
    }

    /** Finds or creates an entry and checks that an existing one is what was asked for. */
    private Entry open(String objectName, ObjectKind kind, String spec, int length, Locking locking,
                       MappedArea.Initializer init) {
        checkOpen();
        checkObjectName(objectName);
        Objects.requireNonNull(locking, "locking: use Locking.OWN, Locking.NONE or Locking.with(lock)");
        int lockIndex = -1;
        if (locking.lock() != null) {
            lockIndex = indexOfLock(locking.lock());
        }
        boolean own = locking == Locking.OWN && !kind.isLock();
        try {
            Entry entry = area.findOrCreate(objectName, kind, spec, length, lockIndex, own, init);
            checkSame(entry, kind, spec, length, locking, lockIndex);
            return entry;
        } catch (InternalError fault) {
            throw area.memory.fault(fault);
        }
    }

    private int indexOfLock(SharedLock lock) {
        if (!(lock instanceof AreaLock areaLock) || areaLock.shm.area != area) {
            throw new IllegalArgumentException("'" + lock.name() + "' is not a lock of shared memory '" + name
                    + "': a shared-memory object is synchronized by a lock of its own area (shm.lock or shm.rlock)");
        }
        Entry entry = area.find(lock.name());
        if (entry == null || !entry.kind().isLock()) {
            throw new IllegalArgumentException("'" + lock.name() + "' is no lock of shared memory '" + name + "'");
        }
        return entry.index();
    }

    private void checkSame(Entry entry, ObjectKind kind, String spec, int length, Locking locking, int lockIndex) {
        boolean sameType = entry.kind() == kind && entry.length() == length
                && (kind != ObjectKind.STRUCT_ARRAY ? entry.spec().equals(spec)
                        : StructLayout.parse(entry.spec()).equals(StructLayout.parse(spec)));
        if (!sameType) {
            throw new ObjectTypeMismatchException("'" + entry.name() + "' already exists in shared memory '" + name
                    + "' as " + entry.describe() + ", not " + Entry.describe(kind, spec, length)
                    + "; names are unique in an area: use the same type, another name, or another area");
        }
        if (kind.isLock() || locking == Locking.OWN) {
            return;
        }
        if (entry.lockIndex() != lockIndex) {
            String existing = entry.lockIndex() < 0 ? "no lock"
                    : "lock '" + area.entryAt(entry.lockIndex()).name() + "'";
            throw new ObjectTypeMismatchException("'" + entry.name() + "' already exists in shared memory '" + name
                    + "' with " + existing + ", not with " + locking + "; open it with Locking.OWN to take it as"
                    + " it is");
        }
    }

    private static void checkLength(int length) {
        if (length < 0) {
            throw new IllegalArgumentException("length must not be negative, got " + length);
        }
    }

    private static void checkAreaName(String name) {
        if (name == null || name.isEmpty() || name.length() > 200 || !name.matches("[A-Za-z0-9._-]+")
                || name.startsWith(".")) {
            throw new IllegalArgumentException("invalid shared-memory name " + (name == null ? "null" : "'" + name
                    + "'") + ": use 1 to 200 letters, digits and . _ - (not starting with a dot)");
        }
    }

    private static void checkObjectName(String name) {
        if (name == null || name.isEmpty() || name.length() > AreaLayout.NAME_MAX
                || !name.matches("[A-Za-z0-9._:/-]+")) {
            throw new IllegalArgumentException("invalid shared object name " + (name == null ? "null" : "'" + name
                    + "'") + ": use 1 to " + AreaLayout.NAME_MAX + " letters, digits and . _ - : /");
        }
    }
}
