package io.jmanager;

/**
 * An asynchronous operation was refused because {@link AsyncOptions#maxPending()} operations were already issued
 * and not answered, and the manager's options say to fail rather than wait ({@link AsyncOptions.Backpressure#FAIL}).
 * Nothing of it was sent.
 */
public class TooManyPendingOperationsException extends JManagerException {
    private static final long serialVersionUID = 1L;

    public TooManyPendingOperationsException(String message) {
        super(message);
    }
}
