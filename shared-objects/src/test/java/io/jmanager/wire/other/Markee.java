package io.jmanager.wire.other;

import java.io.Serializable;

/**
 * The harmless twin of {@link Marked}: a name of the same length, the same fields and serialVersionUID, so a
 * stream of it becomes a stream of {@code Marked} by replacing the name.
 */
public final class Markee implements Serializable {
    private static final long serialVersionUID = 7L;
    final String payload = "gadget";
}
