package io.jmanager.wire;

import java.io.IOException;

/**
 * The authentication handshake failed. {@link #isAuthentication()} tells a key problem (no key, another key, a peer
 * that failed to prove the key) from a transport problem (no greeting, a peer that is not a jmanager registry);
 * clients turn the first into {@link io.jmanager.AuthenticationException} and the second into
 * {@link io.jmanager.RegistryUnavailableException}. Messages never contain a key.
 */
public final class HandshakeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final boolean authentication;

    public HandshakeException(String message, boolean authentication) {
        super(message);
        this.authentication = authentication;
    }

    public HandshakeException(String message, boolean authentication, Throwable cause) {
        super(message, cause);
        this.authentication = authentication;
    }

    /** True for a key problem, false for a transport or protocol problem. */
    public boolean isAuthentication() {
        return authentication;
    }
}
