package io.jmanager;

/** A name that already exists in the registry was asked for with another type (names are unique across types). */
public class ObjectTypeMismatchException extends JManagerException {
    private static final long serialVersionUID = 1L;

    public ObjectTypeMismatchException(String message) {
        super(message);
    }
}
