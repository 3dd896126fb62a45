package io.jmanager;

import java.util.Map;
import java.util.Set;

/**
 * A shared namespace, Python's {@code manager.Namespace()}: named attributes, each read and written atomically.
 * Values read are copies. {@code null} values are allowed.
 */
public interface SharedNamespace extends SharedObject {
    /**
     * The attribute's value.
     *
     * @throws java.util.NoSuchElementException if the attribute is not set
     */
    <T> T get(String attribute);

    /** The attribute's value, or {@code defaultValue} if it is not set. */
    <T> T get(String attribute, T defaultValue);

    void set(String attribute, Object value);

    /** Removes the attribute; false if it was not set. */
    boolean delete(String attribute);

    boolean has(String attribute);

    Set<String> attributes();

    /** A copy of all attributes in one round trip. */
    Map<String, Object> asMap();
}
