package io.jmanager.registry.group;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A registry group as {@code registry.jar --group r1=hostA:1099,r2=hostB:1099,r3=hostC:1099 --id r1} gives it:
 * every member's id, the host and RMI port workers reach it on, and the port its Raft server listens on
 * ({@code id=host:rmiPort:raftPort}; by default the RMI port plus one). Every member must be started with the same
 * list. Immutable.
 *
 * @param members          every member, in the order given
 * @param self             this member's id ({@code --id})
 * @param dataDir          where this member keeps its Raft log and snapshots ({@code DIR/raft})
 * @param snapshotEvery    how many log entries a member applies between two snapshots of its records, after which
 *                         Ratis may purge the log behind the snapshot ({@code --snapshot-every})
 * @param plaintextRaft    the Raft traffic between members is plain gRPC, not mutual TLS with credentials derived
 *                         from the key ({@code --unauthenticated-group-traffic}; see {@link RaftTls})
 * @param rejoin           this member lost its Raft log (a wiped or replaced disk) and rejoins as a new member:
 *                         the leader removes it from the group and adds it back empty ({@code --rejoin})
 */
public record GroupConfig(List<Member> members, String self, Path dataDir, long snapshotEvery,
                          boolean plaintextRaft, boolean rejoin) {
    /** The default of {@code --snapshot-every}: a restart replays at most this many entries after the snapshot. */
    public static final long DEFAULT_SNAPSHOT_EVERY = 100_000;
    /** The least {@code --snapshot-every} accepted (smaller ones would snapshot nearly every write). */
    public static final long MIN_SNAPSHOT_EVERY = 10;

    /** One member: {@code id=host:rmiPort[:raftPort]}. */
    public record Member(String id, String host, int rmiPort, int raftPort) {
        /** The URL workers reach this member on, e.g. {@code rmi://hostA:1099}. */
        public String rmiUrl() {
            return "rmi://" + host + ":" + rmiPort;
        }

        /** The address its Raft server listens on, {@code host:raftPort}. */
        public String raftAddress() {
            return host + ":" + raftPort;
        }
    }

    public GroupConfig {
        members = List.copyOf(members);
        if (snapshotEvery < MIN_SNAPSHOT_EVERY) {
            throw new IllegalArgumentException("--snapshot-every " + snapshotEvery + " is too small: give at least "
                    + MIN_SNAPSHOT_EVERY + " log entries between snapshots (default " + DEFAULT_SNAPSHOT_EVERY + ")");
        }
    }

    /** A group with the default snapshot interval and authenticated (mutual TLS) Raft traffic. */
    public GroupConfig(List<Member> members, String self, Path dataDir) {
        this(members, self, dataDir, DEFAULT_SNAPSHOT_EVERY, false, false);
    }

    /** This group, snapshotting every {@code entries} log entries. */
    public GroupConfig withSnapshotEvery(long entries) {
        return new GroupConfig(members, self, dataDir, entries, plaintextRaft, rejoin);
    }

    /** This group, with plain (unauthenticated, unencrypted) Raft traffic when {@code plaintext}. */
    public GroupConfig withPlaintextRaft(boolean plaintext) {
        return new GroupConfig(members, self, dataDir, snapshotEvery, plaintext, rejoin);
    }

    /** This group, for a member that rejoins as a new member when {@code again} ({@code --rejoin}). */
    public GroupConfig withRejoin(boolean again) {
        return new GroupConfig(members, self, dataDir, snapshotEvery, plaintextRaft, again);
    }

    /**
     * Parses {@code --group} and {@code --id}.
     *
     * @throws IllegalArgumentException naming what is wrong and the expected form
     */
    public static GroupConfig parse(String group, String id, Path dataDir) {
        String form = " (expected --group r1=hostA:1099,r2=hostB:1099,r3=hostC:1099: each member's id, host and"
                + " RMI port, optionally :RAFTPORT, default the RMI port + 1)";
        if (group == null || group.isBlank()) {
            throw new IllegalArgumentException("--group is empty" + form);
        }
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("--group needs --id: which of the members this registry is");
        }
        if (dataDir == null) {
            throw new IllegalArgumentException("--group needs --data-dir DIR: a member keeps its Raft log there, and"
                    + " a member that forgot its log (its votes and entries) could make the group lose acknowledged"
                    + " writes");
        }
        List<Member> members = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (String part : group.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("member '" + p + "' of --group has no id" + form);
            }
            String memberId = p.substring(0, eq).trim();
            if (!memberId.matches("[A-Za-z0-9_-]{1,40}")) {
                throw new IllegalArgumentException("member id '" + memberId + "' of --group must be 1 to 40 letters,"
                        + " digits, '-' or '_'");
            }
            String[] hp = p.substring(eq + 1).trim().split(":");
            if (hp.length < 2 || hp.length > 3 || hp[0].isBlank()) {
                throw new IllegalArgumentException("member '" + p + "' of --group is not id=host:port" + form);
            }
            int rmi = port(hp[1], p);
            int raft = hp.length == 3 ? port(hp[2], p) : rmi + 1;
            if (raft == rmi) {
                throw new IllegalArgumentException("member '" + p + "' of --group uses port " + rmi + " for both RMI"
                        + " and Raft: give them different ports");
            }
            if (!ids.add(memberId)) {
                throw new IllegalArgumentException("member id '" + memberId + "' appears twice in --group");
            }
            if (!addresses.add(hp[0] + ":" + rmi) || !addresses.add(hp[0] + ":" + raft)) {
                throw new IllegalArgumentException("member '" + p + "' of --group reuses a host:port of another"
                        + " member (each member's RMI port and Raft port must be its own)");
            }
            members.add(new Member(memberId, hp[0], rmi, raft));
        }
        if (members.size() < 3 || members.size() % 2 == 0) {
            throw new IllegalArgumentException("--group lists " + members.size() + " member(s): a group needs an odd"
                    + " number of members, at least 3 (3 survive the loss of one, 5 of two)");
        }
        if (!ids.contains(id)) {
            throw new IllegalArgumentException("--id " + id + " is not one of the members of --group ("
                    + String.join(", ", ids) + ")");
        }
        return new GroupConfig(members, id, dataDir);
    }

    private static int port(String text, String member) {
        try {
            int port = Integer.parseInt(text.trim());
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("member '" + member + "' of --group has port '" + text + "': a port"
                    + " is a number from 1 to 65535");
        }
    }

    /** This member. */
    public Member me() {
        return member(self);
    }

    /** The member with id {@code id}, or null. */
    public Member member(String id) {
        for (Member m : members) {
            if (m.id().equals(id)) {
                return m;
            }
        }
        return null;
    }
}
