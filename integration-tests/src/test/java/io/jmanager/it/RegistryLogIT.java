package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.Manager;
import io.jmanager.SharedLock;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * registry.jar's log as an operator reads it: after the start-up lines, one line per event with time, level and
 * cause: start-up, sessions opened and ended (closed, killed), a lock taken back from a session that ended
 * holding it, a refused connection; and no two-line JDK record anywhere.
 */
class RegistryLogIT {
    private static final Pattern EVENT = Pattern.compile(
            "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z (ERROR|WARN |INFO |DEBUG|TRACE) .+");

    @Test
    void oneLinePerEventWithTimeLevelAndCause() throws Exception {
        try (RegistryJar.Started registry = new RegistryJar.Started("--port", "0", "--bind", "127.0.0.1",
                "--advertise", "127.0.0.1")) {
            long holderSession;
            try (Manager holder = Manager.connect(registry.url); Manager operator = Manager.connect(registry.url)) {
                holderSession = holder.sessionId();
                SharedLock lock = holder.lock("log-report");
                lock.lock();
                assertTrue(operator.killSession(holderSession));
            }
            String recovered = await(registry, "WARN  lock 'log-report' recovered from session " + holderSession
                    + " (killed) that held it for ");
            assertTrue(recovered.endsWith("0 waiting"), recovered);
            await(registry, "INFO  registry started: " + registry.url + ", port ");
            await(registry, "INFO  session " + holderSession + " opened by ");
            String killed = await(registry, "WARN  session " + holderSession + " of ");
            assertTrue(killed.contains(": killed by an operator (kill-session)"), killed);
            // a connection that is not jmanager: refused, and reported (at most every 10 s, with a count)
            int port = Integer.parseInt(registry.url.substring(registry.url.lastIndexOf(':') + 1));
            try (java.net.Socket garbage = new java.net.Socket("127.0.0.1", port)) {
                garbage.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(
                        java.nio.charset.StandardCharsets.US_ASCII));
                garbage.getInputStream().read(); // the registry closes it
            }
            String refused = await(registry, "WARN  refused 1 connection(s) that did not authenticate (the last"
                    + " from 127.0.0.1: ");
            assertTrue(refused.contains("it sent 'GET /'"), refused);
            String closed = await(registry, "closed by the worker");
            assertTrue(closed.contains("INFO  session " + (holderSession + 1) + " of "), closed);

            List<String> lines = registry.output();
            int ready = lines.indexOf(lines.stream().filter(l -> l.startsWith("jmanager registry ready at "))
                    .findFirst().orElseThrow());
            for (String line : lines.subList(ready + 1, lines.size())) {
                assertTrue(EVENT.matcher(line).matches(), "not a one-line event: " + line + "\n" + lines);
            }
            assertEquals(0, lines.stream().filter(l -> l.matches("[A-Z][a-z]{2} \\d\\d, \\d{4} .*")).count(),
                    "a two-line JDK record: " + lines);
        }
    }

    /** The first line containing {@code part}, waited for (bounded): events are logged by registry threads. */
    private static String await(RegistryJar.Started registry, String part) throws InterruptedException {
        long deadline = System.nanoTime() + RegistryJar.millis(10_000) * 1_000_000;
        while (System.nanoTime() < deadline) {
            for (String line : registry.output()) {
                if (line.contains(part)) {
                    return line;
                }
            }
            Thread.sleep(20); // polling a file: there is no event to wait for
        }
        return fail("no line with '" + part + "' in " + registry.output());
    }
}
