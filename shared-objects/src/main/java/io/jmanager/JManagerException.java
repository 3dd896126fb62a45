package io.jmanager;

/**
 * Base of jmanager's own unchecked failures. Every subclass names what went wrong and what to do.
 * JDK contract exceptions ({@link IllegalMonitorStateException}, {@link java.util.NoSuchElementException},
 * {@link java.util.concurrent.BrokenBarrierException}, ...) are thrown as themselves, never wrapped in this type.
 */
public class JManagerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public JManagerException(String message) {
        super(message);
    }

    public JManagerException(String message, Throwable cause) {
        super(message, cause);
    }
}
