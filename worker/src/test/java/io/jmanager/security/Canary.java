package io.jmanager.security;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A class outside every allow-list whose deserialization is recorded: what a gadget chain's first link would do,
 * without any gadget library. If {@link #RUNS} ever moves, the registry instantiated a class it must not.
 */
public final class Canary implements Serializable {
    private static final long serialVersionUID = 1L;
    /** How many times {@code readObject} of any Canary ran in this JVM. */
    public static final AtomicInteger RUNS = new AtomicInteger();

    final String payload;

    public Canary(String payload) {
        this.payload = payload;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        RUNS.incrementAndGet();
        in.defaultReadObject();
    }
}
