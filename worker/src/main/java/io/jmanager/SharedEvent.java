package io.jmanager;

import java.util.concurrent.TimeUnit;

/** A shared event, Python's {@code manager.Event()}: a flag that workers wait for. */
public interface SharedEvent extends SharedObject {
    void set();

    void clear();

    boolean isSet();

    /** Waits until the flag is set. */
    void await() throws InterruptedException;

    /** Waits up to the timeout; returns the flag (Python's {@code wait(timeout)}). */
    boolean await(long timeout, TimeUnit unit) throws InterruptedException;
}
