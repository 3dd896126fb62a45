package io.jmanager.cli;

import io.jmanager.AuthKey;
import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.SharedObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The connection options ({@code --url}, {@code --authkey-file}), mixed into {@code worker.jar} itself and into every
 * command that talks to a registry, so that they are accepted before the command ({@code worker.jar --url URL ls},
 * shown by the top-level {@code --help}) and after it ({@code worker.jar ls --url URL}); plus helpers to reach
 * objects by name with errors that say what to do.
 */
final class Connection {
    static final String DEFAULT_URL = "rmi://localhost:1099";

    /** The command this mixin belongs to: {@code worker.jar} itself, or one of its commands. */
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = {"-u", "--url"}, paramLabel = "URL",
            description = "registry URL (default: $JMANAGER_URL, else " + DEFAULT_URL + ")")
    String url;

    @Option(names = "--authkey-file", paramLabel = "FILE",
            description = "the registry's key file, mode 600 (default: $JMANAGER_AUTHKEY, else the file"
                    + " $JMANAGER_AUTHKEY_FILE, else ~/.jmanager/authkey)")
    Path authKeyFile;

    /** The same options given before the command, or null for {@code worker.jar}'s own. */
    private Connection global() {
        for (CommandSpec p = mixee == null ? null : mixee.parent(); p != null; p = p.parent()) {
            if (p.userObject() instanceof WorkerMain main) {
                return main.connection;
            }
        }
        return null;
    }

    /** An option given before or after the command; the same option given both ways must agree. */
    private static <T> T either(T before, T after, String option) {
        if (before != null && after != null && !before.equals(after)) {
            throw new CliException(option + " is given before the command (" + before + ") and after it (" + after
                    + "): give it once");
        }
        return after != null ? after : before;
    }

    String url() {
        Connection global = global();
        String given = either(global == null ? null : global.url, url, "--url");
        if (given != null) {
            return given;
        }
        String env = System.getenv("JMANAGER_URL");
        return env == null || env.isBlank() ? DEFAULT_URL : env;
    }

    /** The key file given on the command line, or null (the key is then found as {@link AuthKey} says). */
    Path authKeyFile() {
        Connection global = global();
        return either(global == null ? null : global.authKeyFile, authKeyFile, "--authkey-file");
    }

    /** The options a child {@code worker.jar} process needs to reach the same registry with the same key. */
    /** Whether the managers it connects share synchronous calls between threads (bench's --unshared-calls). */
    private boolean sharedCalls = true;

    /** The managers connected from now on give every synchronous call its own remote call. */
    void unshareSynchronousCalls() {
        sharedCalls = false;
    }

    boolean sharesSynchronousCalls() {
        return sharedCalls;
    }

    List<String> childArguments() {
        List<String> args = new ArrayList<>(List.of("--url", url()));
        Path keyFile = authKeyFile();
        if (keyFile != null) {
            args.addAll(List.of("--authkey-file", keyFile.toString()));
        }
        return args;
    }

    /**
     * Connects with the default value filter, showing values it refuses (and values of classes not on this class
     * path) as placeholders instead of failing: an operator's tool must not run a stored value's code, and must
     * keep showing the other values.
     */
    Manager connect() {
        ManagerOptions options = ManagerOptions.defaults().withRefusedAsPlaceholders(true)
                .withAsync(io.jmanager.AsyncOptions.defaults().withSharedSynchronousCalls(sharedCalls));
        Path keyFile = authKeyFile();
        if (keyFile == null) {
            return Manager.connect(url(), options);
        }
        AuthKey key;
        try {
            key = AuthKey.fromFile(keyFile);
        } catch (IOException e) {
            throw new CliException("cannot read the key file " + keyFile + " (--authkey-file): " + e.getMessage());
        }
        return Manager.connect(url(), key, options);
    }

    /**
     * The existing object {@code name}, or a clear error saying that there is none and {@code whatToDo}.
     */
    static SharedObject attach(Manager m, String name, String whatToDo) {
        Objects.requireNonNull(whatToDo);
        try {
            return m.attach(name);
        } catch (NoSuchSharedObjectException e) {
            throw new CliException("there is no object named '" + name + "' (`worker.jar ls` lists the objects); "
                    + whatToDo);
        }
    }

    /** The existing object {@code name} as {@code type}, or a clear error naming what it is. */
    static <T> T attach(Manager m, String name, Class<T> type, String what, String whatToDo) {
        SharedObject object = attach(m, name, whatToDo);
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
