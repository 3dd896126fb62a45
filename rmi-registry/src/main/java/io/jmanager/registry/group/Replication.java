package io.jmanager.registry.group;

import java.util.concurrent.CompletableFuture;

/**
 * What the registry's live objects need from the group while this member leads in term {@code term}: append their
 * record changes to the Raft log, and confirm that a read saw the newest state.
 */
public interface Replication {
    /**
     * Appends one {@link io.jmanager.registry.RecordLog} entry to the log, now, on the calling thread (calls made
     * one after the other are appended in that order).
     *
     * @return completes normally once a majority committed the entry and this member applied it; completes with
     *         {@link io.jmanager.NotLeaderException} if it was not (leadership lost, or the entry was appended in
     *         another term than {@code term}: then it changed nothing)
     */
    CompletableFuture<Void> submit(long term, byte[] recordEntry);

    /**
     * Confirms, with Raft's read index, that this member still leads in {@code term} after the caller read its
     * live state: no other leader can have committed anything the caller did not see.
     *
     * @throws io.jmanager.NotLeaderException if it does not lead in {@code term} any more
     */
    void confirmLeadership(long term);
}
