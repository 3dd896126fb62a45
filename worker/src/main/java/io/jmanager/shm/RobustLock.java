package io.jmanager.shm;

import static io.jmanager.shm.AreaLayout.L_FENCE;
import static io.jmanager.shm.AreaLayout.L_OWNER;
import static io.jmanager.shm.AreaLayout.L_THREAD;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The lock algorithm over one lock block of an area (see {@link AreaLayout}): a compare-and-set of the owner word
 * from 0 to the process's token, like a POSIX <em>robust</em> mutex. A process that dies holding the lock leaves
 * its token in the word; a waiter that finds the token's process dead ({@link ProcessTable#liveness}) takes the
 * lock over by compare-and-set from the dead token to its own, and is told so ({@link Grant#RECOVERED}), as
 * {@code pthread_mutex_lock} returns {@code EOWNERDEAD}. A stopped process is alive: only death frees the lock.
 *
 * <p>Acquire: owner word 0 &rarr; token (volatile compare-and-set), then the owner-thread word and the fencing
 * token (both written only by the owner). Release: owner-thread word &rarr; 0, then the owner word &rarr; 0 with
 * release semantics, so the next owner sees every write made under the lock. Which thread of this process owns
 * the lock is decided by a field of this object, written only by threads of this process; the owner-thread word
 * in the area is for operators ({@code worker.jar shm show}) and never trusted, since a dead owner leaves its own
 * thread id there.
 *
 * <p>One instance per lock block per mapping of the area, shared by the process's threads.
 *
 * <p>Waiting spins briefly, then yields, then parks for growing intervals up to {@link #MAX_PARK_NANOS}; a
 * waiter checks the owner's liveness every {@link #LIVENESS_CHECK_NANOS} once it has waited that long, so a dead
 * owner's lock is taken over within about twice that. A wait that ends sooner ({@code tryLock()}) checks once as it
 * gives up, at most every {@link #LIVENESS_CHECK_NANOS} per lock in a process. Not fair: a releasing thread may
 * take the lock again.
 *
 * <p>Thread-safety: safe for any number of threads and processes.
 */
final class RobustLock {
    /** How a wait ended. */
    enum Grant {
        /** Acquired from a free word. */
        ACQUIRED,
        /** Acquired from an owner that had died holding it: the data it guards may be half-updated. */
        RECOVERED,
        /** The time ran out. */
        TIMED_OUT
    }

    static final long LIVENESS_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int SPINS = 128;
    private static final int YIELDS = 64;

    private final Memory memory;
    private final ProcessTable processes;
    private final int base;
    private final long token;
    /**
     * The thread of this process that owns the lock, or null. Plain: a thread asks only whether it is itself the
     * owner, and it sees its own writes; no other thread ever writes this thread into it.
     */
    private Thread owner;
    /** The owner's hold count; read and written only by the owning thread. */
    private int holds;
    /** The pid of the dead owner of the last takeover; read by the thread that took over. */
    private long recoveredFrom = -1;
    /** When a wait too short for the periodic liveness check last checked the owner (see {@link #acquire}). */
    private volatile long lastShortWaitCheck = System.nanoTime() - LIVENESS_CHECK_NANOS;

    RobustLock(Memory memory, ProcessTable processes, int base, long token) {
        this.memory = memory;
        this.processes = processes;
        this.base = base;
        this.token = token;
    }

    /** One attempt, no waiting. Returns null if the lock is held by a live (or unknown) owner. */
    Grant tryAcquire() {
        if (memory.casLong(base + L_OWNER, 0, token)) {
            granted();
            return Grant.ACQUIRED;
        }
        return null;
    }

    /**
     * Acquires, waiting up to {@code nanos} (negative: forever).
     *
     * @param interruptible whether an interrupt ends the wait with {@link InterruptedException}; if not, the
     *                      interrupt status is kept and restored on return
     * @param handle        the handle the caller uses, or null: a wait ends with {@link IllegalStateException}
     *                      when it is closed
     * @return how it ended; after {@link Grant#RECOVERED}, {@link #recoveredFrom()} is the dead owner's pid
     */
    Grant acquire(long nanos, boolean interruptible, SharedMemory handle) throws InterruptedException {
        Grant fast = tryAcquire();
        if (fast != null) {
            return fast;
        }
        long start = System.nanoTime();
        long nextCheck = start + LIVENESS_CHECK_NANOS;
        long park = 1_000;
        boolean interrupted = false;
        try {
            for (int round = 0; ; round++) {
                long owner = memory.getLongVolatile(base + L_OWNER);
                if (owner == 0) {
                    if (memory.casLong(base + L_OWNER, 0, token)) {
                        granted();
                        return Grant.ACQUIRED;
                    }
                    continue;
                }
                long now = System.nanoTime();
                boolean timedOut = nanos >= 0 && now - start >= nanos;
                boolean check = now - nextCheck >= 0;
                if (!check && timedOut && now - lastShortWaitCheck >= LIVENESS_CHECK_NANOS) {
                    // a wait too short for the periodic check (tryLock()) checks once as it gives up, at most
                    // every LIVENESS_CHECK_NANOS per lock here: failing tryLocks stay cheap, and a dead owner's
                    // lock is not kept from callers that only ever tryLock
                    lastShortWaitCheck = now;
                    check = true;
                }
                if (check) {
                    nextCheck = now + LIVENESS_CHECK_NANOS;
                    if (processes.liveness(owner) == ProcessIdentity.Liveness.DEAD) {
                        long pid = processes.pidOf(owner);
                        if (memory.casLong(base + L_OWNER, owner, token)) {
                            granted();
                            recoveredFrom = pid;
                            return Grant.RECOVERED;
                        }
                        continue;
                    }
                }
                if (timedOut) {
                    return Grant.TIMED_OUT;
                }
                if (handle != null && handle.isClosed()) {
                    throw new IllegalStateException("shared memory '" + handle.name() + "' was closed while this"
                            + " thread waited for one of its locks");
                }
                if (Thread.interrupted()) {
                    if (interruptible) {
                        throw new InterruptedException("interrupted while waiting for a shared-memory lock");
                    }
                    interrupted = true;
                }
                if (round < SPINS) {
                    Thread.onSpinWait();
                } else if (round < SPINS + YIELDS) {
                    Thread.yield();
                } else {
                    long left = nanos < 0 ? park : Math.min(park, nanos - (now - start));
                    LockSupport.parkNanos(Math.max(left, 1));
                    park = Math.min(park * 2, MAX_PARK_NANOS);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void granted() {
        Thread me = Thread.currentThread();
        owner = me;
        holds = 1;
        memory.setLongOpaque(base + L_THREAD, me.getId());
        memory.setLongOpaque(base + L_FENCE, memory.getLongPlain(base + L_FENCE) + 1);
    }

    /** Releases the lock entirely; the caller has checked that the calling thread owns it. */
    void release() {
        holds = 0;
        owner = null;
        memory.setLongOpaque(base + L_THREAD, 0);
        memory.setLongRelease(base + L_OWNER, 0);
    }

    /** Whether the calling thread owns the lock (the area's word still holds this process's token). */
    boolean isHeldByCurrentThread() {
        return owner == Thread.currentThread() && memory.getLongAcquire(base + L_OWNER) == token;
    }

    /** The pid of the owner that died holding the lock, for the thread that has just {@link Grant#RECOVERED} it. */
    long recoveredFrom() {
        return recoveredFrom;
    }

    /** The calling owner's hold count: 0 if it does not own the lock. */
    int holds() {
        return isHeldByCurrentThread() ? holds : 0;
    }

    /** Sets the owner's hold count (reentrant acquisitions and releases, and condition waits). */
    void setHolds(int count) {
        holds = count;
    }

    boolean isLocked() {
        return memory.getLongAcquire(base + L_OWNER) != 0;
    }

    /** The owner word: 0 when free, else the owning process's token. */
    long ownerToken() {
        return memory.getLongAcquire(base + L_OWNER);
    }

    long ownerThread() {
        return memory.getLongOpaque(base + L_THREAD);
    }

    /** The fencing token of the current (or last) grant. */
    long fence() {
        return memory.getLongOpaque(base + L_FENCE);
    }
}
