package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.wire.SessionInfo;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code sessions}: connected workers with their lease age. */
@Command(name = "sessions", mixinStandardHelpOptions = true, description = "Show connected workers and their"
        + " lease age (this command's own session is marked *).")
final class SessionsCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--json", description = "one JSON array, for scripts")
    boolean json;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            List<SessionInfo> sessions = m.sessions();
            if (json) {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < sessions.size(); i++) {
                    SessionInfo s = sessions.get(i);
                    b.append(i == 0 ? "" : ",").append("{\"id\":").append(s.id())
                            .append(",\"host\":").append(Json.quote(s.host())).append(",\"pid\":").append(s.pid())
                            .append(",\"leaseMillis\":").append(s.leaseMillis())
                            .append(",\"sinceRenewMillis\":").append(s.sinceRenewMillis())
                            .append(",\"openedAtMillis\":").append(s.openedAtMillis())
                            .append(",\"liveConnection\":").append(s.liveConnection())
                            .append(",\"self\":").append(s.id() == m.sessionId()).append('}');
                }
                System.out.println(b.append(']'));
                return 0;
            }
            System.out.printf("%-9s %-24s %-8s %-12s %-10s %-24s %s%n", "SESSION", "HOST", "PID", "LEASE AGE",
                    "LEASE", "OPENED", "LIVENESS");
            for (SessionInfo s : sessions) {
                System.out.printf("%-9s %-24s %-8d %-12s %-10s %-24s %s%n",
                        s.id() + (s.id() == m.sessionId() ? "*" : ""), s.host(), s.pid(),
                        s.sinceRenewMillis() + " ms", s.leaseMillis() + " ms",
                        Instant.ofEpochMilli(s.openedAtMillis()).toString(), s.liveConnection() ? "connected" : "-");
            }
            return 0;
        }
    }
}
