package io.jmanager.cli;

import io.jmanager.AuthKey;
import io.jmanager.ManagerOptions;
import io.jmanager.RegistryGroupStatus;
import io.jmanager.wire.GroupStatus;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code group}: a registry group's members, leader, term, commit index, and each member's applied index and lag
 * behind the leader's commit index. Every member is asked for its own figures; the leader adds what it knows of
 * each follower (the commit index the follower last reported, how long ago it answered). Exit code 0 when a
 * leader answered, 1 when none did (an election runs, no majority, or nothing could be reached).
 */
@Command(name = "group", mixinStandardHelpOptions = true, description = "Show a registry group's members, leader,"
        + " term, commit index and each member's lag (give --url with one or every member).")
final class GroupCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--json", description = "one JSON object, for scripts")
    boolean json;

    @Override
    public Integer call() {
        ManagerOptions options = ManagerOptions.defaults();
        Path keyFile = connection.authKeyFile();
        List<RegistryGroupStatus.Answer> answers;
        if (keyFile == null) {
            answers = RegistryGroupStatus.ask(connection.url(), options);
        } else {
            try {
                answers = RegistryGroupStatus.ask(connection.url(), AuthKey.fromFile(keyFile), options);
            } catch (IOException e) {
                throw new CliException("cannot read the key file " + keyFile + " (--authkey-file): "
                        + e.getMessage());
            }
        }
        GroupStatus leader = null;
        GroupStatus any = null;
        for (RegistryGroupStatus.Answer a : answers) {
            if (a.status() != null) {
                any = any == null ? a.status() : any;
                if ("leader".equals(a.status().role()) && (leader == null || a.status().term() > leader.term())) {
                    leader = a.status();
                }
            }
        }
        if (any == null) {
            StringBuilder why = new StringBuilder();
            for (RegistryGroupStatus.Answer a : answers) {
                why.append(why.length() == 0 ? "" : "; ").append(a.url()).append(": ").append(a.error());
            }
            throw new CliException("no registry group member answered: " + why);
        }
        if (json) {
            System.out.println(json(answers, leader, any));
        } else {
            print(answers, leader, any);
        }
        return leader != null ? 0 : 1;
    }

    private static RegistryGroupStatus.Answer answerOf(List<RegistryGroupStatus.Answer> answers, String rmiUrl) {
        for (RegistryGroupStatus.Answer a : answers) {
            if (a.url().equals(rmiUrl)) {
                return a;
            }
        }
        return null;
    }

    private static GroupStatus.Member knownBy(GroupStatus status, String id) {
        if (status != null) {
            for (GroupStatus.Member m : status.members()) {
                if (m.id().equals(id)) {
                    return m;
                }
            }
        }
        return null;
    }

    /** The member's lag: the leader's commit index minus what the member applied (or last reported), or -1. */
    private static long lag(GroupStatus leader, GroupStatus own, GroupStatus.Member fromLeader) {
        if (leader == null) {
            return -1;
        }
        if (own != null) {
            return Math.max(0, leader.commitIndex() - own.appliedIndex());
        }
        return fromLeader != null && fromLeader.commitIndex() >= 0
                ? Math.max(0, leader.commitIndex() - fromLeader.commitIndex()) : -1;
    }

    private static void print(List<RegistryGroupStatus.Answer> answers, GroupStatus leader, GroupStatus any) {
        if (leader != null) {
            System.out.println("leader " + leader.self() + ", term " + leader.term() + ", commit index "
                    + leader.commitIndex() + (leader.serving() ? "" : " (elected, not serving yet)"));
        } else {
            System.out.println("no leader answered: an election runs, or too few members run to form a majority"
                    + " (the members that answered are below)");
        }
        System.out.printf("%-10s %-8s %-28s %-22s %9s %9s %7s %9s %9s %9s%n", "MEMBER", "ROLE", "RMI URL", "RAFT",
                "APPLIED", "COMMIT", "LAG", "CONTACT", "SNAPSHOT", "LOG FROM");
        for (GroupStatus.Member m : any.members()) {
            RegistryGroupStatus.Answer a = answerOf(answers, m.rmiUrl());
            GroupStatus own = a == null ? null : a.status();
            GroupStatus.Member fromLeader = knownBy(leader, m.id());
            long lag = lag(leader, own, fromLeader);
            System.out.printf("%-10s %-8s %-28s %-22s %9s %9s %7s %9s %9s %9s%n", m.id(),
                    own == null ? "-" : own.role(), m.rmiUrl(), m.raftAddress(),
                    own == null ? "-" : String.valueOf(own.appliedIndex()),
                    own != null ? String.valueOf(own.commitIndex()) : fromLeader != null && fromLeader.commitIndex() >= 0
                            ? String.valueOf(fromLeader.commitIndex()) : "-",
                    lag < 0 ? "-" : String.valueOf(lag),
                    fromLeader == null || fromLeader.sinceContactMillis() < 0 ? "-"
                            : fromLeader.sinceContactMillis() + " ms",
                    own == null || own.snapshotIndex() < 0 ? "-" : String.valueOf(own.snapshotIndex()),
                    own == null ? "-" : String.valueOf(own.logStartIndex()));
            if (a != null && a.error() != null) {
                System.out.println("           " + m.id() + " did not answer: " + a.error());
            }
        }
    }

    private static String json(List<RegistryGroupStatus.Answer> answers, GroupStatus leader, GroupStatus any) {
        StringBuilder b = new StringBuilder("{\"leader\":").append(leader == null ? "null" : Json.quote(leader.self()))
                .append(",\"term\":").append(leader == null ? -1 : leader.term())
                .append(",\"commitIndex\":").append(leader == null ? -1 : leader.commitIndex())
                .append(",\"members\":[");
        GroupStatus.Member[] members = any.members();
        for (int i = 0; i < members.length; i++) {
            GroupStatus.Member m = members[i];
            RegistryGroupStatus.Answer a = answerOf(answers, m.rmiUrl());
            GroupStatus own = a == null ? null : a.status();
            GroupStatus.Member fromLeader = knownBy(leader, m.id());
            b.append(i == 0 ? "" : ",").append("{\"id\":").append(Json.quote(m.id()))
                    .append(",\"rmiUrl\":").append(Json.quote(m.rmiUrl()))
                    .append(",\"raftAddress\":").append(Json.quote(m.raftAddress()))
                    .append(",\"role\":").append(own == null ? "null" : Json.quote(own.role()))
                    .append(",\"serving\":").append(own != null && own.serving())
                    .append(",\"term\":").append(own == null ? -1 : own.term())
                    .append(",\"appliedIndex\":").append(own == null ? -1 : own.appliedIndex())
                    .append(",\"commitIndex\":").append(own != null ? own.commitIndex()
                            : fromLeader == null ? -1 : fromLeader.commitIndex())
                    .append(",\"lag\":").append(lag(leader, own, fromLeader))
                    .append(",\"sinceContactMillis\":").append(fromLeader == null ? -1 : fromLeader.sinceContactMillis())
                    .append(",\"snapshotIndex\":").append(own == null ? -1 : own.snapshotIndex())
                    .append(",\"logStartIndex\":").append(own == null ? -1 : own.logStartIndex())
                    .append(",\"error\":").append(a == null || a.error() == null ? "null" : Json.quote(a.error()))
                    .append('}');
        }
        return b.append("]}").toString();
    }
}
