package io.jmanager.cli;

import io.jmanager.Manager;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code kill-session ID}: ends a stuck worker's session as if it had died. */
@Command(name = "kill-session", mixinStandardHelpOptions = true, description = "End a worker's session as if it"
        + " had died: its locks are released, its taken permits and unacknowledged deliveries return.")
final class KillSessionCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "ID", description = "the session id, as `sessions` shows it")
    long id;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            if (id == m.sessionId()) {
                throw new CliException("session " + id + " is this command's own session");
            }
            if (!m.killSession(id)) {
                throw new CliException("no open session " + id + "; `sessions` lists them");
            }
            System.out.println("session " + id + " ended");
            return 0;
        }
    }
}
