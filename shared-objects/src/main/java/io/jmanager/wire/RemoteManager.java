package io.jmanager.wire;

import java.rmi.Remote;
import java.rmi.RemoteException;

/**
 * The registry's root object, bound in the RMI registry as {@link #BINDING}. Opens sessions and gets, creates,
 * lists and destroys named shared objects.
 */
public interface RemoteManager extends Remote {
    /** The RMI registry name of the root object; no shared object may use it. */
    String BINDING = "jmanager";

    /**
     * Opens a session for a client process. {@code requestedLeaseMillis <= 0} takes the registry's default lease
     * ({@code --lease}); a request above the registry's maximum ({@code --max-lease}) gets the maximum: the grant
     * says which lease was granted. The client must call {@link #renewSession} well within the lease. A lease
     * longer than the default holds only while the session's liveness connection ({@link Liveness}) is attached;
     * without one, the session expires after the default lease without renewal.
     */
    SessionGrant openSession(String clientHost, long clientPid, long requestedLeaseMillis) throws RemoteException;

    /**
     * Renews the lease of {@code sessionId} and returns the registry epoch.
     *
     * @throws io.jmanager.SessionExpiredException if the session is unknown, closed or expired
     */
    long renewSession(long sessionId) throws RemoteException;

    /** Closes the session at once: its locks are released, its permits returned, its waits cancelled. Idempotent. */
    void closeSession(long sessionId) throws RemoteException;

    /**
     * Returns the object named {@code name}, creating it from {@code spec} if it does not exist.
     *
     * @throws io.jmanager.ObjectTypeMismatchException if the name exists with another type or incompatible spec
     * @throws IllegalArgumentException if the name or the spec is invalid
     */
    ObjectHandle getOrCreate(long sessionId, String name, ObjectSpec spec) throws RemoteException;

    /**
     * Returns the existing object named {@code name}.
     *
     * @throws io.jmanager.NoSuchSharedObjectException if there is none
     */
    ObjectHandle lookup(String name) throws RemoteException;

    /** A snapshot of all objects, sorted by name. */
    ObjectInfo[] list() throws RemoteException;

    /**
     * Destroys the object: it is unbound and unexported, and its waiters fail with
     * {@link io.jmanager.NoSuchSharedObjectException}. Returns false if there was no such object.
     */
    boolean destroy(String name) throws RemoteException;

    /** The registry's epoch: a random number chosen at start-up, so a restart is detectable. */
    long epoch() throws RemoteException;

    /** The open sessions, for operators, sorted by id. */
    SessionInfo[] sessions() throws RemoteException;

    /**
     * The registry's memory, for operators: {bytes charged now (stored values and calls being read), the budget
     * ({@code --memory-budget})}.
     */
    long[] memory() throws RemoteException;

    /** The state of every lock and rlock (holder, token, waiters), for operators, sorted by name. */
    LockInfo[] locks() throws RemoteException;

    /**
     * Ends a session as if its worker had died: its locks are released, the permits it took return, its waits are
     * cancelled. Returns false if no such session is open. For operators facing a stuck worker.
     */
    boolean killSession(long sessionId) throws RemoteException;

    /**
     * Starts an export of the whole state for session {@code sessionId}: every object is captured atomically, one
     * after the other (not all at one instant). Returns {export id for {@link #exportPage}, objects, records}.
     * The export ends when its last page was read, or with the session.
     */
    long[] beginExport(long sessionId) throws RemoteException;

    /**
     * The next bytes of the export file (a gzip stream in jmanager's portable state format); an empty array when
     * the export is complete.
     *
     * @throws IllegalArgumentException if the export is unknown (finished, or another session's)
     */
    byte[] exportPage(long sessionId, long exportId) throws RemoteException;

    /**
     * Starts an import into this registry, which must hold no object. Returns the import's id.
     *
     * @throws IllegalStateException if the registry holds objects
     */
    long beginImport(long sessionId) throws RemoteException;

    /** Sends the next bytes of an export file (at most {@link #TRANSFER_CHUNK_BYTES}). */
    void importChunk(long sessionId, long importId, byte[] chunk) throws RemoteException;

    /**
     * Checks the whole file and, if it is valid and the registry still holds no object, creates every object of
     * it (durably, with a data directory). Nothing is created if anything is wrong. Returns {objects, records}.
     *
     * @throws IllegalArgumentException if the file is not a complete, intact export (the message says what)
     * @throws IllegalStateException    if the registry holds objects
     */
    long[] finishImport(long sessionId, long importId) throws RemoteException;

    /** The largest chunk {@link #importChunk} accepts. */
    int TRANSFER_CHUNK_BYTES = 1 << 20;

    /**
     * Runs a batch of non-blocking operations ({@link BatchOp}) on objects named in it, in order, and answers one
     * outcome per operation (see {@link BatchCodec}): a value, or the error that operation alone failed with. The
     * answer comes once every change of the batch is durable ({@code --fsync always}). Operations on objects that
     * do not exist, or exist with another type, fail alone.
     *
     * @throws io.jmanager.RegistryLimitException if it holds more than {@code --max-batch-size} operations
     * @throws IllegalArgumentException if the request is malformed
     */
    byte[] batch(long sessionId, byte[] request) throws RemoteException;
}
