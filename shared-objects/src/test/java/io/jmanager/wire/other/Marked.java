package io.jmanager.wire.other;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;

/**
 * A class whose static initializer and {@code readObject} leave marks in system properties (reading a static
 * field would initialise it). {@code ValueFilterTest} never names it in code: it forges a stream of it from
 * {@link Markee} (same name length, same serialVersionUID), so the class is never initialised by the test.
 */
public final class Marked implements Serializable {
    private static final long serialVersionUID = 7L;
    public static final String STATIC_MARK = "jmanager.test.marked.static";
    public static final String READ_MARK = "jmanager.test.marked.readObject";

    static {
        System.setProperty(STATIC_MARK, "ran");
    }

    final String payload = "gadget";

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        System.setProperty(READ_MARK, "ran");
        in.defaultReadObject();
    }
}
