package io.jmanager.wire;

import io.jmanager.RegistryLimitException;

/**
 * What one call, as read from one connection, may cost: at most {@code maxBytes} bytes read (counted at the
 * socket, under RMI, so that every argument, {@code String}s included, is bounded before it is materialised) and
 * at most {@code maxBytes} bytes of allocation declared by the arrays it carries (checked by {@link WireFilter}
 * before each array is allocated). A call is what a connection reads between two answers of the registry. The
 * larger of the two is also charged to the registry's {@link MemoryBudget} while the call is read, so that many
 * connections together cannot hold more than it; the first {@value #FREE_BYTES} bytes of a call are never refused
 * for the memory budget, so that small calls (a read, a removal) still get through when the budget is spent.
 *
 * <p>The connection's thread reads the call and runs the filter: the budget of the call being read on this thread
 * is {@link #current()}. Not thread-safe otherwise.
 */
final class CallBudget {
    /** Bytes of every call never refused for the memory budget (they are bounded by the connection count). */
    static final long FREE_BYTES = 64 * 1024;
    private static final ThreadLocal<CallBudget> CURRENT = new ThreadLocal<>();

    private final long maxBytes;
    private final MemoryBudget memory;
    private long read;
    private long declared;
    private long charged;
    /** The call being read was refused for its budget. */
    private boolean refused;
    /** A refused call was answered: what the peer still sends of it is to be dropped, then the connection ends. */
    private boolean refusalAnswered;
    /** The connection closed: nothing more is charged. */
    private boolean closed;

    CallBudget(long maxBytes, MemoryBudget memory) {
        this.maxBytes = maxBytes;
        this.memory = memory;
    }

    /** The budget of the call this thread is reading, or null outside of a registry connection's read. */
    static CallBudget current() {
        return CURRENT.get();
    }

    /** Makes this the budget the filter sees on this thread. */
    void enter() {
        CURRENT.set(this);
    }

    /** No budget on this thread any more (for tests: connection threads always enter theirs first). */
    static void leave() {
        CURRENT.remove();
    }

    /**
     * Counts {@code n} bytes read.
     *
     * @throws CallTooLargeException if the call now exceeds {@code --max-call-bytes} or the memory budget
     */
    synchronized void read(long n) throws CallTooLargeException {
        read += n;
        if (read > maxBytes) {
            refused = true;
            throw new CallTooLargeException("a call of more than " + maxBytes + " bytes was refused: the registry"
                    + " reads at most " + maxBytes + " bytes per call (--max-call-bytes); nothing of it was done."
                    + " Send smaller values or batches, or start the registry with a larger --max-call-bytes");
        }
        String why = chargeMemory();
        if (why != null) {
            refused = true;
            throw new CallTooLargeException(why);
        }
    }

    /**
     * Declares an array about to be allocated: {@code fill} bytes the stream must still carry for its content,
     * {@code allocation} bytes it takes in memory. Returns null if it fits, else why it does not (the message
     * names the option).
     */
    synchronized String declare(long fill, long allocation, long streamBytes) {
        long consumed = Math.max(streamBytes, 0);
        if (fill > maxBytes - consumed) {
            refused = true;
            return "an array of " + fill + " bytes declared after " + consumed + " bytes of a call cannot fit in"
                    + " the " + maxBytes + " bytes the registry reads per call (--max-call-bytes); it was refused"
                    + " before anything was allocated";
        }
        if (allocation > maxBytes - declared) {
            refused = true;
            return "the arrays of one call would take " + (declared + allocation) + " bytes, above the "
                    + maxBytes + " bytes the registry allows per call (--max-call-bytes); refused before anything"
                    + " was allocated";
        }
        declared += allocation;
        String why = chargeMemory();
        refused |= why != null;
        return why;
    }

    /** Charges the memory budget up to the call's current cost; returns null, or why it was refused. */
    private String chargeMemory() {
        long cost = Math.max(read, declared);
        long more = cost - charged;
        if (more <= 0 || closed) {
            return null;
        }
        if (!memory.tryCharge(more)) {
            if (cost > FREE_BYTES) {
                return memory.refusal(more, "a call being read (" + cost + " bytes so far)");
            }
            memory.force(more); // a small call proceeds even over the budget, charged all the same
        }
        charged = cost;
        return null;
    }

    /** The call was answered (or the connection ends): the next bytes read are another call's. */
    synchronized void reset() {
        refusalAnswered |= refused;
        refused = false;
        memory.release(charged);
        charged = 0;
        read = 0;
        declared = 0;
    }

    /** The connection closed (from any thread): gives back the charge, and charges nothing more. */
    synchronized void close() {
        reset();
        closed = true;
    }

    /** True (once) after a call refused for its budget was answered. */
    synchronized boolean takeAnsweredRefusal() {
        boolean r = refusalAnswered;
        refusalAnswered = false;
        return r;
    }

    /** Thrown from the socket's read when a call exceeds its budget; RMI sends it back to the caller. */
    static final class CallTooLargeException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        CallTooLargeException(String message) {
            super(message, new RegistryLimitException(message));
        }
    }
}
