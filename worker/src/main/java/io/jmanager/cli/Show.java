package io.jmanager.cli;

import io.jmanager.RefusedValue;
import io.jmanager.SharedObject;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/** Formatting of values and bounded contents for the commands' output. */
final class Show {
    private Show() {
    }

    /**
     * A value as Python's {@code repr} shows it, so that values of different types never look the same: strings in
     * double quotes ({@code "2"}), characters in single quotes, {@code long}s with {@code L}, {@code float}s with
     * {@code f}, {@code short}s and {@code byte}s with a cast ({@code (short) 2}), so an {@code Integer 2} prints
     * {@code 2} and a {@code String "2"} prints {@code "2"}; collections, maps and arrays show their elements the
     * same way; byte arrays as {@code b"..."}; shared objects by type and name; other values by {@code toString}
     * (records, {@code UUID}s, {@code java.time} values are unambiguous that way).
     */
    static String format(Object value) {
        if (value instanceof RefusedValue refused) {
            return refused.refused()
                    ? "<refused: " + refused.className() + " (not a JDK value type; to read it, allow it with"
                    + " java -Djdk.serialFilter=" + refused.className() + " -jar worker.jar ..., with the class on"
                    + " the class path)>"
                    : "<unreadable: " + refused.className() + " (not on worker.jar's class path)>";
        }
        if (value instanceof String text) {
            return Json.quote(text);
        }
        if (value instanceof Character c) {
            String quoted = Json.quote(String.valueOf(c)); // escapes \ and control characters
            return "'" + quoted.substring(1, quoted.length() - 1).replace("\\\"", "\"").replace("'", "\\'") + "'";
        }
        if (value instanceof Long l) {
            return l + "L";
        }
        if (value instanceof Float f) {
            return f + "f";
        }
        if (value instanceof Short sh) {
            return "(short) " + sh;
        }
        if (value instanceof Byte b) {
            return "(byte) " + b;
        }
        if (value instanceof byte[] bytes) {
            return "b" + Json.quote(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        if (value instanceof SharedObject so) {
            return "<" + Connection.typeName(so) + " '" + so.name() + "'>";
        }
        if (value instanceof Map<?, ?> map) {
            StringJoiner out = new StringJoiner(", ", "{", "}");
            map.forEach((k, v) -> out.add(format(k) + ": " + format(v)));
            return out.toString();
        }
        if (value instanceof Collection<?> collection) {
            StringJoiner out = new StringJoiner(", ", collection instanceof Set<?> ? "{" : "[",
                    collection instanceof Set<?> ? "}" : "]");
            collection.forEach(e -> out.add(format(e)));
            return out.toString();
        }
        if (value != null && value.getClass().isArray()) {
            StringJoiner out = new StringJoiner(", ", "[", "]");
            for (int i = 0; i < Array.getLength(value); i++) {
                out.add(format(Array.get(value, i)));
            }
            return out.toString();
        }
        return String.valueOf(value);
    }

    /** Up to {@code limit} elements, one per line, then "…and N more". */
    static void elements(Iterator<?> it, int total, int limit) {
        int shown = 0;
        while (it.hasNext() && shown < limit) {
            System.out.println("  [" + shown + "] " + format(it.next()));
            shown++;
        }
        if (total > shown) {
            System.out.println("  …and " + (total - shown) + " more");
        }
    }

    /**
     * A value whose type the reader knows already (a typed value of a known typecode): numbers and booleans plain,
     * anything else as {@link #format}.
     */
    static String typed(Object value) {
        return value instanceof Number || value instanceof Boolean ? String.valueOf(value) : format(value);
    }

    /** A namespace's attributes (names, never quoted: they are identifiers), as {@link #entries} shows a dict. */
    static void attributes(Map<String, ?> attributes, int limit) {
        int shown = 0;
        for (Map.Entry<String, ?> e : attributes.entrySet()) {
            if (shown == limit) {
                break;
            }
            System.out.println("  " + e.getKey() + " = " + format(e.getValue()));
            shown++;
        }
        if (attributes.size() > shown) {
            System.out.println("  …and " + (attributes.size() - shown) + " more");
        }
    }

    /** Up to {@code limit} entries, one per line, then "…and N more". */
    static void entries(Map<?, ?> map, int limit) {
        int shown = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (shown == limit) {
                break;
            }
            System.out.println("  " + format(e.getKey()) + " = " + format(e.getValue()));
            shown++;
        }
        if (map.size() > shown) {
            System.out.println("  …and " + (map.size() - shown) + " more");
        }
    }

    static void list(List<?> values, int limit) {
        elements(values.iterator(), values.size(), limit);
    }
}
