package io.jmanager.shm;

/**
 * The byte layout of a shared-memory area file, format version 1. All numbers are little-endian; every region
 * starts on a 64-byte boundary (one cache line), so that no two lock words share a line.
 *
 * <pre>
 *  offset     size      region
 *  0          128       header
 *  128        64        allocation lock (a lock block, see below): held while an object is added
 *  4096       16384     process table: 256 slots of 64 bytes, one per process that has the area open
 *  20480      262144    object table: 1024 entries of 256 bytes
 *  282624     ...       data: objects' elements and lock blocks, each on a 64-byte boundary, to the capacity
 * </pre>
 *
 * <b>Header</b>
 * <pre>
 *  0   long  magic, the bytes "JMGR-SHM"
 *  8   int   format version (1)
 *  12  int   header CRC32C of bytes 0..11 and 16..63 (written once, when the area is created)
 *  16  long  capacity: the file's size in bytes
 *  24  int   process slots (256)       28  int   object entries (1024)
 *  32  int   process table offset      36  int   object table offset
 *  40  int   data offset               44  int   reserved (0)
 *  48  long  creation time, epoch milliseconds
 *  56  long  reserved (0)
 *  64  int   ready: 0 while the creator initialises the area, 1 after (written last, with release)
 *  68  int   object count: entries 0..count-1 are in use (written after the entry is complete, with release)
 *  72  long  next free data offset (changed under the allocation lock)
 *  80  long  high-water mark: no byte at or above it was ever written (under the allocation lock)
 * </pre>
 *
 * <b>Lock block</b> (64 bytes; the allocation lock, and the data of every lock object)
 * <pre>
 *  0   long  owner: 0 when free, else the owning process's token (see {@link ProcessTable}); compare-and-set
 *  8   long  owner thread: the owning thread's id, 0 while being acquired or released; written only by the owner
 *  16  long  fencing token of the current or last grant: incremented by every acquisition
 *  24  long  condition sequence: incremented by every signal of the lock's condition
 *  32  long  condition waiters
 *  40  24 bytes reserved
 * </pre>
 *
 * <b>Process slot</b> (64 bytes)
 * <pre>
 *  0   long  state: generation &lt;&lt; 2 | {0 free, 1 claiming, 2 active}; compare-and-set
 *  8   long  pid                16  long  start time (clock ticks after boot)
 *  24  long  pid namespace inode            32  long  boot id hash
 *  40  24 bytes reserved
 * </pre>
 *
 * <b>Object entry</b> (256 bytes)
 * <pre>
 *  0   int   state: 0 empty, 1 being created, 2 ready (written last, with release)
 *  4   int   kind: 1 value, 2 array, 3 struct array, 4 lock, 5 reentrant lock
 *  8   int   length in elements (1 for a value, 0 for a lock)
 *  12  int   lock: index of the entry of the lock that synchronizes the object, -1 for none
 *  16  long  data offset           24  long  data size in bytes
 *  32  int   name length          36  int   spec length
 *  40  96 bytes   name, UTF-8
 *  136 112 bytes  spec, ASCII: the typecode of a value or array, the struct spec ("x:d,y:d") of a struct array
 *  248 int   reserved (0)
 *  252 int   CRC32C of bytes 4..251
 * </pre>
 */
final class AreaLayout {
    static final long MAGIC = 0x4D48532D52474D4AL; // "JMGR-SHM" read as a little-endian long
    static final int VERSION = 1;

    static final int H_MAGIC = 0;
    static final int H_VERSION = 8;
    static final int H_CRC = 12;
    static final int H_CAPACITY = 16;
    static final int H_SLOTS = 24;
    static final int H_ENTRIES = 28;
    static final int H_PROCESS_TABLE = 32;
    static final int H_OBJECT_TABLE = 36;
    static final int H_DATA = 40;
    static final int H_CREATED = 48;
    static final int H_IMMUTABLE_END = 64;
    static final int H_READY = 64;
    static final int H_COUNT = 68;
    static final int H_NEXT_FREE = 72;
    static final int H_HIGH_WATER = 80;

    static final int ALLOCATION_LOCK = 128;

    static final int LOCK_BLOCK = 64;
    static final int L_OWNER = 0;
    static final int L_THREAD = 8;
    static final int L_FENCE = 16;
    static final int L_COND_SEQ = 24;
    static final int L_COND_WAITERS = 32;

    static final int SLOTS = 256;
    static final int SLOT_SIZE = 64;
    static final int S_STATE = 0;
    static final int S_PID = 8;
    static final int S_START = 16;
    static final int S_NAMESPACE = 24;
    static final int S_BOOT = 32;

    static final int ENTRIES = 1024;
    static final int ENTRY_SIZE = 256;
    static final int E_STATE = 0;
    static final int E_KIND = 4;
    static final int E_LENGTH = 8;
    static final int E_LOCK = 12;
    static final int E_DATA = 16;
    static final int E_DATA_SIZE = 24;
    static final int E_NAME_LENGTH = 32;
    static final int E_SPEC_LENGTH = 36;
    static final int E_NAME = 40;
    static final int NAME_MAX = 96;
    static final int E_SPEC = 136;
    static final int SPEC_MAX = 112;
    static final int E_CRC = 252;

    static final int PROCESS_TABLE = 4096;
    static final int OBJECT_TABLE = PROCESS_TABLE + SLOTS * SLOT_SIZE;
    static final int DATA = OBJECT_TABLE + ENTRIES * ENTRY_SIZE;

    static final int ENTRY_EMPTY = 0;
    static final int ENTRY_CREATING = 1;
    static final int ENTRY_READY = 2;

    /** The smallest capacity: the tables plus one page of data. */
    static final long MIN_CAPACITY = DATA + 4096;
    /** The largest capacity: a mapped buffer is indexed by an int. */
    static final long MAX_CAPACITY = Integer.MAX_VALUE & ~63L;

    private AreaLayout() {
    }

    static int slot(int index) {
        return PROCESS_TABLE + index * SLOT_SIZE;
    }

    static int entry(int index) {
        return OBJECT_TABLE + index * ENTRY_SIZE;
    }

    static long align64(long offset) {
        return (offset + 63) & ~63L;
    }
}
