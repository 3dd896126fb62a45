package io.jmanager.shm;

import io.jmanager.JManagerException;

/**
 * A shared-memory area cannot be used: its file is foreign, damaged, truncated, of another user or writable by
 * others, the area is full, or it was closed. The message names the file and what to do. Nothing in the area was
 * changed by the failed call.
 */
public class SharedMemoryException extends JManagerException {
    private static final long serialVersionUID = 1L;

    public SharedMemoryException(String message) {
        super(message);
    }

    public SharedMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
