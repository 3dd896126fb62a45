package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.AuthKey;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes both sides of the handshake with random and mutated peers: each ends with {@link HandshakeException} or
 * {@link EOFException} (or, for the lucky few mutations that leave a valid exchange, success), never reads more than
 * its fixed message sizes, and never hangs. Fixed seed: see {@link Fuzz}.
 */
class HandshakeFuzzTest {
    private static final AuthKey KEY = AuthKey.of("fuzzing-key-0123456789abcdef");
    private static final Handshake.ReadTimeout NO_TIMEOUT = millis -> { };

    /** A valid worker response to a hello with challenge {@code s} (what a real worker would send). */
    private static byte[] validResponse(byte[] s) {
        byte[] c = new byte[Handshake.NONCE];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(Handshake.MAGIC);
        out.write(Handshake.VERSION);
        out.writeBytes(c);
        out.writeBytes(KEY.mac("jmanager/1 client".getBytes(), s, c, new byte[0]));
        return out.toByteArray();
    }

    /** Counts what the side under test read. */
    private static final class Counting extends InputStream {
        private final byte[] bytes;
        int read;

        Counting(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return read < bytes.length ? bytes[read++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (read >= bytes.length) {
                return -1;
            }
            int n = Math.min(len, bytes.length - read);
            System.arraycopy(bytes, read, b, off, n);
            read += n;
            return n;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theRegistrySideRefusesEveryMalformedResponse() {
        for (int i = 0; i < Fuzz.ITERATIONS; i++) {
            Random r = Fuzz.at(3, i);
            byte[] input = r.nextBoolean() ? Fuzz.randomBytes(r, 200)
                    : Fuzz.mutate(r, validResponse(new byte[Handshake.NONCE]));
            Counting in = new Counting(input);
            try {
                Handshake.server(in, ByteArrayOutputStream.nullOutputStream(), NO_TIMEOUT,
                        System.nanoTime() + TimeUnit.SECONDS.toNanos(10), KEY, new byte[0]);
                fail("seed " + Fuzz.SEED + ", iteration " + i + ": a response to a random challenge passed");
            } catch (HandshakeException | EOFException expected) {
                assertTrue(in.read <= Handshake.RESPONSE, "read " + in.read + " bytes");
            } catch (Throwable t) {
                fail("seed " + Fuzz.SEED + ", iteration " + i + ": " + t, t);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theWorkerSideRefusesEveryMalformedRegistry() {
        Handshake.KeyChooser keys = (fingerprint, peer) -> {
            if (!fingerprint.equals(KEY.fingerprint())) {
                throw new HandshakeException("no key for " + fingerprint, true);
            }
            return KEY;
        };
        ByteArrayOutputStream valid = new ByteArrayOutputStream();
        valid.writeBytes(Handshake.MAGIC);
        valid.write(Handshake.VERSION);
        valid.writeBytes(KEY.fingerprintBytes());
        valid.writeBytes(new byte[Handshake.NONCE]);
        valid.writeBytes(new byte[Handshake.PROOF]);
        for (int i = 0; i < Fuzz.ITERATIONS; i++) {
            Random r = Fuzz.at(4, i);
            byte[] input = r.nextBoolean() ? Fuzz.randomBytes(r, 200) : Fuzz.mutate(r, valid.toByteArray());
            Counting in = new Counting(input);
            try {
                Handshake.client(in, ByteArrayOutputStream.nullOutputStream(), NO_TIMEOUT,
                        System.nanoTime() + TimeUnit.SECONDS.toNanos(10), keys, new byte[0], "fuzz:1");
                fail("seed " + Fuzz.SEED + ", iteration " + i + ": a registry without the key passed");
            } catch (HandshakeException | EOFException expected) {
                assertTrue(in.read <= Handshake.HELLO + Handshake.PROOF, "read " + in.read + " bytes");
            } catch (IOException t) {
                fail("seed " + Fuzz.SEED + ", iteration " + i + ": " + t, t);
            } catch (Throwable t) {
                fail("seed " + Fuzz.SEED + ", iteration " + i + ": " + t, t);
            }
        }
    }
}
