package io.jmanager;

/**
 * A fenced write was refused because its fencing token is no longer the lock's current one: the writer's lock
 * was released (its session expired, it was paused past its lease, or it unlocked) and possibly granted to someone
 * else since. Nothing was written.
 */
public class StaleTokenException extends JManagerException {
    private static final long serialVersionUID = 1L;

    public StaleTokenException(String message) {
        super(message);
    }
}
