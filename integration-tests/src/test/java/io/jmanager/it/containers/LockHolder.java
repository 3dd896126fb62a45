package io.jmanager.it.containers;

import io.jmanager.ManagerOptions;
import io.jmanager.RegistryUnavailableException;
import io.jmanager.SessionExpiredException;
import io.jmanager.SharedLock;
import java.time.Duration;

/**
 * {@code LockHolder URL LOCK MODE}: locks LOCK, prints {@code holding}, then
 * <ul>
 *   <li>{@code hold}: sleeps (the test kills the container; after 5 minutes it fails);</li>
 *   <li>{@code probe}: calls the registry every 200 ms (the test cuts the container off the network and later
 *       reconnects it). Unreachable registry: prints {@code unreachable ...} the first time and goes on. The first
 *       {@link SessionExpiredException}: prints {@code SessionExpiredException: <message>} and
 *       {@code still-held <isHeldByCurrentThread>}, and exits 0. Short timeouts so that a cut-off call fails within
 *       seconds rather than after the default 30 s read timeout.</li>
 * </ul>
 */
public final class LockHolder {
    public static void main(String[] args) {
        String mode = args.length > 2 ? args[2] : "hold";
        ManagerOptions options = mode.equals("probe")
                ? ManagerOptions.defaults().withConnectTimeout(Duration.ofSeconds(1))
                        .withReadTimeout(Duration.ofSeconds(3)).withReconnect(1, Duration.ofMillis(100))
                : ManagerOptions.defaults();
        Job.run(args, options, (m, a) -> {
            SharedLock lock = m.lock(a[1]);
            lock.lock();
            Job.say("holding " + a[1] + " in session " + m.sessionId() + " lease-ms " + m.leaseMillis());
            if (mode.equals("hold")) {
                Job.sleep(300_000);
                throw new IllegalStateException("still alive after 5 minutes: the test should have killed it");
            }
            long deadline = System.nanoTime() + 120_000_000_000L;
            int unreachable = 0;
            while (System.nanoTime() < deadline) {
                Job.sleep(200);
                try {
                    m.names();
                } catch (RegistryUnavailableException e) {
                    if (unreachable++ == 0) {
                        Job.say("unreachable " + e.getMessage());
                    }
                } catch (SessionExpiredException e) {
                    Job.say("unreachable-calls " + unreachable);
                    Job.say("SessionExpiredException: " + e.getMessage());
                    Job.say("still-held " + lock.isHeldByCurrentThread());
                    return;
                }
            }
            throw new IllegalStateException("no SessionExpiredException within 120 s");
        });
    }
}
