package io.jmanager.wire;

import java.io.Serializable;
import java.rmi.Remote;
import java.util.Objects;

/**
 * The registry's answer to get-or-create and lookup: the object's name, its spec as the registry holds it,
 * and the stub of its exported remote object. Immutable.
 */
public final class ObjectHandle implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String name;
    private final ObjectSpec spec;
    private final Remote stub;

    public ObjectHandle(String name, ObjectSpec spec, Remote stub) {
        this.name = Objects.requireNonNull(name, "name");
        this.spec = Objects.requireNonNull(spec, "spec");
        this.stub = Objects.requireNonNull(stub, "stub");
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

    public Remote stub() {
        return stub;
    }
}
