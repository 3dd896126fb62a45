package io.jmanager.it.fencing;

/**
 * One lock grant as its holder saw it: the fencing token, the moment the lock call was invoked, the moment it
 * returned (the hold begins), and the moment the holder invoked unlock (the hold ends: it stops acting as holder
 * before it asks to release). Times are {@link System#nanoTime()} of one host.
 *
 * <p>A grant is <b>revoked</b> when its holder learned that the registry took the lock away before it released it
 * (its session expired, or unlock failed with {@link IllegalMonitorStateException}): from the revocation on, a
 * fenced resource refuses its token, so its hold may overlap the next holder's without harm. Holds that were never
 * revoked are <i>valid</i> and must never overlap.
 *
 * @param holder who held it, for messages
 * @param token the grant's fencing token
 * @param lockInvokedNanos nanoTime just before the lock call
 * @param acquiredNanos nanoTime just after the lock call returned
 * @param releasedNanos nanoTime just before unlock was invoked (or when the holder stopped acting as holder)
 * @param revoked whether the holder learned its hold was taken away
 */
public record LockGrant(String holder, long token, long lockInvokedNanos, long acquiredNanos, long releasedNanos,
        boolean revoked) {
    public LockGrant {
        if (token <= 0) {
            throw new IllegalArgumentException(holder + ": a fencing token is positive, got " + token);
        }
        if (acquiredNanos < lockInvokedNanos || releasedNanos < acquiredNanos) {
            throw new IllegalArgumentException(holder + ": times out of order: lock invoked " + lockInvokedNanos
                    + ", acquired " + acquiredNanos + ", released " + releasedNanos);
        }
    }

    @Override
    public String toString() {
        return holder + " token " + token + " held [" + acquiredNanos + ", " + releasedNanos + "]"
                + (revoked ? " (revoked)" : "");
    }
}
