package io.jmanager;

/**
 * The registry at {@link #url()} could not be reached, or stopped answering within the configured timeout.
 * Thrown by {@code Manager.connect} and by any proxy call during an outage; never after an indefinite hang.
 */
public class RegistryUnavailableException extends JManagerException {
    private static final long serialVersionUID = 1L;
    private final String url;

    public RegistryUnavailableException(String url, String detail, Throwable cause) {
        super("jmanager registry at " + url + " is unavailable: " + detail
                + " (is `java -jar registry.jar` running there, and is the port reachable?)", cause);
        this.url = url;
    }

    /** The registry URL that was tried, e.g. {@code rmi://host:1099}. */
    public String url() {
        return url;
    }
}
