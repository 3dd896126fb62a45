package io.jmanager;

/**
 * The registry at {@link #url()} could not be reached, or stopped answering within the configured timeout.
 * Thrown by {@code Manager.connect} and by any proxy call during an outage; never after an indefinite hang.
 */
public class RegistryUnavailableException extends JManagerException {
    private static final long serialVersionUID = 1L;
    private final String url;

    public RegistryUnavailableException(String url, String detail, Throwable cause) {
        this(url, detail, "is `java -jar registry.jar` running there, and is the port reachable?", cause);
    }

    /**
     * With {@code advice} (what to check or do) in place of the usual question whether the registry runs and its
     * port is reachable, for failures whose cause is known to be something else.
     */
    public RegistryUnavailableException(String url, String detail, String advice, Throwable cause) {
        super("jmanager registry at " + url + " is unavailable: " + detail + " (" + advice + ")", cause);
        this.url = url;
    }

    /** The registry URL that was tried, e.g. {@code rmi://host:1099}. */
    public String url() {
        return url;
    }
}
