package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.SharedObject;
import picocli.CommandLine.Option;

/** The {@code --url} option shared by every command, and helpers to reach objects by name. */
final class Connection {
    static final String DEFAULT_URL = "rmi://localhost:1099";

    @Option(names = {"-u", "--url"}, paramLabel = "URL",
            description = "registry URL (default: $JMANAGER_URL, else " + DEFAULT_URL + ")")
    String url;

    String url() {
        if (url != null) {
            return url;
        }
        String env = System.getenv("JMANAGER_URL");
        return env == null || env.isBlank() ? DEFAULT_URL : env;
    }

    /**
     * Connects with the default value filter, showing values it refuses (and values of classes not on this class
     * path) as placeholders instead of failing: an operator's tool must not run a stored value's code, and must
     * keep showing the other values.
     */
    Manager connect() {
        return Manager.connect(url(), ManagerOptions.defaults().withRefusedAsPlaceholders(true));
    }

    /** The existing object {@code name} as {@code type}, or a clear error naming what it is. */
    static <T> T attach(Manager m, String name, Class<T> type, String what) {
        SharedObject object = m.attach(name);
        if (!type.isInstance(object)) {
            throw new CliException("'" + name + "' is a " + typeName(object) + ", not " + what);
        }
        return type.cast(object);
    }

    static String typeName(SharedObject object) {
        for (Class<?> i : object.getClass().getInterfaces()) {
            if (i.getPackageName().equals("io.jmanager") && i.getSimpleName().startsWith("Shared")) {
                return i.getSimpleName().substring("Shared".length()).toLowerCase(java.util.Locale.ROOT);
            }
        }
        return object.getClass().getSimpleName();
    }
}
