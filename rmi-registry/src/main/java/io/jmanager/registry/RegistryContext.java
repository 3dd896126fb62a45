package io.jmanager.registry;

/**
 * What every object of one registry shares: its limits and the session table.
 *
 * @param maxValueBytes       largest encoded value accepted (default 16 MiB)
 * @param maxBatchBytes       largest total of one batch call
 * @param waitSliceNanos      longest a blocking call waits on the registry before the client must call again
 * @param sessions            the sessions; grants go only to live ones
 * @param locks               finds locks by name, for fenced writes
 * @param maxBatchItems       most items in one batch call ({@code --max-batch-size})
 * @param maxWaitersPerObject most calls waiting on one object at once ({@code --max-waiters-per-object})
 * @param memory              the memory budget every create and grow is charged against ({@code --memory-budget})
 * @param observer            told of lock grants, frees and recoveries (metrics, logs)
 */
record RegistryContext(int maxValueBytes, long maxBatchBytes, long waitSliceNanos, SessionTable sessions,
                       LockDirectory locks, int maxBatchItems, int maxWaitersPerObject,
                       io.jmanager.wire.MemoryBudget memory, RegistryObserver observer) {
    /** Observing nothing. */
    RegistryContext(int maxValueBytes, long maxBatchBytes, long waitSliceNanos, SessionTable sessions,
                    LockDirectory locks, int maxBatchItems, int maxWaitersPerObject,
                    io.jmanager.wire.MemoryBudget memory) {
        this(maxValueBytes, maxBatchBytes, waitSliceNanos, sessions, locks, maxBatchItems, maxWaitersPerObject, memory,
                RegistryObserver.NONE);
    }

    /** Without a memory budget. */
    RegistryContext(int maxValueBytes, long maxBatchBytes, long waitSliceNanos, SessionTable sessions,
                    LockDirectory locks, int maxBatchItems, int maxWaitersPerObject) {
        this(maxValueBytes, maxBatchBytes, waitSliceNanos, sessions, locks, maxBatchItems, maxWaitersPerObject,
                io.jmanager.wire.MemoryBudget.unlimited());
    }

    /** With the default item and waiter limits. */
    RegistryContext(int maxValueBytes, long maxBatchBytes, long waitSliceNanos, SessionTable sessions,
                    LockDirectory locks) {
        this(maxValueBytes, maxBatchBytes, waitSliceNanos, sessions, locks,
                RegistryConfig.Limits.defaults().maxBatchItems(), RegistryConfig.Limits.defaults().maxWaitersPerObject());
    }

    /** Finds a lock or rlock by name. */
    @FunctionalInterface
    interface LockDirectory {
        /**
         * @throws io.jmanager.NoSuchSharedObjectException   if there is no such object
         * @throws io.jmanager.ObjectTypeMismatchException if it is not a lock or rlock
         */
        LockObject lock(String name);
    }
}
