package io.jmanager.wire;

import io.jmanager.AuthKey;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The mutual HMAC-SHA256 challenge-response that opens every connection to a registry, before the first RMI
 * (JRMP) byte: a peer without the key is disconnected before anything it sent is deserialized. Every message has a
 * fixed size, so nothing is read beyond {@value #RESPONSE} bytes from an unauthenticated peer, and every read
 * shares one deadline, so a peer sending one byte a second is cut off like a silent one.
 *
 * <pre>
 *   registry -&gt; worker  HELLO     "JMAH" | version 1 | key fingerprint (8) | challenge S (32)        45 bytes
 *   worker -&gt; registry  RESPONSE  "JMAH" | version 1 | challenge C (32)
 *                                   | HMAC(key, "jmanager/1 client" | S | C | binding) (32)          69 bytes
 *   registry -&gt; worker  PROOF     HMAC(key, "jmanager/1 server" | C | S | binding) (32)           32 bytes
 * </pre>
 *
 * The registry verifies the worker's HMAC (constant time) and closes the connection without a word if it is wrong;
 * the worker verifies the registry's proof, so a worker never talks RMI to an impostor. The two HMACs differ in
 * label and order, so neither side's answer can be reflected back as the other's. The fingerprint lets a worker
 * that holds several keys pick the registry's, and lets both report a key mismatch clearly. {@code binding} is empty
 * on plain TCP and, under TLS, the SHA-256 of the registry's certificate as each side sees it (RFC 5929's
 * tls-server-end-point): a middle-man that terminates TLS with another certificate cannot relay the handshake.
 * After the handshake, the connection carries RMI (or the {@link Liveness} channel) unchanged.
 */
public final class Handshake {
    static final byte[] MAGIC = {'J', 'M', 'A', 'H'};
    static final int VERSION = 1;
    static final int NONCE = 32;
    static final int MAC = 32;
    static final int FINGERPRINT = 8;
    /** Sizes of the three messages. */
    public static final int HELLO = MAGIC.length + 1 + FINGERPRINT + NONCE;
    public static final int RESPONSE = MAGIC.length + 1 + NONCE + MAC;
    public static final int PROOF = MAC;

