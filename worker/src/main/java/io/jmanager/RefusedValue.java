package io.jmanager;

/**
 * What a value that cannot be read here reads as, with {@link ManagerOptions#withRefusedAsPlaceholders}: a class
 * this worker's value filter refuses, or one not on its class path. It names the class and why; nothing of that
 * class ran. Each placeholder is equal only to itself (two refused values may differ). {@code worker.jar} shows
 * refused values this way.
 */
public final class RefusedValue {
    private final String className;
    private final String reason;
    private final boolean refused;

    RefusedValue(String className, String reason, boolean refused) {
        this.className = className;
        this.reason = reason;
        this.refused = refused;
    }

    /** The class that could not be read (the refused one, or the missing one), or null if unknown. */
    public String className() {
        return className;
    }

    /** The full explanation: what was refused and how to allow it. */
    public String reason() {
        return reason;
    }

    /** True if a filter refused the class; false if it could not be loaded here. */
    public boolean refused() {
        return refused;
    }

    /** {@code <refused: com.example.Gadget>} or {@code <unreadable: com.example.Point (not on the class path)>}. */
    @Override
    public String toString() {
        return refused ? "<refused: " + className + ">"
                : "<unreadable: " + (className == null ? "a value" : className) + " (not on the class path)>";
    }
}
