package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.AuthKey;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The authentication handshake on its own: both sides over a loopback connection, and crafted peers. */
class HandshakeTest {
    private static final AuthKey KEY = AuthKey.of("0123456789abcdef0123456789abcdef");
    private static final AuthKey OTHER = AuthKey.of("another key, also long enough...");
    private static final byte[] NONE = new byte[0];
    private static final Handshake.ReadTimeout NO_TIMEOUT = millis -> { };

    private static long deadline(long millis) {
        return System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    }

    private static Handshake.KeyChooser only(AuthKey key) {
        return (fingerprint, peer) -> {
            if (!fingerprint.equals(key.fingerprint())) {
                throw new HandshakeException("no key for " + fingerprint, true);
            }
            return key;
        };
    }

    /** Closes one end early, as the registry and the worker do when the handshake fails (try closes it again). */
    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closed
        }
    }

    /** Runs the server side on one end of a loopback connection and the client side on the other. */
    private static Throwable[] run(AuthKey serverKey, Handshake.KeyChooser clientKeys, byte[] serverBinding,
                                   byte[] clientBinding) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
             Socket server = listener.accept()) {
            CompletableFuture<Throwable> serverSide = CompletableFuture.supplyAsync(() -> {
                try {
                    Handshake.server(server.getInputStream(), server.getOutputStream(), server::setSoTimeout,
                            deadline(5_000), serverKey, serverBinding);
                    return null;
                } catch (IOException e) {
                    closeQuietly(server); // what the registry does on failure
                    return e;
                }
            });
            Throwable clientFailure = null;
            try {
                AuthKey used = Handshake.client(client.getInputStream(), client.getOutputStream(), client::setSoTimeout,
                        deadline(5_000), clientKeys, clientBinding, "test-registry:1");
                assertEquals(serverKey, used);
            } catch (IOException e) {
                clientFailure = e;
                closeQuietly(client); // what the worker does on failure
            }
            return new Throwable[] {serverSide.get(10, TimeUnit.SECONDS), clientFailure};
        }
    }

    @Test
    void bothSidesWithTheKeyPass() throws Exception {
        Throwable[] failures = run(KEY, only(KEY), NONE, NONE);
        assertEquals(null, failures[0]);
        assertEquals(null, failures[1]);
    }

    @Test
    void aWorkerWithoutTheRegistrysKeyStopsBeforeSendingAnything() throws Exception {
        Throwable[] failures = run(KEY, only(OTHER), NONE, NONE);
        HandshakeException client = (HandshakeException) failures[1];
        assertTrue(client.isAuthentication());
        // the server waited for a response that never came: the client closed the connection
        assertTrue(failures[0] instanceof IOException, String.valueOf(failures[0]));
    }

    @Test
    void aWorkerThatIgnoresTheFingerprintIsRefusedByTheRegistry() throws Exception {
        Throwable[] failures = run(KEY, (fp, peer) -> OTHER, NONE, NONE);
        HandshakeException server = (HandshakeException) failures[0];
        assertTrue(server.isAuthentication());
        assertTrue(server.getMessage().contains("does not hold"), server.getMessage());
        HandshakeException client = (HandshakeException) failures[1];
        assertTrue(client.isAuthentication(), client.getMessage());
        assertTrue(client.getMessage().contains("refused this worker's key"), client.getMessage());
    }

    @Test
    void differentChannelBindingsFailLikeAMiddleMan() throws Exception {
        byte[] serverCert = new byte[32];
        byte[] otherCert = new byte[32];
        otherCert[0] = 1;
        Throwable[] failures = run(KEY, only(KEY), serverCert, otherCert);
        assertTrue(((HandshakeException) failures[0]).isAuthentication());
        assertTrue(((HandshakeException) failures[1]).isAuthentication());
    }

    /** A registry's greeting announcing {@code key}'s fingerprint, with a zero nonce. */
    private static ByteArrayOutputStream greeting(AuthKey key) throws IOException {
        ByteArrayOutputStream hello = new ByteArrayOutputStream();
        hello.write(Handshake.MAGIC);
        hello.write(Handshake.VERSION);
        hello.write(key.fingerprintBytes());
        hello.write(new byte[Handshake.NONCE]);
        return hello;
    }

    /** The worker's side against a registry that sends {@code bytes} and then closes. */
    private static HandshakeException clientFails(byte[] bytes) {
        return assertThrows(HandshakeException.class, () -> Handshake.client(new ByteArrayInputStream(bytes),
                OutputStream.nullOutputStream(), NO_TIMEOUT, deadline(1_000), only(KEY), NONE, "registry:1"));
    }

    @Test
    void aRegistryThatDiesAfterItsGreetingIsNotAKeyProblem() throws Exception {
        // the registry greets with the right fingerprint, then its connection ends (it was killed): the worker
        // must report a transport failure (retryable), not a refused key
        ByteArrayOutputStream hello = greeting(KEY);
        HandshakeException died = clientFails(hello.toByteArray());
        assertFalse(died.isAuthentication(), died.getMessage());
        assertTrue(died.getMessage().contains("closed the connection"), died.getMessage());

        // the same greeting followed by the registry's refusal marker: a key problem
        hello.write(Handshake.REFUSED);
        HandshakeException refused = clientFails(hello.toByteArray());
        assertTrue(refused.isAuthentication(), refused.getMessage());
        assertTrue(refused.getMessage().contains("refused this worker's key"), refused.getMessage());
    }

    @Test
    void anImpostorThatKnowsOnlyTheFingerprintIsDetected() throws Exception {
        // the impostor announces the real key's fingerprint, then answers with a proof made with another key
        ByteArrayOutputStream hello = greeting(KEY);
        hello.write(OTHER.mac(new byte[] {1}));
        HandshakeException e = clientFails(hello.toByteArray());
        assertTrue(e.isAuthentication());
        assertTrue(e.getMessage().contains("failed to prove"), e.getMessage());
    }

    @Test
    void theClientsAnswerCannotBeReflectedAsTheServersProof() throws Exception {
        // a peer that echoes the client's own HMAC back must not pass
        EchoingInput in = new EchoingInput(greeting(KEY).toByteArray());
        assertThrows(HandshakeException.class, () -> Handshake.client(in, in.sink, NO_TIMEOUT, deadline(1_000),
                only(KEY), NONE, "mirror:1"));
    }

    /** Plays back a hello, then replays the last 32 bytes the client wrote (its HMAC) as the "proof". */
    private static final class EchoingInput extends InputStream {
        private final ByteArrayOutputStream sink = new ByteArrayOutputStream();
        private final byte[] hello;
        private int pos;
        private byte[] echo;
        private int echoPos;

        EchoingInput(byte[] hello) {
            this.hello = hello;
        }

        @Override
        public int read() {
            if (pos < hello.length) {
                return hello[pos++] & 0xff;
            }
            if (echo == null) {
                byte[] written = sink.toByteArray();
                echo = Arrays.copyOfRange(written, written.length - Handshake.MAC, written.length);
            }
            return echoPos < echo.length ? echo[echoPos++] & 0xff : -1;
        }
    }

    @Test
    void theServerReadsNothingBeyondTheResponseOfAPeerWithoutTheHandshake() throws Exception {
        byte[] jrmp = "JRMI\0\2K followed by whatever an attacker wants deserialized".getBytes();
        CountingInput in = new CountingInput(jrmp);
        HandshakeException e = assertThrows(HandshakeException.class, () -> Handshake.server(in,
                OutputStream.nullOutputStream(), NO_TIMEOUT, deadline(1_000), KEY, NONE));
        assertFalse(e.isAuthentication());
        assertEquals(5, in.count, "only the magic and version are read before the peer is refused");
    }

    @Test
    void aGarbageResponseOfTheRightSizeIsRefused() throws Exception {
        byte[] response = new byte[Handshake.RESPONSE];
        System.arraycopy(Handshake.MAGIC, 0, response, 0, 4);
        response[4] = Handshake.VERSION;
        CountingInput in = new CountingInput(response);
        HandshakeException e = assertThrows(HandshakeException.class, () -> Handshake.server(in,
                OutputStream.nullOutputStream(), NO_TIMEOUT, deadline(1_000), KEY, NONE));
        assertTrue(e.isAuthentication());
        assertEquals(Handshake.RESPONSE, in.count);
    }

    @Test
    void oneDeadlineCoversEveryReadSoASlowPeerIsCutOff() throws Exception {
        // one byte every 100 ms would never trip a per-read timeout of 250 ms; the shared deadline does
        InputStream slow = new InputStream() {
            @Override
            public int read() throws IOException {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                return 'J';
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                b[off] = (byte) read();
                return 1;
            }
        };
        long start = System.nanoTime();
        assertThrows(SocketTimeoutException.class, () -> Handshake.readFully(slow, Handshake.RESPONSE,
                millis -> assertTrue(millis > 0 && millis <= 250), deadline(250)));
        long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertTrue(took < 1_000, "took " + took + " ms");
    }

    @Test
    void messagesNeverContainTheKey() throws Exception {
        Throwable[] failures = run(KEY, (fp, peer) -> OTHER, NONE, NONE);
        for (Throwable t : failures) {
            assertFalse(String.valueOf(t.getMessage()).contains("0123456789abcdef"), t.getMessage());
            assertFalse(String.valueOf(t.getMessage()).contains("another key"), t.getMessage());
        }
    }

    @Test
    void theFingerprintIsStableAndTellsKeysApart() {
        assertEquals(16, KEY.fingerprint().length());
        assertEquals(KEY.fingerprint(), AuthKey.of("0123456789abcdef0123456789abcdef  \n").fingerprint());
        assertFalse(KEY.fingerprint().equals(OTHER.fingerprint()));
        assertArrayEquals(KEY.fingerprintBytes(), AuthKey.of("0123456789abcdef0123456789abcdef".getBytes())
                .fingerprintBytes());
        assertFalse(KEY.toString().contains("0123456789abcdef"), KEY.toString());
        assertThrows(IllegalArgumentException.class, () -> AuthKey.of("short"));
    }

    private static final class CountingInput extends InputStream {
        private final byte[] bytes;
        int count;

        CountingInput(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return count < bytes.length ? bytes[count++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (count >= bytes.length) {
                return -1;
            }
            int n = Math.min(len, bytes.length - count);
            System.arraycopy(bytes, count, b, off, n);
            count += n;
            return n;
        }
    }
}
