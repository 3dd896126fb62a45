package io.jmanager;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared secret that registry and workers prove to each other before any RMI byte is exchanged, like the
 * {@code authkey} of Python's managers. A key is at least {@value #MIN_LENGTH} bytes; the registry generates
 * 64 hex characters (256 random bits). A key read from text (a key file, {@code JMANAGER_AUTHKEY}) is the UTF-8
 * bytes of the trimmed text, so {@code JMANAGER_AUTHKEY=$(cat ~/.jmanager/authkey)} is the same key as the file.
 *
 * <p>An {@code AuthKey} never reveals its bytes: {@link #toString()} shows only where it came from and its
 * {@linkplain #fingerprint() fingerprint}, which the registry prints at start-up and error messages show, so that
 * operators can tell keys apart. Immutable and thread-safe.
 */
public final class AuthKey {
    /** The shortest key accepted, in bytes. */
    public static final int MIN_LENGTH = 16;
    /** The longest key accepted, in bytes. */
    public static final int MAX_LENGTH = 1024;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] FINGERPRINT_LABEL = "jmanager key fingerprint".getBytes(StandardCharsets.US_ASCII);

    private final byte[] material;
    private final String source;
    private final byte[] fingerprintBytes;

    private AuthKey(byte[] material, String source) {
        if (material.length < MIN_LENGTH || material.length > MAX_LENGTH) {
            throw new IllegalArgumentException("an authentication key must have " + MIN_LENGTH + " to " + MAX_LENGTH
                    + " bytes, got " + material.length + " (" + source + "); generate one with `openssl rand -hex 32`"
                    + " or let the registry generate it");
        }
        this.material = material;
        this.source = source;
        byte[] full = hmac(material, FINGERPRINT_LABEL);
        this.fingerprintBytes = java.util.Arrays.copyOf(full, 8);
    }

    /** A key of the given bytes (copied). */
    public static AuthKey of(byte[] material) {
        return new AuthKey(Objects.requireNonNull(material, "material").clone(), "a key given in code");
    }

    /** A key of the UTF-8 bytes of {@code text}, trimmed, as if read from a key file. */
    public static AuthKey of(String text) {
        return fromText(Objects.requireNonNull(text, "text"), "a key given in code");
    }

    /**
     * The key in a key file (the text, trimmed). The file must be readable by its owner only.
     *
     * @throws java.io.IOException naming the file: missing, unreadable, readable by others, or not a key
     */
    public static AuthKey fromFile(java.nio.file.Path file) throws java.io.IOException {
        java.nio.file.Path absolute = file.toAbsolutePath();
        return io.jmanager.wire.AuthKeys.read(absolute, "key file " + absolute);
    }

    /** A key read from text with a description of where the text came from (for messages). */
    public static AuthKey fromText(String text, String source) {
        return new AuthKey(text.trim().getBytes(StandardCharsets.UTF_8), source);
    }

    /** A new random key: 64 hex characters (256 bits). */
    public static AuthKey generate() {
        return fromText(generateText(), "a generated key");
    }

    /** The text of a new random key: 64 hex characters (256 bits), what the registry writes to its key file. */
    public static String generateText() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return HexFormat.of().formatHex(random);
    }

    /** This key with another description of where it came from. */
    public AuthKey withSource(String newSource) {
        return new AuthKey(material, Objects.requireNonNull(newSource, "source"));
    }

    /** Where the key came from, e.g. {@code default key file /home/me/.jmanager/authkey}. Never the key. */
    public String source() {
        return source;
    }

    /**
     * 16 hex characters derived from the key by HMAC-SHA256 with a fixed label. Equal keys have equal fingerprints;
     * the fingerprint tells nothing about the key beyond that (for a key of enough entropy).
     */
    public String fingerprint() {
        return HexFormat.of().formatHex(fingerprintBytes);
    }

    /** The fingerprint's 8 bytes, as the handshake sends them. */
    public byte[] fingerprintBytes() {
        return fingerprintBytes.clone();
    }

    /** HMAC-SHA256 with this key over the concatenation of {@code parts}. */
    public byte[] mac(byte[]... parts) {
        return hmac(material, parts);
    }

    private static byte[] hmac(byte[] key, byte[]... parts) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            for (byte[] part : parts) {
                mac.update(part);
            }
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
        }
    }

    /** Keys are equal when their bytes are, whatever their source. */
    @Override
    public boolean equals(Object o) {
        return o instanceof AuthKey other && java.security.MessageDigest.isEqual(material, other.material);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(fingerprintBytes);
    }

    /** The source and fingerprint; never the key. */
    @Override
    public String toString() {
        return "AuthKey[" + source + ", fingerprint " + fingerprint() + "]";
    }
}
