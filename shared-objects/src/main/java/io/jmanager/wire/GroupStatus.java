package io.jmanager.wire;

import java.io.Serializable;

/**
 * One registry group member's view of the group (its Raft state), for operators. Log positions are Raft log
 * indexes; -1 means unknown. Immutable (the array is not shared by its producer).
 *
 * @param self          this member's id
 * @param role          {@code leader}, {@code follower}, {@code candidate} (an election runs) or {@code listener}
 * @param serving       whether this member serves workers now (it leads and caught up)
 * @param term          its current term
 * @param leader        the leader's id as this member knows it, or null during an election
 * @param commitIndex   the last entry it knows to be committed by a majority
 * @param appliedIndex  the last entry it applied to its records
 * @param snapshotIndex the last entry its newest snapshot includes, -1 if it has none
 * @param logStartIndex the first entry its log still holds (the entries before are in the snapshot)
 * @param lastLogIndex  the last entry its log holds (appended, committed or not)
 * @param members       every member of the group, in {@code --group} order
 */
public record GroupStatus(String self, String role, boolean serving, long term, String leader, long commitIndex,
                          long appliedIndex, long snapshotIndex, long logStartIndex, long lastLogIndex,
                          Member[] members) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * A member as this member knows it. The replication figures are the leader's knowledge of its followers; a
     * follower reports -1 for the other members, and for itself its own figures.
     *
     * @param id                id in {@code --group}
     * @param rmiUrl            the URL workers reach it on
     * @param raftAddress       host:port of its Raft server
     * @param commitIndex       the commit index it last reported to the leader (-1 unknown)
     * @param sinceContactMillis milliseconds since the leader last heard from it (-1 unknown; 0 for the leader)
     */
    public record Member(String id, String rmiUrl, String raftAddress, long commitIndex, long sinceContactMillis)
            implements Serializable {
        private static final long serialVersionUID = 1L;
    }
}
