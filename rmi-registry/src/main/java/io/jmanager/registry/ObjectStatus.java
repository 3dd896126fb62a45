package io.jmanager.registry;

import io.jmanager.wire.ObjectType;

/**
 * One shared object as the status page shows it.
 *
 * @param name    its name
 * @param type    its type
 * @param summary its state in a few words, e.g. {@code "3 entries"} or {@code "locked by session 4 thread 1, ..."}
 * @param waiters how many calls wait on it now (lock acquires, queue gets, barrier waits, ...)
 */
public record ObjectStatus(String name, ObjectType type, String summary, int waiters) {
}
