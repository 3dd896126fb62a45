package io.jmanager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports for the tests of this JVM. The kernel may hand the same ephemeral port to two binds to port 0
 * in a row once the first socket is closed, and a group test that asks for six ports would then give two members
 * one port: a port is therefore never handed out twice in this JVM.
 */
public final class TestPorts {
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private TestPorts() {
    }

    /** A loopback port that was free a moment ago and that no test of this JVM was given before. */
    public static int free() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no loopback port to bind: " + e.getMessage(), e);
            }
        }
        throw new IllegalStateException("100 binds to port 0 gave only ports handed out before");
    }
}
