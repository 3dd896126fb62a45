package io.jmanager.wire;

import java.io.Serializable;

/**
 * One open session, for operators: who it is and how fresh its lease is. Immutable.
 *
 * @param id             the session id
 * @param host           the worker's host name, as it reported it
 * @param pid            the worker's process id
 * @param leaseMillis    the session's lease
 * @param sinceRenewMillis milliseconds since the last renewal (the lease runs out when this exceeds the lease)
 * @param openedAtMillis when the session was opened (epoch milliseconds)
 * @param liveConnection whether its liveness connection is attached
 */
public record SessionInfo(long id, String host, long pid, long leaseMillis, long sinceRenewMillis,
                          long openedAtMillis, boolean liveConnection) implements Serializable {
}
