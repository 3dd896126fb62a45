package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.registry.group.RaftTls;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.function.UnaryOperator;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The group's Raft traffic is mutual TLS with credentials derived from the key (docs/group.md, "Security"): a member
 * started with another key is not counted and gets no entries, and a TLS client without the key's credentials is
 * refused at the Raft port, while one with them is served.
 */
class RegistryGroupSecurityTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void aMemberWithAnotherKeyIsNotCountedAndGetsNoEntries() throws Exception {
        try (InProcessGroup group = new InProcessGroup(tmp)) {
            group.start(0);
            group.start(1);
            group.start(2, AuthKey.generate(), UnaryOperator.identity());
            int leader = group.leader();
            assertTrue(leader != 2, "the member with another key was elected");
            int follower = 1 - leader;
            try (Manager m = Manager.connect(group.urls)) {
                SharedDict<String, Integer> d = m.dict("d");
                for (int i = 0; i < 50; i++) {
                    int k = i;
                    InProcessGroup.retried(() -> d.put("k" + k, k));
                }
                long committed = group.members[leader].groupMember().appliedIndex();
                InProcessGroup.await("the follower with the key applies every entry", 30,
                        () -> group.members[follower].groupMember().appliedIndex() >= committed);
                assertEquals(0, group.members[2].groupMember().storedRecords(),
                        "the member with another key holds records");
                assertTrue(group.members[2].groupMember().appliedIndex() <= 0,
                        "the member with another key applied entries: " + group.members[2].groupMember()
                                .appliedIndex());
                assertTrue(group.members[2].groupMember().servingTerm() < 0);

                // without its one keyed follower the leader has no majority: the stranger does not count
                group.stop(follower);
                assertThrows(JManagerException.class, () -> {
                    for (int i = 0; i < 1000; i++) { // the first may be answered within the leader's lease
                        d.put("after", i);
                    }
                }, "a leader whose only live peer has another key still committed writes");
                assertEquals(0, group.members[2].groupMember().storedRecords());
            }
        }
    }

    @Test
    void aTlsClientWithoutTheKeysCredentialsIsRefusedAtTheRaftPort() throws Exception {
        try (InProcessGroup group = new InProcessGroup(tmp)) {
            group.startAll();
            group.leader();
            int port = group.raftPorts[0];

            // the control: the key's credentials get an HTTP/2 SETTINGS frame from the member's gRPC server
            byte[] frame = http2Exchange(RaftTls.forMember(TestKeys.key(), "probe", "127.0.0.1").sslContext(), port);
            assertEquals(4, frame[3], "the first frame of a member's gRPC server is SETTINGS");

            SSLContext noCertificate = SSLContext.getInstance("TLS");
            noCertificate.init(null, new TrustManager[] {new TrustEverything()}, null);
            assertRefused(noCertificate, port, "a TLS client without a certificate");
            SSLContext otherKey = RaftTls.forMember(AuthKey.generate(), "probe", "127.0.0.1").sslContext();
            assertRefused(otherKey, port, "a TLS client with credentials of another key");
        }
    }

    private static void assertRefused(SSLContext context, int port, String who) throws Exception {
        try {
            byte[] frame = http2Exchange(context, port);
            if (frame != null) {
                fail(who + " was answered at the Raft port: frame type " + frame[3]);
            }
        } catch (SocketTimeoutException e) {
            fail(who + " was neither refused nor answered at the Raft port within the timeout");
        } catch (IOException e) {
            // refused: the handshake failed, or the server's alert arrived after it (TLS 1.3)
        }
    }

    /** Opens TLS (ALPN h2) to the port, sends the HTTP/2 preface, returns the first frame header, null at EOF. */
    private static byte[] http2Exchange(SSLContext context, int port) throws IOException {
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                port)) {
            socket.setSoTimeout((int) Timing.millis(10_000));
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setApplicationProtocols(new String[] {"h2"});
            socket.setSSLParameters(parameters);
            socket.startHandshake();
            socket.getOutputStream().write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            byte[] header = new byte[9];
            int n = 0;
            while (n < header.length) {
                int r = in.read(header, n, header.length - n);
                if (r < 0) {
                    return null;
                }
                n += r;
            }
            return header;
        }
    }

    /** Trusts any server: the client below is refused for what it lacks, not for distrusting the member. */
    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
