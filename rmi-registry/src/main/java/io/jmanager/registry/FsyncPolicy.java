package io.jmanager.registry;

/**
 * When a data directory's writes reach the disk ({@code --fsync}).
 *
 * @param intervalMillis 0 for {@code always}: a call that changed state answers only after its change is on disk,
 *                       sharing each sync with the calls that committed alongside it (group commit). Positive for
 *                       {@code interval=MS}: a commit and sync starts every {@code intervalMillis}; a call answers
 *                       at once, and a crash (of the registry or of the machine) loses, whole changes only, those
 *                       acknowledged in the last interval plus the duration of one commit (normally a few ms;
 *                       longer only while the disk stalls)
 */
public record FsyncPolicy(long intervalMillis) {
    public static final FsyncPolicy ALWAYS = new FsyncPolicy(0);

    public FsyncPolicy {
        if (intervalMillis < 0) {
            throw new IllegalArgumentException("fsync interval must be positive, got " + intervalMillis);
        }
    }

    /**
     * Parses {@code always} or {@code interval=MS}.
     *
     * @throws IllegalArgumentException naming what is accepted
     */
    public static FsyncPolicy parse(String text) {
        if ("always".equals(text)) {
            return ALWAYS;
        }
        if (text != null && text.startsWith("interval=")) {
            try {
                long millis = Long.parseLong(text.substring("interval=".length()));
                if (millis >= 1 && millis <= 60_000) {
                    return new FsyncPolicy(millis);
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("invalid --fsync '" + text + "': use 'always' (the default: no"
                + " acknowledged write is lost) or 'interval=MS' with MS from 1 to 60000 (faster; a crash loses the"
                + " writes of the last MS milliseconds plus one commit)");
    }

    public boolean always() {
        return intervalMillis == 0;
    }

    @Override
    public String toString() {
        return always() ? "always" : "interval=" + intervalMillis;
    }
}
