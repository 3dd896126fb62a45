package io.jmanager.registry.group;

import java.io.IOException;

/** A group member could not start its Raft server (its port is taken, its Raft storage is unusable); says which. */
public final class GroupStartException extends IOException {
    private static final long serialVersionUID = 1L;

    public GroupStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
