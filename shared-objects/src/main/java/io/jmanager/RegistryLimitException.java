package io.jmanager;

/** A configured registry limit (objects, sessions, waiters, batch size) was reached; the request was refused whole. */
public class RegistryLimitException extends JManagerException {
    private static final long serialVersionUID = 1L;

    public RegistryLimitException(String message) {
        super(message);
    }
}
