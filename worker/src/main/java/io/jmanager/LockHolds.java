package io.jmanager;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The locks this manager's threads acquired, with the session (its {@link RegistryConnection#generation()}) each was
 * acquired in, so that an {@code unlock()} after that session was lost fails with a clear
 * {@link SessionExpiredException} instead of unlocking nothing (the registry released the lock when the session
 * ended, and it may belong to another worker now). Thread-safe.
 */
final class LockHolds {
    private record Key(String lock, long thread) {
    }

    /** Session generation and hold count of one (lock, thread). */
    private record Hold(long generation, int count) {
    }

    private final Map<Key, Hold> holds = new ConcurrentHashMap<>();

    void acquired(String lock, long thread, long generation) {
        holds.merge(new Key(lock, thread), new Hold(generation, 1),
                (old, one) -> old.generation() == generation ? new Hold(generation, old.count() + 1) : one);
    }

    void released(String lock, long thread) {
        holds.computeIfPresent(new Key(lock, thread), (k, h) -> h.count() > 1 ? new Hold(h.generation(), h.count() - 1)
                : null);
    }

    /** How many holds of {@code lock} this manager recorded for {@code thread} (0 if none). */
    int count(String lock, long thread) {
        Hold hold = holds.get(new Key(lock, thread));
        return hold == null ? 0 : hold.count();
    }

    /** Throws if the thread's hold of the lock belongs to an earlier session than {@code currentGeneration}. */
    void checkStillHeld(String lock, long thread, long currentGeneration) {
        Key key = new Key(lock, thread);
        Hold hold = holds.get(key);
        if (hold != null && hold.generation() != currentGeneration) {
            holds.remove(key, hold);
            throw new SessionExpiredException("unlock of '" + lock + "': this thread acquired it in an earlier"
                    + " session, which ended; the registry released the lock then, and it may belong to"
                    + " another worker now. Nothing was unlocked");
        }
    }
}
