package io.jmanager.registry;

import java.lang.reflect.Method;
import java.net.InetAddress;

/** Two observers told of everything in turn ({@link RegistryObserver#both}). */
final class BothObservers implements RegistryObserver {
    private final RegistryObserver first;
    private final RegistryObserver second;

    BothObservers(RegistryObserver first, RegistryObserver second) {
        this.first = first;
        this.second = second;
    }

    @Override
    public OperationTimer timer(String objectType, Method method) {
        OperationTimer a = first.timer(objectType, method);
        OperationTimer b = second.timer(objectType, method);
        if (a == null || b == null) {
            return a == null ? b : a;
        }
        return (nanos, failure) -> {
            a.ended(nanos, failure);
            b.ended(nanos, failure);
        };
    }

    @Override
    public boolean timesOperations() {
        return first.timesOperations() || second.timesOperations();
    }

    @Override
    public void sessionOpened(long session, String host, long pid, long leaseMillis) {
        first.sessionOpened(session, host, pid, leaseMillis);
        second.sessionOpened(session, host, pid, leaseMillis);
    }

    @Override
    public void sessionEnded(long session, String host, long pid, SessionEnd cause, long openMillis) {
        first.sessionEnded(session, host, pid, cause, openMillis);
        second.sessionEnded(session, host, pid, cause, openMillis);
    }

    @Override
    public void lockGranted(String lock, long waitedNanos) {
        first.lockGranted(lock, waitedNanos);
        second.lockGranted(lock, waitedNanos);
    }

    @Override
    public void lockFreed(String lock, long heldNanos) {
        first.lockFreed(lock, heldNanos);
        second.lockFreed(lock, heldNanos);
    }

    @Override
    public void lockRecovered(String lock, long session, long token, long heldNanos, int waiters, SessionEnd cause) {
        first.lockRecovered(lock, session, token, heldNanos, waiters, cause);
        second.lockRecovered(lock, session, token, heldNanos, waiters, cause);
    }

    @Override
    public void connectionRefused(InetAddress peer, String reason) {
        first.connectionRefused(peer, reason);
        second.connectionRefused(peer, reason);
    }

    @Override
    public void committed(long nanos, int batch) {
        first.committed(nanos, batch);
        second.committed(nanos, batch);
    }
}
