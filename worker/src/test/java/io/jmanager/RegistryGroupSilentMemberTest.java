package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker given a group whose first member does not answer (its host hangs: the kernel accepts the connection,
 * nothing replies) connects to the member that serves without first waiting out its timeouts there, because it
 * asks every member at once.
 */
class RegistryGroupSilentMemberTest {
    /** The connect and read timeouts: a connect that waited for the silent member would take at least this. */
    private static final Duration TIMEOUT = Duration.ofMillis(Timing.millis(20_000));

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void aWorkerConnectsToTheServingMemberWithoutWaitingForASilentOne() throws Exception {
        try (InProcessGroup group = new InProcessGroup(tmp).startAll();
             ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            group.leader();
            group.connect().close(); // the group serves
            String url = "rmi://127.0.0.1:" + silent.getLocalPort() + "," + group.urls.substring("rmi://".length());
            ManagerOptions options = ManagerOptions.defaults().withConnectTimeout(TIMEOUT).withReadTimeout(TIMEOUT);
            long start = System.nanoTime();
            try (Manager m = Manager.connect(url, options)) {
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(took < TIMEOUT.toMillis() / 2, "connecting took " + took + " ms: it waited for the"
                        + " silent member (timeouts " + TIMEOUT.toMillis() + " ms)");
                m.dict("d").put("k", "v");
                assertEquals("v", m.dict("d").get("k"));
            }
        }
    }
}
