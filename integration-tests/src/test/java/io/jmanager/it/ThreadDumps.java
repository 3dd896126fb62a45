package io.jmanager.it;

import java.util.ArrayList;
import java.util.List;

/** Reading a HotSpot thread dump (the text a JVM prints on SIGQUIT) in failure messages. */
final class ThreadDumps {
    private ThreadDumps() {
    }

    /**
     * The stacks in {@code dump} of the threads whose name contains one of {@code fragments}, in dump order, each
     * stack a block that begins with its quoted name line.
     */
    static String threadsNamed(String dump, String... fragments) {
        List<String> picked = new ArrayList<>();
        for (String block : dump.split("\n\\s*\n")) {
            String first = block.strip();
            if (!first.startsWith("\"")) {
                continue;
            }
            int close = first.indexOf('"', 1);
            String name = close < 0 ? "" : first.substring(1, close);
            for (String f : fragments) {
                if (name.contains(f)) {
                    picked.add(first);
                    break;
                }
            }
        }
        return String.join("\n\n", picked);
    }
}
