package io.jmanager.shm;

import static io.jmanager.shm.AreaLayout.SLOTS;
import static io.jmanager.shm.AreaLayout.S_BOOT;
import static io.jmanager.shm.AreaLayout.S_NAMESPACE;
import static io.jmanager.shm.AreaLayout.S_PID;
import static io.jmanager.shm.AreaLayout.S_START;
import static io.jmanager.shm.AreaLayout.S_STATE;
import static io.jmanager.shm.AreaLayout.slot;

/**
 * The area's table of the processes that have it open. A process claims a slot when it opens the area and frees it
 * when it closes it; its <em>token</em>, {@code (slot + 1) << 48 | generation}, is what it writes into the lock words
 * it owns. The slot's generation changes whenever the slot changes hands, so a token names one process's one opening
 * of the area, and a lock word holding the token of a slot that has moved on names a dead owner.
 *
 * <p>A slot's state word is {@code generation << 2 | state} with state 0 free, 1 claiming (the claimer is writing
 * its identity), 2 active. The identity is written before the slot becomes active, and a token is used in a lock
 * word only after that, so a lock word's owner always has a complete identity. The slot of a dead process is taken
 * over by the next process that needs a slot (its generation moves on).
 *
 * <p>Thread-safety: safe for any number of threads and processes.
 */
final class ProcessTable {
    private static final long FREE = 0;
    private static final long CLAIMING = 1;
    private static final long ACTIVE = 2;
    private static final long GENERATION_MASK = (1L << 48) - 1;

    private final Memory memory;
    private final String area;

    ProcessTable(Memory memory, String area) {
        this.memory = memory;
        this.area = area;
    }

    /**
     * Claims a slot for this process: a free one, else one whose process is dead.
     *
     * @return this process's token
     * @throws SharedMemoryException if every slot belongs to a live process
     */
    long claim() {
        ProcessIdentity me = ProcessIdentity.self();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < SLOTS; i++) {
                int base = slot(i);
                long state = memory.getLongVolatile(base + S_STATE);
                boolean takeable = (state & 3) == FREE || (pass == 1 && (state & 3) == ACTIVE && isDead(i));
                if (!takeable) {
                    continue;
                }
                long generation = ((state >>> 2) + 1) & GENERATION_MASK;
                if (generation == 0) {
                    generation = 1;
                }
                if (!memory.casLong(base + S_STATE, state, generation << 2 | CLAIMING)) {
                    continue;
                }
                memory.setLongPlain(base + S_PID, me.pid());
                memory.setLongPlain(base + S_START, me.startTicks());
                memory.setLongPlain(base + S_NAMESPACE, me.pidNamespace());
                memory.setLongPlain(base + S_BOOT, me.bootId());
                memory.setLongVolatile(base + S_STATE, generation << 2 | ACTIVE);
                return (long) (i + 1) << 48 | generation;
            }
        }
        throw new SharedMemoryException("shared memory '" + area + "': all " + SLOTS + " process slots belong to live"
                + " processes; close the area in processes that no longer need it");
    }

    /** Frees this process's slot (on close); locks it still owns then count as abandoned by a dead owner. */
    void release(long token) {
        int base = slot(slotOf(token));
        long state = memory.getLongVolatile(base + S_STATE);
        if (state == ((token & GENERATION_MASK) << 2 | ACTIVE)) {
            memory.casLong(base + S_STATE, state, (token & GENERATION_MASK) << 2 | FREE);
        }
    }

    /**
     * Tells what is known of the process behind a token: DEAD if its slot moved on (it closed the area or died and
     * was replaced) or its process is dead; UNKNOWN if it lives in another pid namespace.
     */
    ProcessIdentity.Liveness liveness(long token) {
        int index = slotOf(token);
        if (index < 0 || index >= SLOTS) {
            return ProcessIdentity.Liveness.DEAD; // a damaged lock word: no process can own it
        }
        int base = slot(index);
        long state = memory.getLongVolatile(base + S_STATE);
        if (state != ((token & GENERATION_MASK) << 2 | ACTIVE)) {
            return ProcessIdentity.Liveness.DEAD;
        }
        ProcessIdentity.Liveness liveness = identity(index).liveness();
        // the slot may have changed hands while we read the identity: then the token's owner is gone
        return memory.getLongVolatile(base + S_STATE) == state ? liveness : ProcessIdentity.Liveness.DEAD;
    }

    /** The identity recorded in a slot. */
    ProcessIdentity identity(int index) {
        int base = slot(index);
        return new ProcessIdentity(memory.getLongPlain(base + S_PID), memory.getLongPlain(base + S_START),
                memory.getLongPlain(base + S_NAMESPACE), memory.getLongPlain(base + S_BOOT));
    }

    /** The pid behind a token, for messages; -1 if the slot moved on. */
    long pidOf(long token) {
        int index = slotOf(token);
        if (index < 0 || index >= SLOTS) {
            return -1;
        }
        return memory.getLongPlain(slot(index) + S_PID);
    }

    /** The active slots, for {@code worker.jar shm show}. */
    java.util.List<ProcessIdentity> active() {
        java.util.List<ProcessIdentity> out = new java.util.ArrayList<>();
        for (int i = 0; i < SLOTS; i++) {
            if ((memory.getLongVolatile(slot(i) + S_STATE) & 3) == ACTIVE) {
                out.add(identity(i));
            }
        }
        return out;
    }

    private boolean isDead(int index) {
        return identity(index).liveness() == ProcessIdentity.Liveness.DEAD;
    }

    static int slotOf(long token) {
        return (int) (token >>> 48) - 1;
    }
}
