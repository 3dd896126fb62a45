package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedDict;

/** Reaching an existing dict by name for {@code get} and {@code del}. */
final class Dicts {
    private Dicts() {
    }

    /** The existing dict {@code name}, or a clear error (there is none, or it is another type). */
    @SuppressWarnings("unchecked") // keys and values are whatever was stored: Object
    static SharedDict<Object, Object> existing(Manager m, String name) {
        return Connection.attach(m, name, SharedDict.class, "a dict",
                "`put " + name + " KEY VALUE` creates a dict");
    }
}
