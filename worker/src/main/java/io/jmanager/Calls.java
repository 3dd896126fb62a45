package io.jmanager;

import io.jmanager.wire.ClientTransport;
import java.net.SocketTimeoutException;
import java.rmi.ConnectException;
import java.rmi.ConnectIOException;
import java.rmi.NoSuchObjectException;
import java.util.concurrent.BrokenBarrierException;

/**
 * Runs every remote call of a manager: checks that the manager may call (closed, session lost), retries calls
 * that could not reach the registry (connection refused: the call was never sent, so a retry cannot apply it twice)
 * with bounded backoff, notices a registry restart, and turns transport failures into jmanager's unchecked
 * exceptions, so that proxies never leak {@link java.rmi.RemoteException}. Each attempt is one call for
 * {@link ClientTransport#beginCall}: all its network waits share one read timeout, so a registry that stops
 * answering fails it within the read timeout, whatever RMI does on the way (a ping of a pooled connection, a new
 * connection).
 *
 * <p>With a registry group, a call refused or cut off by a leader change moves the session to the new leader
 * ({@link RegistryConnection#probe()}); a <em>resendable</em> call (a wait slice, whose wait id makes a re-sent
 * request find the grant it was given, or a get-or-create) is then sent again there, within the session's lease,
 * while any other call reports the failure (its write may or may not have been committed: docs/group.md).
 */
final class Calls {
    private Calls() {
    }

    /** Runs a call that declares no checked exception besides {@link java.rmi.RemoteException}. */
    static <T> T call(Manager manager, String target, RemoteCall<T> call) {
        try {
            return callBarrier(manager, target, call);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("impossible: " + e, e);
        }
    }

    /** {@link #callBarrier(Manager, String, boolean, RemoteCall)} for calls without {@link BrokenBarrierException}. */
    static <T> T call(Manager manager, String target, boolean resendable, RemoteCall<T> call) {
        try {
            return callBarrier(manager, target, resendable, call);
        } catch (BrokenBarrierException e) {
            throw new IllegalStateException("impossible: " + e, e);
        }
    }

    /** Runs a call that may throw {@link BrokenBarrierException}. */
    static <T> T callBarrier(Manager manager, String target, RemoteCall<T> call) throws BrokenBarrierException {
        return callBarrier(manager, target, false, call);
    }

    /**
     * Runs a call; if {@code resendable}, in a registry group a call that a leader change refused or cut off is
     * sent again to the new leader (the same request: its wait id makes it find a grant already given).
     */
    static <T> T callBarrier(Manager manager, String target, boolean resendable, RemoteCall<T> call)
            throws BrokenBarrierException {
        RegistryConnection connection = manager.connection();
        for (int attempt = 0; ; attempt++) {
            manager.checkUsable();
            if (connection.isGroup() && connection.leaderUnknown() && !connection.isClosed()) {
                // the last call was cut off and no member served yet: nothing of this one was sent, so it waits
                // for the member that serves (within the session's lease) instead of connecting to the old one
                awaitLeader(manager, connection);
                manager.checkUsable();
            }
            long route = connection.route();
            boolean outermost = ClientTransport.beginCall();
            try {
                return call.call();
            } catch (BrokenBarrierException | Error e) {
                throw e;
            } catch (NotLeaderException e) {
                if (connection.isGroup() && !connection.isClosed()) {
                    ClientTransport.endCall(outermost);
                    outermost = false;
                    if (resendable) {
                        if (resendAfterLeaderChange(manager, connection, attempt)) {
                            continue;
                        }
                    } else {
                        connection.probe(); // later calls go to the new leader; this one's outcome is unknown
                    }
                }
                throw manager.failureAfterClose(e);
            } catch (RuntimeException e) {
                throw manager.failureAfterClose(e);
            } catch (Exception e) {
                if (neverSent(e) && attempt < connection.options().reconnectAttempts() && !connection.isClosed()) {
                    pause(connection, attempt);
                    connection.probeRestart();
                    continue;
                }
                if (resendable && connection.isGroup() && !connection.isClosed() && cutOff(e)) {
                    ClientTransport.endCall(outermost);
                    outermost = false;
                    if (resendAfterLeaderChange(manager, connection, attempt)) {
                        continue; // the member died or stopped serving mid-call
                    }
                }
                if (e instanceof NoSuchObjectException) {
                    if (connection.route() != route) {
                        continue; // another thread moved the session meanwhile: this call used a stale handle,
                                  // which the next attempt resolves again (its own probe would find all well)
                    }
                    RegistryConnection.Probe probe = connection.probe();
                    if (probe == RegistryConnection.Probe.RESTARTED || probe == RegistryConnection.Probe.MOVED) {
                        continue; // the next check() opens a new session and reports what was lost, or the
                                  // session moved to a group's new leader: the object is resolved again there
                    }
                    if (probe == RegistryConnection.Probe.UNKNOWN
                            && attempt < connection.options().reconnectAttempts() && !connection.isClosed()) {
                        // a restarted registry that exports its objects before it binds its root: ask again
                        pause(connection, attempt);
                        continue;
                    }
                }
                if (!resendable && connection.isGroup() && !connection.isClosed() && cutOff(e)
                        && !(e instanceof NoSuchObjectException)) {
                    // (a resendable call has already waited for the leader above: its member still serves)
                    ClientTransport.endCall(outermost);
                    outermost = false;
                    connection.followAnotherLeader(); // this call's outcome is unknown; the next one goes there
                }
                throw manager.failureAfterClose(Rpc.translate(connection.url(), target, e));
            } finally {
                ClientTransport.endCall(outermost);
            }
        }
    }

