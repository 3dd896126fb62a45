package io.jmanager.wire;

/**
 * The liveness channel: besides its RMI connections, every worker keeps one plain connection to the registry port,
 * opened with {@link #MAGIC} and its session id, on which nothing else is sent. When the worker's process dies its
 * kernel closes that connection, and the registry ends the session at once instead of waiting for the lease to
 * run out; no ghost acquire can outlive the worker. A silent peer (host cut off, process paused) keeps the
 * connection open: the lease covers that case.
 *
 * <p>Wire format, after the authentication {@link Handshake} that opens every connection: client to registry, the
 * four bytes {@code JMLV}, then the session id as 8 bytes big-endian.
 * The registry answers one byte {@link #ACCEPTED} or {@link #REFUSED} and then sends nothing; the connection
 * stays open for the session's life.
 */
public final class Liveness {
    /** The first four bytes of a liveness connection; RMI connections start with {@code JRMI}. */
    public static final byte[] MAGIC = {'J', 'M', 'L', 'V'};
    public static final int ACCEPTED = 1;
    public static final int REFUSED = 0;

    /** What the registry does with liveness connections. */
    public interface Listener {
        /**
         * A liveness connection for {@code session} arrived. Returns false to refuse it (unknown session).
         * The caller then blocks reading until the connection ends.
         */
        boolean attached(long session, AutoCloseable connection);

        /** The liveness connection of {@code session} ended: the peer closed it or it broke. */
        void lost(long session);

        /**
         * The liveness connection {@code connection} of {@code session} ended. A listener that may see a session's
         * connection replaced (a registry group's sessions move between leaders) tells its connections apart here;
         * by default the same as {@link #lost(long)}.
         */
        default void lost(long session, AutoCloseable connection) {
            lost(session);
        }
    }

    private Liveness() {
    }
}
