package io.jmanager.registry.http;

import io.jmanager.AuthKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Checks that an HTTP request carries the registry's key: {@code Authorization: Bearer KEY} (Prometheus'
 * {@code authorization.credentials_file}, the status page's script) or {@code Authorization: Basic} with any user
 * name and the key as password (Prometheus' {@code basic_auth}, curl {@code -u :KEY}). The comparison is of
 * HMACs of a fixed label, in constant time. Thread-safe.
 */
final class HttpKeyCheck {
    private static final byte[] LABEL = "jmanager http".getBytes(StandardCharsets.US_ASCII);
    private final byte[] expected;

    HttpKeyCheck(AuthKey key) {
        this.expected = key.mac(LABEL);
    }

    /** True if the header value carries the key. */
    boolean accepts(String authorization) {
        if (authorization == null) {
            return false;
        }
        String given;
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            given = authorization.substring(7).trim();
        } else if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return false;
            }
            int colon = decoded.indexOf(':');
            given = colon < 0 ? decoded : decoded.substring(colon + 1);
        } else {
            return false;
        }
        try {
            return MessageDigest.isEqual(expected, AuthKey.fromText(given, "http").mac(LABEL));
        } catch (IllegalArgumentException e) {
            return false; // not a key at all (too short or too long)
        }
    }
}
