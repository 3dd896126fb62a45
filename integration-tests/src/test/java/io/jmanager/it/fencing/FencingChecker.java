package io.jmanager.it.fencing;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Checks the grants of one lock, recorded by its holders:
 * <ol>
 *   <li><b>tokens are unique and strictly increase in real time</b>: no two grants share a token, and if one lock
 *       call returned before another was invoked, the later grant's token is the larger;</li>
 *   <li><b>valid holds never overlap</b>: no two grants that were not {@linkplain LockGrant#revoked() revoked} were
 *       held at the same time (hold = from the lock call's return to the unlock's invocation), and of two valid
 *       holds the later one has the larger token.</li>
 * </ol>
 * Stateless and thread-safe.
 */
public final class FencingChecker {
    private FencingChecker() {
    }

    /** The problems found, one line each; empty when the grants pass both checks. */
    public static List<String> violations(List<LockGrant> grants) {
        List<String> found = new ArrayList<>();
        List<LockGrant> byToken = new ArrayList<>(grants);
        byToken.sort(Comparator.comparingLong(LockGrant::token));
        for (int i = 1; i < byToken.size(); i++) {
            if (byToken.get(i).token() == byToken.get(i - 1).token()) {
                found.add("token " + byToken.get(i).token() + " granted twice: " + byToken.get(i - 1) + " and "
                        + byToken.get(i));
            }
        }
        // real-time order: a grant whose call returned before another's call began must have the smaller token.
        // Sorted by return time, the largest token among grants returned before a call began must be below its
        // token; the prefix maximum is kept while walking calls in invocation order.
        List<LockGrant> byReturn = new ArrayList<>(grants);
        byReturn.sort(Comparator.comparingLong(LockGrant::acquiredNanos));
        List<LockGrant> byInvoke = new ArrayList<>(grants);
        byInvoke.sort(Comparator.comparingLong(LockGrant::lockInvokedNanos));
        int r = 0;
        LockGrant maxBefore = null;
        for (LockGrant g : byInvoke) {
            while (r < byReturn.size() && byReturn.get(r).acquiredNanos() < g.lockInvokedNanos()) {
                LockGrant done = byReturn.get(r++);
                if (maxBefore == null || done.token() > maxBefore.token()) {
                    maxBefore = done;
                }
            }
            if (maxBefore != null && maxBefore.token() >= g.token()) {
                found.add("tokens went back: " + g + " was requested after " + maxBefore
                        + " had been granted, with a token not above it");
            }
        }
        // valid holds: sorted by start, each must start at or after every earlier valid hold ended
        List<LockGrant> valid = new ArrayList<>(grants.stream().filter(g -> !g.revoked()).toList());
        valid.sort(Comparator.comparingLong(LockGrant::acquiredNanos));
        LockGrant longest = null;
        for (LockGrant g : valid) {
            if (longest != null && g.acquiredNanos() < longest.releasedNanos()) {
                found.add("two valid holds overlap by " + (longest.releasedNanos() - g.acquiredNanos()) + " ns: "
                        + longest + " and " + g);
            }
            if (longest != null && g.acquiredNanos() >= longest.releasedNanos() && g.token() <= longest.token()) {
                found.add("a later valid hold has a token not above an earlier one's: " + longest + " then " + g);
            }
            if (longest == null || g.releasedNanos() > longest.releasedNanos()) {
                longest = g;
            }
        }
        return found;
    }
}
