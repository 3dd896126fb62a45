package io.jmanager.process;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A gadget stand-in for worker-to-worker tests: its static initializer and its {@code readObject} each write a
 * marker file into the directory named by {@code -Djmanager.canary.dir} (when set), so a test sees from outside
 * whether any code of it ran in a victim process. The attacker process runs without that property.
 */
public final class MarkingCanary implements Serializable {
    private static final long serialVersionUID = 1L;
    static final String DIR_PROPERTY = "jmanager.canary.dir";

    static {
        mark("static-initializer");
    }

    final String payload;

    public MarkingCanary(String payload) {
        this.payload = payload;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        mark("readObject");
        in.defaultReadObject();
    }

    private static void mark(String what) {
        String dir = System.getProperty(DIR_PROPERTY);
        if (dir == null) {
            return;
        }
        try {
            Files.writeString(Path.of(dir).resolve(what + "-" + ProcessHandle.current().pid()), what);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