    private static final byte[] CLIENT_LABEL = "jmanager/1 client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_LABEL = "jmanager/1 server".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Handshake() {
    }

    /** Sets the read timeout of the connection the handshake runs on. */
    @FunctionalInterface
    public interface ReadTimeout {
        void set(int millis) throws IOException;
    }

    /** What the registry sends, alone, before it closes a connection whose worker failed to prove the key. */
    static final int REFUSED = 0x15;

    /** The keys a worker may use, found by the fingerprint the registry announces. */
    public interface KeyChooser {
        /**
         * The key with this fingerprint.
         *
         * @throws HandshakeException (an authentication failure) naming the keys this worker has, if none matches
         */
        AuthKey choose(String fingerprint, String peer) throws HandshakeException;
    }

    /** The registry's side. Returns normally when the peer proved the key; throws otherwise, having read at most
     * {@value #RESPONSE} bytes. The caller closes the connection on failure.
     *
     * @throws HandshakeException    the peer is no jmanager worker, or failed to prove the key
     * @throws SocketTimeoutException the handshake did not complete before the deadline
     * @throws IOException           the connection broke
     */
    public static void server(InputStream in, OutputStream out, ReadTimeout timeout, long deadlineNanos, AuthKey key,
                              byte[] binding) throws IOException {
        byte[] s = new byte[NONCE];
        RANDOM.nextBytes(s);
        byte[] hello = new byte[HELLO];
        System.arraycopy(MAGIC, 0, hello, 0, MAGIC.length);
        hello[MAGIC.length] = VERSION;
        System.arraycopy(key.fingerprintBytes(), 0, hello, MAGIC.length + 1, FINGERPRINT);
        System.arraycopy(s, 0, hello, MAGIC.length + 1 + FINGERPRINT, NONCE);
        out.write(hello);
        out.flush();

        byte[] head = readFully(in, MAGIC.length + 1, timeout, deadlineNanos);
        if (!Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new HandshakeException("the peer did not answer the authentication handshake (it sent "
                    + printable(head) + "...): a client without the handshake", false);
        }
        if (head[MAGIC.length] != VERSION) {
            throw new HandshakeException("the peer speaks handshake version " + (head[MAGIC.length] & 0xff)
                    + ", this registry " + VERSION, false);
        }
        byte[] rest = readFully(in, NONCE + MAC, timeout, deadlineNanos);
        byte[] c = Arrays.copyOfRange(rest, 0, NONCE);
        byte[] mac = Arrays.copyOfRange(rest, NONCE, NONCE + MAC);
        if (!MessageDigest.isEqual(mac, key.mac(CLIENT_LABEL, s, c, binding))) {
            try {
                out.write(REFUSED); // so that the worker can tell a refusal from a registry that died
                out.flush();
            } catch (IOException gone) {
                // the peer left already
            }
            throw new HandshakeException("the peer does not hold this registry's key", true);
        }
        out.write(key.mac(SERVER_LABEL, c, s, binding));
        out.flush();
    }

    /**
     * The worker's side.
     *
     * @param peer how to name the registry in messages, e.g. {@code registry-host:1099}
     * @return the key used
     * @throws HandshakeException    no key for this registry, the registry refused ours or failed to prove it holds
     *                               it (authentication failures), or the peer is no jmanager registry
     * @throws SocketTimeoutException no greeting or proof before the deadline
     */
    public static AuthKey client(InputStream in, OutputStream out, ReadTimeout timeout, long deadlineNanos,
                                 KeyChooser keys, byte[] binding, String peer) throws IOException {
        byte[] hello;
        try {
            hello = readFully(in, HELLO, timeout, deadlineNanos);
        } catch (SocketTimeoutException e) {
            SocketTimeoutException t = new SocketTimeoutException("no jmanager greeting from " + peer + " within the"
                    + " connect timeout: not a jmanager registry, one too old for the authentication handshake, or"
                    + " a registry started with --tls (connect with ManagerOptions.withTls())");
            t.initCause(e);
            throw t;
        } catch (EOFException e) {
            throw new HandshakeException("the registry at " + peer + " closed the connection before its greeting: not a jmanager registry,"
                    + " or one that is overloaded or shutting down", false, e);
        }
        if (!Arrays.equals(hello, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new HandshakeException(peer + " is not a jmanager registry (its greeting starts with "
                    + printable(Arrays.copyOf(hello, MAGIC.length + 1)) + ")", false);
        }
        if (hello[MAGIC.length] != VERSION) {
            throw new HandshakeException(peer + " speaks handshake version " + (hello[MAGIC.length] & 0xff)
                    + ", this worker " + VERSION + ": use matching jmanager versions", false);
        }
        String fingerprint = HexFormat.of().formatHex(hello, MAGIC.length + 1, MAGIC.length + 1 + FINGERPRINT);
        byte[] s = Arrays.copyOfRange(hello, MAGIC.length + 1 + FINGERPRINT, HELLO);
        AuthKey key = keys.choose(fingerprint, peer);
        byte[] c = new byte[NONCE];
        RANDOM.nextBytes(c);
        byte[] response = new byte[RESPONSE];
        System.arraycopy(MAGIC, 0, response, 0, MAGIC.length);
        response[MAGIC.length] = VERSION;
        System.arraycopy(c, 0, response, MAGIC.length + 1, NONCE);
        System.arraycopy(key.mac(CLIENT_LABEL, s, c, binding), 0, response, MAGIC.length + 1 + NONCE, MAC);
        out.write(response);
        out.flush();
        byte[] proof = new byte[PROOF];
        try {
            proof[0] = readFully(in, 1, timeout, deadlineNanos)[0];
        } catch (EOFException | java.net.SocketException e) {
            throw new HandshakeException("the registry at " + peer + " closed the connection during the"
                    + " authentication handshake, before judging this worker's key: it stopped, restarted or is"
                    + " overloaded", false, e);
        }
        try {
            System.arraycopy(readFully(in, PROOF - 1, timeout, deadlineNanos), 0, proof, 1, PROOF - 1);
        } catch (EOFException | java.net.SocketException e) {
            if (proof[0] != REFUSED) {
                throw new HandshakeException("the registry at " + peer + " closed the connection in the middle of"
                        + " its authentication proof: it stopped or restarted", false, e);
            }
            throw new HandshakeException("the registry at " + peer + " refused this worker's key (" + key.source()
                    + ", fingerprint " + key.fingerprint() + "), although its fingerprint matches: a middle-man"
                    + " between TLS endpoints", true, e);
        }
        if (!MessageDigest.isEqual(proof, key.mac(SERVER_LABEL, c, s, binding))) {
            throw new HandshakeException("the registry at " + peer + " failed to prove that it holds the key with fingerprint " + fingerprint
                    + ": it is not the registry it claims to be (an impostor, or a middle-man)", true);
        }
        return key;
    }

    /** Reads exactly {@code n} bytes before the deadline. */
    static byte[] readFully(InputStream in, int n, ReadTimeout timeout, long deadlineNanos) throws IOException {
        byte[] b = new byte[n];
        int off = 0;
        while (off < n) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("authentication handshake not completed in time");
            }
            timeout.set((int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000)));
            int r = in.read(b, off, n - off);
            if (r < 0) {
                throw new EOFException("connection closed during the authentication handshake after " + off + " of "
                        + n + " bytes");
            }
            off += r;
        }
        return b;
    }

    /** The first bytes a peer sent, for messages: printable ASCII as is, the rest as hex. */
    static String printable(byte[] bytes) {
        StringBuilder sb = new StringBuilder("'");
        for (byte b : bytes) {
            if (b >= 0x20 && b < 0x7f) {
                sb.append((char) b);
            } else {
                sb.append(String.format("\\x%02x", b & 0xff));
            }
        }
        return sb.append('\'').toString();
    }
}
