package io.jmanager;

/**
 * The registry and this worker could not prove to each other that they hold the same key: the worker has no key,
 * another key than the registry's, a key file it must not use (readable by others, too short), or the peer is not
 * the registry it claims to be. The message names the key source that was used (never the key itself) and how to
 * fix it. Nothing was sent to the registry beyond the authentication handshake.
 */
public class AuthenticationException extends JManagerException {
    private static final long serialVersionUID = 1L;

    public AuthenticationException(String message) {
        super(message);
    }

    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
