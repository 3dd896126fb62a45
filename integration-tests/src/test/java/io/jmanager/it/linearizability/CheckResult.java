package io.jmanager.it.linearizability;

/**
 * The verdict of {@link LinearizabilityChecker}: linearizable, not linearizable (with what could not be placed), or
 * unknown because the search ran out of its time budget.
 *
 * @param verdict the verdict
 * @param operations how many operations were checked
 * @param explanation for {@link Verdict#NOT_LINEARIZABLE}: the key, the longest partial linearization found and
 *                    the operations none of which could follow it; otherwise a one-line summary
 */
public record CheckResult(Verdict verdict, int operations, String explanation) {
    /** What the check found. */
    public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    @Override
    public String toString() {
        return verdict + " (" + operations + " operations): " + explanation;
    }
}
