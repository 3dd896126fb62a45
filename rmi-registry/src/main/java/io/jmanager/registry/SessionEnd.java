package io.jmanager.registry;

/** Why a session ended. Only a clean {@link #CLOSED} means the worker finished its work with the registry. */
enum SessionEnd {
    /** The worker closed its manager. */
    CLOSED,
    /** The lease ran out without renewal: the worker was paused, cut off or dead. */
    EXPIRED,
    /** The worker's liveness connection closed or broke: its process died. */
    CONNECTION_LOST,
    /** An operator ended it ({@code kill-session}). */
    KILLED;

    /** True when the worker left without finishing: what it took and did not give back should return. */
    boolean abandoned() {
        return this != CLOSED;
    }
}
