package io.jmanager.wire;

import java.io.Serializable;
import java.util.List;

/**
 * The state of one lock, for operators. Immutable.
 *
 * @param name          the lock's name
 * @param type          lock or rlock
 * @param holderSession the holder's session, 0 when free
 * @param holderThread  the holder's thread id in its worker, 0 when free
 * @param holdCount     holds (rlock re-entries), 0 when free
 * @param sinceMillis   when the current holder acquired it (epoch milliseconds), 0 when free
 * @param token         the current holder's fencing token, 0 when free
 * @param waiters       the waits in progress, as {@code session:thread}
 */
public record LockInfo(String name, ObjectType type, long holderSession, long holderThread, int holdCount,
                       long sinceMillis, long token, List<String> waiters) implements Serializable {
}
