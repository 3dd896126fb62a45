package io.jmanager.cli;

/** A command failed for a reason the user can fix; its message is printed as the one error line. */
final class CliException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CliException(String message) {
        super(message);
    }
}
