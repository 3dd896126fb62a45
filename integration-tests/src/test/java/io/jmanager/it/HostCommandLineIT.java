package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's container deployment seen from the host (issue 13): the registry advertises {@code registry}, a name
 * only its network resolves, so {@code worker.jar ls} on the host reaches the published port and then fails; it must
 * say that the advertised name does not resolve here and name {@code --advertise}, not ask whether the port is
 * reachable.
 */
@Timeout(300)
class HostCommandLineIT {
    @BeforeEach
    void docker() {
        DockerGuard.assumeContainersCanRun();
    }

    @Test
    void lsFromTheHostSaysTheAdvertisedNameDoesNotResolveHere(@TempDir Path dir) throws Exception {
        try {
            InetAddress.getByName(Cluster.ALIAS);
            Assumptions.abort("this host resolves '" + Cluster.ALIAS + "': the stumble cannot happen here");
        } catch (UnknownHostException expected) {
            // as on a developer's machine
        }
        try (Cluster cluster = Cluster.start()) {
            Path key = dir.resolve("authkey");
            Files.writeString(key, cluster.authKey());
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
            String url = "rmi://" + cluster.registry.getHost() + ":" + cluster.publishedPort();
            RegistryJar.Result r = RegistryJar.runJar(RegistryJar.workerJar(), "--url", url, "--authkey-file",
                    key.toString(), "ls");
            assertEquals(1, r.code(), r.output());
            assertEquals("worker.jar: jmanager registry at " + url + " is unavailable: the registry answered, but it"
                    + " advertises its address as 'registry', a name that does not resolve on this host (every call"
                    + " goes to the name the registry advertises, its --advertise option or else its host name:"
                    + " start it with --advertise set to a name that this host and every worker resolve to it, or"
                    + " make 'registry' resolve here, e.g. in /etc/hosts)\n", r.output());
        }
    }
}
