/**
 * The wire contract between registry and workers. Everything that crosses RMI is defined here: the {@code Remote*}
 * interfaces (one per shared object type), the small final value classes they exchange, the tagged value encoding
 * ({@link io.jmanager.wire.ValueCodec}), the socket factories with the authentication
 * {@link io.jmanager.wire.Handshake} that opens every connection, and the deserialization filters.
 *
 * <p>Conventions shared by all remote interfaces:
 * <ul>
 *   <li>Values travel as encoded {@code byte[]} (see {@link io.jmanager.wire.ValueCodec}); the registry never
 *       deserializes a user class. Typed values and arrays travel as typecode bits ({@code long}).</li>
 *   <li>Owner-sensitive calls carry {@code (session, thread)}: the client session id from
 *       {@link io.jmanager.wire.RemoteManager#openSession} and the client thread id. RMI server threads are never
 *       owners.</li>
 *   <li>Blocking calls carry {@code (session, waitId, waitNanos)}. The registry waits at most
 *       {@code min(waitNanos, its wait slice)} and answers "not granted" (0, {@code null} or {@code false});
 *       the client loops with its remaining budget. {@code waitNanos == 0} is a plain attempt. A waiting call can be
 *       cancelled with {@link io.jmanager.wire.RemoteBlocking#cancelWait}, after which it grants nothing.</li>
 * </ul>
 */
package io.jmanager.wire;
