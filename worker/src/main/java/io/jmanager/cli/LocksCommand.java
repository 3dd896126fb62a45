package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.wire.LockInfo;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code locks}: every lock's holder (session, host, thread, since, token) and waiters. */
@Command(name = "locks", mixinStandardHelpOptions = true, description = "Show lock holders and waiters.")
final class LocksCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--json", description = "one JSON array, for scripts")
    boolean json;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            List<LockInfo> locks = m.locks();
            java.util.Map<Long, String> hosts = new java.util.HashMap<>();
            m.sessions().forEach(s -> hosts.put(s.id(), s.host() + ":" + s.pid()));
            if (json) {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < locks.size(); i++) {
                    LockInfo l = locks.get(i);
                    b.append(i == 0 ? "" : ",").append("{\"name\":").append(Json.quote(l.name()))
                            .append(",\"type\":").append(Json.quote(l.type().displayName()))
                            .append(",\"session\":").append(l.holderSession())
                            .append(",\"host\":").append(Json.quote(hosts.getOrDefault(l.holderSession(), "")))
                            .append(",\"thread\":").append(l.holderThread())
                            .append(",\"holds\":").append(l.holdCount())
                            .append(",\"sinceMillis\":").append(l.sinceMillis())
                            .append(",\"token\":").append(l.token())
                            .append(",\"waiters\":").append(l.waiters().stream().map(Json::quote).toList())
                            .append('}');
                }
                System.out.println(b.append(']'));
                return 0;
            }
            System.out.printf("%-24s %-6s %-8s %-24s %-8s %-5s %-24s %-8s %s%n", "LOCK", "TYPE", "SESSION", "HOST:PID",
                    "THREAD", "HOLDS", "SINCE", "TOKEN", "WAITERS (session:thread)");
            for (LockInfo l : locks) {
                boolean held = l.holdCount() > 0;
                System.out.printf("%-24s %-6s %-8s %-24s %-8s %-5s %-24s %-8s %s%n", l.name(), l.type().displayName(),
                        held ? l.holderSession() : "-", held ? hosts.getOrDefault(l.holderSession(), "?") : "-",
                        held ? l.holderThread() : "-", held ? l.holdCount() : "-",
                        held ? Instant.ofEpochMilli(l.sinceMillis()).toString() : "-", held ? l.token() : "-",
                        l.waiters().isEmpty() ? "-" : String.join(" ", l.waiters()));
            }
            return 0;
        }
    }
}
