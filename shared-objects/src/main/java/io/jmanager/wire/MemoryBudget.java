package io.jmanager.wire;

import io.jmanager.RegistryLimitException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The registry's memory budget ({@code --memory-budget}): what its objects store (array slots, the bytes of dict,
 * list and queue entries, each with an estimate of its overhead) and what the calls being read right now hold
 * (the larger of the bytes read and the allocation their arrays declare) are charged here, and given back when
 * removed, destroyed or answered. A charge that would take the total above the limit is refused with
 * {@link RegistryLimitException} naming the option, before anything is allocated or changed. Thread-safe.
 */
public final class MemoryBudget {
    /** The option that sets the limit, named in every refusal. */
    public static final String OPTION = "--memory-budget";

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    /** A budget of {@code limit} bytes. */
    public MemoryBudget(long limit) {
        if (limit <= 0) {
            throw new IllegalArgumentException("the memory budget must be positive, got " + limit);
        }
        this.limit = limit;
    }

    /** A budget that refuses nothing (for tests and embedded uses that set none). */
    public static MemoryBudget unlimited() {
        return new MemoryBudget(Long.MAX_VALUE);
    }

    /** The default: half of the largest heap this JVM may grow to. */
    public static long defaultLimit() {
        return Runtime.getRuntime().maxMemory() / 2;
    }

    public long limit() {
        return limit;
    }

    /** Bytes charged now (stored state and calls being read). */
    public long used() {
        return used.get();
    }

    /** Charges {@code bytes} if they fit under the limit; returns false (charging nothing) if not. */
    public boolean tryCharge(long bytes) {
        if (bytes <= 0) {
            return true;
        }
        while (true) {
            long u = used.get();
            if (u + bytes > limit || u + bytes < 0) {
                return false;
            }
            if (used.compareAndSet(u, u + bytes)) {
                return true;
            }
        }
    }

    /** Charges {@code bytes} whatever the limit (state restored at start-up, which exists already). */
    public void force(long bytes) {
        if (bytes > 0) {
            used.addAndGet(bytes);
        }
    }

    /**
     * Charges {@code bytes}, or throws {@link RegistryLimitException} saying that {@code what} was refused.
     */
    public void charge(long bytes, String what) {
        if (!tryCharge(bytes)) {
            throw new RegistryLimitException(refusal(bytes, what));
        }
    }

    /** The message of a refused charge. */
    public String refusal(long bytes, String what) {
        return what + " needs " + bytes + " more bytes, and the registry's memory budget of " + limit
                + " bytes (" + OPTION + ") has " + Math.max(0, limit - used.get()) + " left; nothing was done."
                + " Free memory (remove entries, destroy objects), or start the registry with a larger " + OPTION;
    }

    /** Gives back {@code bytes} charged before. */
    public void release(long bytes) {
        if (bytes > 0) {
            used.addAndGet(-bytes);
        }
    }
}
