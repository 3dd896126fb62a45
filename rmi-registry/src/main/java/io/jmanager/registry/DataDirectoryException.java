package io.jmanager.registry;

import java.io.IOException;

/**
 * The data directory cannot be used: it is corrupted, belongs to something else, or is in use by another running
 * registry. The message says which, what was found and what to do; the directory was not modified.
 */
public final class DataDirectoryException extends IOException {
    private static final long serialVersionUID = 1L;

    public DataDirectoryException(String message) {
        super(message);
    }

    public DataDirectoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
