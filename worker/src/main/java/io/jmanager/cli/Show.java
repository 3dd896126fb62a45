package io.jmanager.cli;

import io.jmanager.RefusedValue;
import io.jmanager.SharedObject;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Formatting of values and bounded contents for the commands' output. */
final class Show {
    private Show() {
    }

    /** A value as a user reads it: strings plain, byte arrays as text when printable, shared objects by name. */
    static String format(Object value) {
        if (value instanceof RefusedValue refused) {
            return refused.refused()
                    ? "<refused: " + refused.className() + " (not a JDK value type; to read it, allow it with"
                    + " java -Djdk.serialFilter=" + refused.className() + " -jar worker.jar ..., with the class on"
                    + " the class path)>"
                    : "<unreadable: " + refused.className() + " (not on worker.jar's class path)>";
        }
        if (value instanceof byte[] bytes) {
            return "b" + Json.quote(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        if (value instanceof SharedObject so) {
            return "<" + Connection.typeName(so) + " '" + so.name() + "'>";
        }
        if (value instanceof Object[] array) {
            return Arrays.deepToString(array);
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