    /**
     * A registry group's leader changed under a call: probes until the session moved to the member that serves, or
     * was found lost (the next {@link Manager#checkUsable()} reports it), pausing between probes. Bounded by the
     * session's lease: {@link Manager#checkUsable()} finds the session lost once this worker could not renew it for
     * a whole lease, and throws.
     */
    private static RegistryConnection.Probe awaitLeader(Manager manager, RegistryConnection connection) {
        for (int attempt = 0; ; attempt++) {
            RegistryConnection.Probe probe = connection.probe();
            if (probe != RegistryConnection.Probe.UNKNOWN) {
                return probe;
            }
            pause(connection, Math.min(attempt, 2));
            manager.checkUsable();
        }
    }

    /**
     * After a resendable call failed in a way a leader change explains: waits for the session to move to the member
     * that serves and returns true (send it again). If the member still serves in the same term (it is resyncing,
     * or the failure was not a leader change), pauses and returns true only for the first attempts.
     */
    private static boolean resendAfterLeaderChange(Manager manager, RegistryConnection connection, int attempt) {
        if (awaitLeader(manager, connection) != RegistryConnection.Probe.SAME) {
            return true;
        }
        if (attempt < connection.options().reconnectAttempts()) {
            pause(connection, attempt);
            return true;
        }
        return false;
    }

    /**
     * True when a call failed in the transport (connection refused, reset or closed mid-call, unexported object),
     * as when its group member dies or stops serving; false for a refusal of the call itself (its arguments, an
     * authentication failure, a failure inside the registry), which sending it again cannot cure.
     */
    private static boolean cutOff(Exception e) {
        return e instanceof java.rmi.RemoteException && Rpc.authenticationFailure(e) == null
                && !(e instanceof java.rmi.MarshalException) && !(e instanceof java.rmi.ServerError)
                && !(e instanceof java.rmi.ServerException);
    }

    /** True when the call cannot have reached the registry: the connection was refused or not established. */
    private static boolean neverSent(Exception e) {
        if (Rpc.authenticationFailure(e) != null) {
            return false; // a key problem: retrying cannot help
        }
        if (e instanceof ConnectException) {
            return true;
        }
        if (e instanceof ConnectIOException) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SocketTimeoutException) {
                    return false; // a silent peer: retrying would only multiply the wait
                }
            }
            return true;
        }
        return false;
    }

    private static void pause(RegistryConnection connection, int attempt) {
        try {
            Thread.sleep(connection.options().backoffMillis(attempt));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryUnavailableException(connection.url(), "interrupted while waiting to retry", e);
        }
    }
}
