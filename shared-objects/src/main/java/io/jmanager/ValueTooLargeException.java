package io.jmanager;

/** A value, or a batch of values, exceeds the registry's size limit ({@code --max-value-size}); nothing was stored. */
public class ValueTooLargeException extends JManagerException {
    private static final long serialVersionUID = 1L;

    public ValueTooLargeException(String message) {
        super(message);
    }
}
