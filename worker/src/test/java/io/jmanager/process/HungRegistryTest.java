package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.RegistryUnavailableException;
import io.jmanager.SharedDict;
import io.jmanager.Timing;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A registry process stopped with SIGSTOP: the kernel still accepts connections for it, and nothing answers. A
 * call fails within the read timeout (not one read timeout for RMI's ping of the pooled connection plus a connect
 * timeout for the new connection it opens next), and says that the registry did not answer in time.
 */
class HungRegistryTest {
    /** The read timeout, and the connect timeout: equal, so that a call that waits for both takes twice as long. */
    static final Duration TIMEOUT = Duration.ofMillis(Timing.millis(4_000));

    private static ManagerOptions options() {
        return ManagerOptions.defaults().withConnectTimeout(TIMEOUT).withReadTimeout(TIMEOUT);
    }

    private static void signal(long pid, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS), "kill -" + signal + " did not finish");
        assertEquals(0, kill.exitValue(), "kill -" + signal + " " + pid);
    }

    @Test
    void aCallToAStoppedRegistryFailsWithinTheReadTimeoutSayingItDidNotAnswerInTime() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start();
             Manager m = Manager.connect(registry.url(), options())) {
            SharedDict<String, Integer> d = m.dict("hung");
            d.put("k", 1); // the connection is pooled now: RMI pings it before the next call
            signal(registry.pid(), "STOP");
            try {
                long start = System.nanoTime();
                RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class, () -> d.get("k"));
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
                assertTrue(!e.getMessage().contains("not a jmanager registry, one too old"), e.getMessage());
                assertTrue(waited < TIMEOUT.toMillis() * 3 / 2, "the call failed after " + waited
                        + " ms, the read timeout is " + TIMEOUT.toMillis() + " ms: " + e.getMessage());
            } finally {
                signal(registry.pid(), "CONT");
            }
            assertEquals(1, d.get("k"), "the registry serves again once continued");
        }
    }

    @Test
    void connectingToAStoppedRegistrySaysItDidNotAnswerInTime() throws Exception {
        try (RegistryProcess registry = RegistryProcess.start()) {
            signal(registry.pid(), "STOP");
            try {
                long start = System.nanoTime();
                RegistryUnavailableException e = assertThrows(RegistryUnavailableException.class,
                        () -> Manager.connect(registry.url(), options()).close());
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(e.getMessage().contains("did not answer in time"), e.getMessage());
                assertTrue(waited < TIMEOUT.toMillis() * 3 / 2, "connect failed after " + waited + " ms: "
                        + e.getMessage());
            } finally {
                signal(registry.pid(), "CONT");
            }
        }
    }
}
