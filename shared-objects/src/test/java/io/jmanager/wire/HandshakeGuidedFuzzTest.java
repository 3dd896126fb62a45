package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.jmanager.AuthKey;
import io.jmanager.FuzzLimits;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;

/**
 * Coverage-guided fuzzing of both sides of the {@link Handshake} (Jazzer; SECURITY.md, "Fuzzing"): the peer's
 * bytes arrive in pieces whose sizes the input chooses (its first byte), as TCP may deliver them. Each side ends
 * with {@link HandshakeException} or {@link EOFException} (a peer without the key never passes: the challenges are
 * fresh random numbers), reads no more than its fixed message sizes, and never hangs.
 */
class HandshakeGuidedFuzzTest {
    private static final AuthKey KEY = AuthKey.of("fuzzing-key-0123456789abcdef");
    private static final Handshake.ReadTimeout NO_TIMEOUT = millis -> { };

    /** The peer's bytes, handed out at most {@code piece} at a time; counts what was read. */
    private static final class Peer extends InputStream {
        private final byte[] bytes;
        private final int from;
        private final int piece;
        int read;

        Peer(byte[] input) {
            this.bytes = input;
            this.from = input.length == 0 ? 0 : 1;
            this.piece = input.length == 0 ? 1 : 1 + (input[0] & 0x3f);
        }

        @Override
        public int read() {
            return from + read < bytes.length ? bytes[from + read++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (from + read >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, piece), bytes.length - from - read);
            System.arraycopy(bytes, from + read, b, off, n);
            read += n;
            return n;
        }
    }

    /** The registry reading a worker's response. */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void registrySide(byte[] input) throws Exception {
        FuzzLimits.bounded(input.length, 16, "the registry's handshake", () -> checkRegistrySide(input));
    }

    private static void checkRegistrySide(byte[] input) {
        Peer in = new Peer(input);
        try {
            Handshake.server(in, ByteArrayOutputStream.nullOutputStream(), NO_TIMEOUT,
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(10), KEY, new byte[0]);
            fail("a response to a fresh random challenge passed");
        } catch (HandshakeException | EOFException expected) {
            assertTrue(in.read <= Handshake.RESPONSE, "read " + in.read + " bytes");
        } catch (IOException e) {
            fail("an undocumented failure: " + e, e);
        }
    }

    /** A worker reading a registry's greeting and proof. */
    @FuzzTest
    @Timeout(value = 10, unit = TimeUnit.SECONDS)
    void workerSide(byte[] input) throws Exception {
        FuzzLimits.bounded(input.length, 16, "the worker's handshake", () -> checkWorkerSide(input));
    }

    private static void checkWorkerSide(byte[] input) {
        Handshake.KeyChooser keys = (fingerprint, peer) -> {
            if (!fingerprint.equals(KEY.fingerprint())) {
                throw new HandshakeException("no key for " + fingerprint, true);
            }
            return KEY;
        };
        Peer in = new Peer(input);
        try {
            Handshake.client(in, ByteArrayOutputStream.nullOutputStream(), NO_TIMEOUT,
                    System.nanoTime() + TimeUnit.SECONDS.toNanos(10), keys, new byte[0], "fuzz:1");
            fail("a registry that cannot know the fresh challenge passed");
        } catch (HandshakeException | EOFException expected) {
            assertTrue(in.read <= Handshake.HELLO + Handshake.PROOF, "read " + in.read + " bytes");
        } catch (IOException e) {
            fail("an undocumented failure: " + e, e);
        }
    }
}
