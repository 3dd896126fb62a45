package io.jmanager.registry;

/** Why a session ended. Only a clean {@link #CLOSED} means the worker finished its work with the registry. */
public enum SessionEnd {
    /** The worker closed its manager. */
    CLOSED("closed"),
    /** The lease ran out without renewal: the worker was paused, cut off or dead. */
    EXPIRED("lease_expired"),
    /** The worker's liveness connection closed or broke: its process died. */
    CONNECTION_LOST("connection_lost"),
    /** An operator ended it ({@code kill-session}). */
    KILLED("killed");

    private final String label;

    SessionEnd(String label) {
        this.label = label;
    }

    /** True when the worker left without finishing: what it took and did not give back should return. */
    boolean abandoned() {
        return this != CLOSED;
    }

    /** The cause as metrics and logs name it: {@code closed}, {@code lease_expired}, ... */
    public String label() {
        return label;
    }
}
