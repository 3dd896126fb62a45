package io.jmanager.wire;

import java.io.Serializable;

/** One row of the registry's object listing: name, spec and a short summary of the state. Immutable. */
public final class ObjectInfo implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final ObjectSpec spec;
    private final String summary;

    public ObjectInfo(String name, ObjectSpec spec, String summary) {
        this.name = name;
        this.spec = spec;
        this.summary = summary;
    }

    public String name() {
        return name;
    }

    public ObjectSpec spec() {
        return spec;
    }

    public ObjectType type() {
        return spec.type();
    }

    /** E.g. {@code "3 entries"}, {@code "locked by session 4 thread 1, token 12"}. */
    public String summary() {
        return summary;
    }

    @Override
    public String toString() {
        return name + " " + spec.describe() + ": " + summary;
    }
}
