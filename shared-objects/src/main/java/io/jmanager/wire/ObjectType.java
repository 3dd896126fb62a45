package io.jmanager.wire;

import java.rmi.Remote;

/**
 * The registration table: one line per shared object type, like Python's
 * {@code SyncManager.register('Lock', threading.Lock, AcquirerProxy)}. Names are unique across types.
 */
public enum ObjectType {
    DICT("dict", RemoteDict.class),
    LIST("list", RemoteList.class),
    NAMESPACE("namespace", RemoteDict.class),
    VALUE("value", RemoteArray.class),
    ARRAY("array", RemoteArray.class),
    QUEUE("queue", RemoteQueue.class),
    LOCK("lock", RemoteLock.class),
    RLOCK("rlock", RemoteLock.class),
    SEMAPHORE("semaphore", RemoteSemaphore.class),
    BOUNDED_SEMAPHORE("boundedSemaphore", RemoteSemaphore.class),
    CONDITION("condition", RemoteCondition.class),
    EVENT("event", RemoteEvent.class),
    BARRIER("barrier", RemoteBarrier.class);

    private final String displayName;
    private final Class<? extends Remote> remoteInterface;

    ObjectType(String displayName, Class<? extends Remote> remoteInterface) {
        this.displayName = displayName;
        this.remoteInterface = remoteInterface;
    }

    /** The name users know from the {@code Manager} method that creates this type, e.g. {@code "dict"}. */
    public String displayName() {
        return displayName;
    }

    /** The wire interface that this type's stub implements. */
    public Class<? extends Remote> remoteInterface() {
        return remoteInterface;
    }

    /** True for the two lock types a condition can be bound to. */
    public boolean isLock() {
        return this == LOCK || this == RLOCK;
    }

    @Override
    public String toString() {
        return displayName;
    }
}
