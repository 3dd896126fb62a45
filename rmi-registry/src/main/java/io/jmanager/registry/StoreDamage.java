package io.jmanager.registry;

/**
 * Damage found while reading a data directory: the message is the whole refusal (file, what is wrong, what to do),
 * ready for {@code registry.jar:}.
 */
final class StoreDamage extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StoreDamage(String message) {
        super(message);
    }

    StoreDamage(String message, Throwable cause) {
        super(message, cause);
    }
}
