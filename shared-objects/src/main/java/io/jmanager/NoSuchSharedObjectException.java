package io.jmanager;

/** The named shared object does not exist (never created, or destroyed by {@code Manager.destroy}). */
public class NoSuchSharedObjectException extends JManagerException {
    private static final long serialVersionUID = 1L;

    public NoSuchSharedObjectException(String message) {
        super(message);
    }
}
