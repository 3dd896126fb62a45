package io.jmanager;

/**
 * The client's session is no longer valid on the registry: its lease ran out (the process was paused or cut off
 * longer than the lease), it was closed, or the registry restarted. Locks it held have been released and may now
 * belong to someone else. Reconnect with {@code Manager.connect} to continue.
 */
public class SessionExpiredException extends JManagerException {
    private static final long serialVersionUID = 1L;

    public SessionExpiredException(String message) {
        super(message);
    }
}
