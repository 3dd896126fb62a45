package io.jmanager.registry;

/**
 * What a start on a damaged data directory may do instead of refusing; both off by default.
 *
 * @param skipDamagedRecords {@code --skip-damaged-records}: start without the records (and the objects that cannot
 *                           be rebuilt without them) that fail their checksum or cannot be read; each is listed,
 *                           and the repaired state is written back so that the next start is clean
 * @param acceptRollback     {@code --accept-rollback}: start on a store older than the newest state the directory
 *                           acknowledged (or whose record of that state is missing or damaged), saying how far
 *                           back it is, and record the store's state as the newest from now on
 */
public record RecoveryOptions(boolean skipDamagedRecords, boolean acceptRollback) {
    public static final RecoveryOptions NONE = new RecoveryOptions(false, false);
}
