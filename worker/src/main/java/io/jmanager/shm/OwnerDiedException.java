package io.jmanager.shm;

import io.jmanager.JManagerException;

/**
 * The previous owner of a shared-memory lock died while holding it, as {@code EOWNERDEAD} of a POSIX robust mutex:
 * the data it guards may be half-updated.
 *
 * <p>Thrown by the acquiring methods of a lock ({@code lock()}, {@code lockInterruptibly()}, {@code tryLock(...)},
 * {@code hold()}, ...) <b>with the lock held by the calling thread</b>: check or repair the data, then unlock as
 * usual. {@link #token()} is the grant's fencing token.
 *
 * <pre>{@code
 * try {
 *     lock.lock();
 * } catch (OwnerDiedException died) {
 *     repair();                     // we hold the lock here
 * }
 * try { ... } finally { lock.unlock(); }
 * }</pre>
 *
 * <p>Thrown by an operation of a synchronized value or array whose lock was taken over <b>without</b> doing the
 * operation and with the lock released again: the value may be inconsistent; check it (under its lock) and retry.
 */
public class OwnerDiedException extends JManagerException {
    private static final long serialVersionUID = 1L;

    private final long previousOwnerPid;
    private final long token;

    public OwnerDiedException(String message, long previousOwnerPid, long token) {
        super(message);
        this.previousOwnerPid = previousOwnerPid;
        this.token = token;
    }

    /** The pid of the process that died holding the lock, or -1 if unknown. */
    public long previousOwnerPid() {
        return previousOwnerPid;
    }

    /** The fencing token of the grant this exception reports, or 0 if the lock was released again. */
    public long token() {
        return token;
    }
}
