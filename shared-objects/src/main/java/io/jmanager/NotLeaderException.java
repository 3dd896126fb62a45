package io.jmanager;

/**
 * A member of a registry group that does not lead (a follower, a member between leaders, or a leader that lost its
 * majority) refused a call: it serves nothing, so that every answer a worker gets is committed by a majority. The
 * worker library catches it and follows the leader by itself when {@code Manager.connect} was given the members'
 * addresses ({@code rmi://hostA:1099,hostB:1099,hostC:1099}); {@link #leaderUrl()} names the leader when the member
 * knows it. A write refused this way mid-call may or may not have been committed.
 */
public class NotLeaderException extends JManagerException {
    private static final long serialVersionUID = 1L;
    private final String leaderUrl;

    /**
     * @param message   what was refused and why
     * @param leaderUrl the leader's address, e.g. {@code rmi://hostA:1099}, or null if unknown
     */
    public NotLeaderException(String message, String leaderUrl) {
        super(message);
        this.leaderUrl = leaderUrl;
    }

    /** The address of the group's leader as the refusing member knows it, or null. */
    public String leaderUrl() {
        return leaderUrl;
    }
}
