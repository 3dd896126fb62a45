package io.jmanager;

import io.jmanager.wire.ClientTransport;
import io.jmanager.wire.ObjectHandle;
import io.jmanager.wire.ObjectInfo;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteManager;
import io.jmanager.wire.ValueCodec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A worker's connection to a jmanager registry, Python's {@code SyncManager} for the JVM:
 *
 * <pre>{@code
 * try (Manager m = Manager.connect("rmi://registry-host:1099")) {
 *     SharedDict<String, Long> scores = m.dict("scores");     // get-or-create by name
 *     scores.increment("alice", 1L);                          // atomic on the registry
 * }
 * }</pre>
 *
 * <p>Every factory method gets the named object, creating it if it does not exist; names are unique across types,
 * and asking for an existing name with another type (or other parameters) throws
 * {@link ObjectTypeMismatchException} naming both. Proxies are thread-safe and cheap; get them once and keep them.
 *
 * <p>The manager holds a session on the registry, renewed in the background. Locks and permits are owned by
 * (session, thread); when the manager is closed, or the process dies and the lease runs out, the registry releases
 * them. After {@link #close()} every proxy of this manager throws {@link IllegalStateException}.
 */
public final class Manager implements AutoCloseable {
    private final RegistryConnection connection;
    private final String urlText;
    private final Waits waits;
    private final ValueCodec.References references = new References();
    private final LockHolds holds = new LockHolds();

    private Manager(RegistryConnection connection, ManagerOptions options) {
        this.connection = connection;
        this.urlText = connection.url();
        this.waits = new Waits(options.waitSlice().toNanos());
    }

    /** Connects with default options. See {@link #connect(String, ManagerOptions)}. */
    public static Manager connect(String url) {
        return connect(url, ManagerOptions.defaults());
    }

    /**
     * Connects with default options, authenticating with {@code key}. See
     * {@link #connect(String, AuthKey, ManagerOptions)}.
     */
    public static Manager connect(String url, AuthKey key) {
        return connect(url, key, ManagerOptions.defaults());
    }

    /**
     * Connects to the registry at {@code url} ({@code rmi://host:port}), authenticating with {@code key}, and opens a
     * session. The key is kept in this JVM for its life (it is never sent: only an HMAC proof of it is); connections
     * to a registry that announces another key still use this JVM's other keys (see
     * {@link #connect(String, ManagerOptions)}).
     *
     * @throws AuthenticationException      if the registry does not accept the key, or fails to prove it holds it
     * @throws IllegalArgumentException     if the URL is malformed
     * @throws RegistryUnavailableException naming the URL, if no jmanager registry answers within the connect
     *                                      timeout
     */
    public static Manager connect(String url, AuthKey key, ManagerOptions options) {
        Objects.requireNonNull(key, "key");
        ClientTransport.addAuthKey(key.withSource("the key given to Manager.connect(url, key): " + key.source()));
        return connect(url, options);
    }

    /**
     * Connects to the registry at {@code url} ({@code rmi://host:port}) and opens a session.
     *
     * <p>Every connection first proves that both ends hold the registry's key (a mutual HMAC challenge-response,
     * before any RMI byte). The key is one given to {@link #connect(String, AuthKey, ManagerOptions)} in this JVM,
     * else {@code JMANAGER_AUTHKEY} (the key's text), else the file named by {@code JMANAGER_AUTHKEY_FILE}, else
     * {@code ~/.jmanager/authkey}, which a registry started by the same user on this host has written: local
     * workers need no configuration.
     *
     * @throws AuthenticationException      naming the key source, if this worker has no key, another key than the
     *                                      registry's, or a key file it must not use (readable by other users)
     * @throws IllegalArgumentException     if the URL is malformed
     * @throws RegistryUnavailableException naming the URL, if no jmanager registry answers within the connect
     *                                      timeout
     */
    public static Manager connect(String url, ManagerOptions options) {
        java.util.List<RegistryUrl> parsed = RegistryUrl.parseAll(url);
        Objects.requireNonNull(options, "options");
        ClientTransport.setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, options.connectTimeout().toMillis()));
        ClientTransport.setReadTimeoutMillis((int) Math.min(Integer.MAX_VALUE, options.readTimeout().toMillis()));
        if (options.tls() != null) {
            ClientTransport.setTlsContext(options.tls());
        }
        // a strict -Djdk.serialFilter would reject the registry's answers: admit jmanager's wire classes on
        // jmanager's own calls, if the JDK still takes a filter factory
        io.jmanager.wire.WorkerSerialFilterFactory.installIfFilterSet();
        return new Manager(RegistryConnection.open(parsed, options), options);
    }

    // ----------------------------------------------------------------------------------------------------------
    // Factories: get-or-create by name

    /** Python's {@code manager.dict()}: the shared dict named {@code name}. */
    public <K, V> SharedDict<K, V> dict(String name) {
        return new DictProxy<>(context(name, ObjectSpec.of(ObjectType.DICT)));
    }

    /** Python's {@code manager.list()}: the shared list named {@code name}. */
    public <E> SharedList<E> list(String name) {
        return new ListProxy<>(context(name, ObjectSpec.of(ObjectType.LIST)));
    }

    /** Python's {@code manager.Namespace()}. */
    public SharedNamespace namespace(String name) {
        return new NamespaceProxy(context(name, ObjectSpec.of(ObjectType.NAMESPACE)));
    }

    /**
     * Python's {@code manager.Value(typecode, initial)}; {@code initial} applies only when the value is created.
     *
     * @throws IllegalArgumentException if {@code initial} does not fit the typecode
     */
    public <T> SharedValue<T> value(String name, TypeCode typeCode, T initial) {
        long[] bits = {typeCode.toBits(initial)};
        return new ValueProxy<>(context(name, ObjectSpec.typed(ObjectType.VALUE,
                StructLayout.scalar(typeCode).spec(), 1, bits)), typeCode);
    }

    /** Like {@link #value(String, TypeCode, Object)} with a Python typecode character, e.g. {@code 'i'}. */
    public <T> SharedValue<T> value(String name, char typeCode, T initial) {
        return value(name, TypeCode.of(typeCode), initial);
    }

    /** Python's {@code manager.Array(typecode, size)}: {@code length} zeros. */
    public <T> SharedArray<T> array(String name, TypeCode typeCode, int length) {
        return newArray(name, typeCode, length, null);
    }

    /** Python's {@code manager.Array(typecode, sequence)}. */
    public <T> SharedArray<T> array(String name, TypeCode typeCode, Collection<? extends T> initial) {
        long[] bits = new long[initial.size()];
        int i = 0;
        for (T v : initial) {
            bits[i++] = typeCode.toBits(v);
        }
        return newArray(name, typeCode, bits.length, bits);
    }

    /** Python's {@code Array('c', b'hello world')}: a byte array initialised from bytes. */
    public SharedArray<Byte> array(String name, TypeCode typeCode, byte[] initial) {
        long[] bits = new long[initial.length];
        for (int i = 0; i < initial.length; i++) {
            bits[i] = typeCode.toBits(initial[i]);
        }
        return newArray(name, typeCode, bits.length, bits);
    }

    /** Like {@link #array(String, TypeCode, Collection)} with a Python typecode character. */
    public <T> SharedArray<T> array(String name, char typeCode, Collection<? extends T> initial) {
        return array(name, TypeCode.of(typeCode), initial);
    }

    /** Like {@link #array(String, TypeCode, int)} with a Python typecode character. */
    public <T> SharedArray<T> array(String name, char typeCode, int length) {
        return array(name, TypeCode.of(typeCode), length);
    }

    private <T> SharedArray<T> newArray(String name, TypeCode typeCode, int length, long[] bits) {
        if (length < 0) {
            throw new IllegalArgumentException("array length must not be negative, got " + length);
        }
        return new ArrayProxy<>(context(name, ObjectSpec.typed(ObjectType.ARRAY,
                StructLayout.scalar(typeCode).spec(), length, bits)), typeCode);
    }

    /** A shared array of {@code length} zeroed structs with the layout of record {@code type}. */
    public <R extends Record> SharedStructArray<R> structArray(String name, Class<R> type, int length) {
        RecordMapper<R> mapper = RecordMapper.of(type);
        return new StructArrayProxy<>(context(name, ObjectSpec.typed(ObjectType.ARRAY, mapper.layout().spec(),
                length, null)), mapper.layout(), mapper);
    }

    /** Python's {@code Array(Point, [(1.875, -6.25), ...])}: a shared struct array initialised from records. */
    public <R extends Record> SharedStructArray<R> structArray(String name, Class<R> type, List<R> initial) {
        RecordMapper<R> mapper = RecordMapper.of(type);
        int fields = mapper.layout().fieldCount();
        long[] bits = new long[initial.size() * fields];
        for (int i = 0; i < initial.size(); i++) {
            mapper.toBits(initial.get(i), bits, i * fields);
        }
        return new StructArrayProxy<>(context(name, ObjectSpec.typed(ObjectType.ARRAY, mapper.layout().spec(),
                initial.size(), bits)), mapper.layout(), mapper);
    }

    /** Python's {@code manager.Queue()}: an unbounded shared queue. */
    public <E> SharedQueue<E> queue(String name) {
        return queue(name, 0);
    }

    /** Python's {@code manager.Queue(maxsize)}; {@code maxsize} 0 means unbounded. */
    public <E> SharedQueue<E> queue(String name, int maxsize) {
        if (maxsize < 0) {
            throw new IllegalArgumentException("queue maxsize must be 0 (unbounded) or positive, got " + maxsize);
        }
        return new QueueProxy<>(context(name, ObjectSpec.sized(ObjectType.QUEUE, maxsize)));
    }

    /**
     * An at-least-once queue: like {@link #queue(String, int)}, plus deliveries that return to the queue unless
     * acknowledged within {@code visibilityTimeout} (see {@link SharedReliableQueue}).
     */
    public <E> SharedReliableQueue<E> reliableQueue(String name, int maxsize, java.time.Duration visibilityTimeout) {
        if (maxsize < 0) {
            throw new IllegalArgumentException("queue maxsize must be 0 (unbounded) or positive, got " + maxsize);
        }
        return new QueueProxy<>(context(name, ObjectSpec.atLeastOnceQueue(maxsize, visibilityTimeout.toMillis())));
    }

    /** Python's {@code manager.Lock()}: a non-reentrant shared lock. */
    public SharedLock lock(String name) {
        return new LockProxy(context(name, ObjectSpec.of(ObjectType.LOCK)));
    }

    /** Python's {@code manager.RLock()}: a reentrant shared lock. */
    public SharedReentrantLock rlock(String name) {
        return new ReentrantLockProxy(context(name, ObjectSpec.of(ObjectType.RLOCK)));
    }

    /** Python's {@code manager.Semaphore(permits)}. */
    public SharedSemaphore semaphore(String name, int permits) {
        return newSemaphore(name, ObjectType.SEMAPHORE, permits);
    }

    /** Python's {@code manager.BoundedSemaphore(permits)}: releasing above {@code permits} is an error. */
    public SharedSemaphore boundedSemaphore(String name, int permits) {
        return newSemaphore(name, ObjectType.BOUNDED_SEMAPHORE, permits);
    }

    private SharedSemaphore newSemaphore(String name, ObjectType type, int permits) {
        if (permits < 0) {
            throw new IllegalArgumentException("semaphore permits must not be negative, got " + permits);
        }
        return new SemaphoreProxy(context(name, ObjectSpec.sized(type, permits)));
    }

    /**
     * Python's {@code manager.Condition(lock)}: the condition named {@code name} bound to the lock or rlock named
     * {@code lockName} (an rlock of that name is created if none exists).
     */
    public SharedCondition condition(String name, String lockName) {
        ProxyContext ctx = context(name, ObjectSpec.condition(lockName));
        return new ConditionProxy(ctx, (SharedLock) proxyFor(lookupHandle(lockName)));
    }

    /** Python's {@code manager.Condition()}: a condition with its own rlock, named {@code <name>/lock}. */
    public SharedCondition condition(String name) {
        return condition(name, name + "/lock");
    }

    /** Python's {@code manager.Event()}. */
    public SharedEvent event(String name) {
        return new EventProxy(context(name, ObjectSpec.of(ObjectType.EVENT)));
    }

    /** Python's {@code manager.Barrier(parties)}. */
    public SharedBarrier barrier(String name, int parties) {
        if (parties < 1) {
            throw new IllegalArgumentException("barrier parties must be at least 1, got " + parties);
        }
        return new BarrierProxy(context(name, ObjectSpec.sized(ObjectType.BARRIER, parties)));
    }

    /**
     * The existing object named {@code name}, whatever its type (cast it to the matching {@code Shared*}
     * interface). Struct arrays come back without their record type: use {@link SharedStructArray#getField}.
     *
     * @throws NoSuchSharedObjectException if there is none
     */
    public SharedObject attach(String name) {
        return proxyFor(lookupHandle(name));
    }

    /** The names of all objects in the registry, sorted. */
    public Set<String> names() {
        Set<String> names = new LinkedHashSet<>();
        for (ObjectInfo info : objects()) {
            names.add(info.name());
        }
        return names;
    }

    /** A snapshot of all objects with their types and a short summary of their state, sorted by name. */
    public List<ObjectInfo> objects() {
        return List.of(callRoot("the registry", RemoteManager::list));
    }

    /**
     * Destroys the object: it disappears from the registry and its waiters fail with
     * {@link NoSuchSharedObjectException}. Returns false if there was no such object.
     */
    public boolean destroy(String name) {
        return callRoot("the registry", root -> root.destroy(name));
    }

    /** The registry's open sessions (id, host, pid, lease age), for operators. */
    public List<io.jmanager.wire.SessionInfo> sessions() {
        return List.of(callRoot("the registry", RemoteManager::sessions));
    }

    /**
     * The registry's memory budget and what is charged to it now.
     *
     * @param used   bytes charged: stored values (with an estimate of their overhead) and calls being read
     * @param budget the registry's {@code --memory-budget}
     */
    public record MemoryUsage(long used, long budget) {
    }

    /** The registry's memory budget and its use, for operators ({@code worker.jar ls}). */
    public MemoryUsage memory() {
        long[] m = callRoot("the registry", RemoteManager::memory);
        return new MemoryUsage(m[0], m[1]);
    }

    /** Every lock's holder (session, thread, since, token) and waiters, for operators. */
    public List<io.jmanager.wire.LockInfo> locks() {
        return List.of(callRoot("the registry", RemoteManager::locks));
    }

    /**
     * Ends another worker's session as if it had died (its locks are released, its taken permits and unacknowledged
     * deliveries return); for operators facing a stuck worker. Returns false if no such session is open.
     */
    public boolean killSession(long sessionId) {
        return callRoot("the registry", root -> root.killSession(sessionId));
    }

    /**
     * What an export or import moved.
     *
     * @param objects objects
     * @param records their records (entries, items, array chunks, counters)
     * @param bytes   size of the export file
     */
    public record Transfer(long objects, long records, long bytes) {
    }

    /**
     * Writes the registry's whole state to {@code out} in jmanager's portable export format (a gzip stream; see
     * {@code docs/DESIGN.md}): every object with its name, type, parameters and contents. Each object is captured
     * atomically, one after the other, not all at one instant. Sessions and lock holds are not part of the state.
     *
     * @throws IOException if {@code out} fails; the registry is unchanged either way
     */
    public Transfer exportState(java.io.OutputStream out) throws java.io.IOException {
        long[] begun = callRoot("the registry", root -> root.beginExport(connection.sessionId()));
        long bytes = 0;
        while (true) {
            byte[] page = callRoot("the registry", root -> root.exportPage(connection.sessionId(), begun[0]));
            if (page.length == 0) {
                return new Transfer(begun[1], begun[2], bytes);
            }
            out.write(page);
            bytes += page.length;
        }
    }

    /**
     * Creates every object of an export file ({@link #exportState}) in this registry, which must hold no object.
     * The registry checks the whole file first: a damaged, truncated or foreign file imports nothing.
     *
     * @throws IllegalArgumentException if the file is not a complete, intact export (the message says what)
     * @throws IllegalStateException    if the registry holds objects
     * @throws IOException              if reading {@code in} fails
     */
    public Transfer importState(java.io.InputStream in) throws java.io.IOException {
        long id = callRoot("the registry", root -> root.beginImport(connection.sessionId()));
        byte[] chunk = new byte[RemoteManager.TRANSFER_CHUNK_BYTES];
        long bytes = 0;
        int n;
        while ((n = in.readNBytes(chunk, 0, chunk.length)) > 0) {
            byte[] part = n == chunk.length ? chunk : java.util.Arrays.copyOf(chunk, n);
            callRoot("the registry", root -> {
                root.importChunk(connection.sessionId(), id, part);
                return null;
            });
            bytes += n;
        }
        long[] done = callRoot("the registry", root -> root.finishImport(connection.sessionId(), id));
        return new Transfer(done[0], done[1], bytes);
    }

    /** The registry URL this manager is connected to, {@code rmi://host:port}. */
    public String url() {
        return urlText;
    }

    /** This worker's current session id on the registry (a new one after a lost session). */
    public long sessionId() {
        return connection.sessionId();
    }

    /** The registry's epoch when the current session was opened; a restarted registry has another. */
    public long registryEpoch() {
        return connection.epoch();
    }

    /** The session lease the registry granted, in milliseconds. */
    public long leaseMillis() {
        return connection.grant().leaseMillis();
    }

    /**
     * Closes the session: the registry releases this worker's locks and permits at once and cancels its waits.
     * Idempotent. Proxies of this manager fail with {@link IllegalStateException} afterwards.
     */
    @Override
    public void close() {
        if (connection.isClosed()) {
            return;
        }
        Batcher b;
        synchronized (this) {
            b = batcher;
        }
        if (b != null) {
            b.close();
        }
        connection.close();
        waits.close();
    }

    /** Sends this manager's asynchronous operations (and shared synchronous calls); created with the first one. */
    private volatile Batcher batcher;

    Batcher batcher() {
        Batcher b = batcher;
        if (b != null) {
            return b;
        }
        synchronized (this) {
            if (batcher == null) {
                batcher = new Batcher(this, connection.options().async());
            }
            return batcher;
        }
    }

    /** Whether synchronous calls with a batch form share batch calls ({@link AsyncOptions#shareSynchronousCalls()}). */
    boolean sharesSynchronousCalls() {
        return connection.options().async().shareSynchronousCalls();
    }

    // ----------------------------------------------------------------------------------------------------------
    // Internals used by proxies

    private ProxyContext context(String name, ObjectSpec spec) {
        return new ProxyContext(this, resolve(name, spec));
    }

    /** Gets or creates the object on the registry of the current session. */
    ObjectHandle resolve(String name, ObjectSpec spec) {
        // idempotent: sent again to a registry group's new leader if a leader change cut it off
        return Calls.call(this, spec.type() + " '" + name + "'", true,
                () -> connection.root().getOrCreate(connection.sessionId(), name, spec));
    }

    private ObjectHandle lookupHandle(String name) {
        return callRoot("'" + name + "'", root -> root.lookup(name));
    }

    /** A call on the registry's root object, with the same checks and retries as proxy calls. */
    <T> T callRoot(String target, RootCall<T> call) {
        return Calls.call(this, target, () -> call.call(connection.root()));
    }

    /** A call on the root object. */
    @FunctionalInterface
    interface RootCall<T> {
        T call(RemoteManager root) throws Exception;
    }

    private SharedObject proxyFor(ObjectHandle handle) {
        ProxyContext ctx = new ProxyContext(this, handle);
        switch (handle.type()) {
            case DICT: return new DictProxy<>(ctx);
            case LIST: return new ListProxy<>(ctx);
            case NAMESPACE: return new NamespaceProxy(ctx);
            case QUEUE: return new QueueProxy<>(ctx);
            case LOCK: return new LockProxy(ctx);
            case RLOCK: return new ReentrantLockProxy(ctx);
            case SEMAPHORE: case BOUNDED_SEMAPHORE: return new SemaphoreProxy(ctx);
            case EVENT: return new EventProxy(ctx);
            case BARRIER: return new BarrierProxy(ctx);
            case CONDITION:
                return new ConditionProxy(ctx, (SharedLock) proxyFor(lookupHandle(handle.spec().linkedName())));
            case VALUE: case ARRAY: {
                StructLayout layout = StructLayout.parse(handle.spec().layout());
                if (!layout.isScalar()) {
                    return new StructArrayProxy<>(ctx, layout, null);
                }
                TypeCode code = layout.fieldType(0);
                return handle.type() == ObjectType.VALUE ? new ValueProxy<>(ctx, code) : new ArrayProxy<>(ctx, code);
            }
            default: throw new IllegalStateException("unknown object type " + handle.type());
        }
    }

    /**
     * Throws if no call may go out: {@link IllegalStateException} after {@link #close()};
     * {@link SessionExpiredException} once when the session was lost (a new one is open afterwards).
     */
    void checkUsable() {
        if (connection.isClosed()) {
            throw closedException(null);
        }
        connection.check();
    }

    private IllegalStateException closedException(Throwable cause) {
        return new IllegalStateException("this Manager (session " + connection.sessionId() + " at " + urlText
                + ") is closed; connect again to use shared objects", cause);
    }

    /**
     * What a call that failed with {@code failure} throws: a call still in flight when this manager was closed
     * fails with the closed manager's {@link IllegalStateException}, not with what the close itself caused (the
     * registry's {@link SessionExpiredException} for the ended session, the shut-down wait executor's refusal).
     */
    RuntimeException failureAfterClose(RuntimeException failure) {
        boolean causedByClose = failure instanceof SessionExpiredException
                || failure instanceof java.util.concurrent.RejectedExecutionException;
        return connection.isClosed() && causedByClose ? closedException(failure) : failure;
    }

    RegistryConnection connection() {
        return connection;
    }

    LockHolds holds() {
        return holds;
    }

    long session() {
        return connection.sessionId();
    }

    Waits waits() {
        return waits;
    }

    byte[] encode(Object value) {
        byte[] bytes = ValueCodec.encode(value, references);
        if (bytes.length > connection.grant().maxValueBytes()) {
            throw new ValueTooLargeException("value of class " + value.getClass().getName() + " encodes to "
                    + bytes.length + " bytes, above the registry's limit of " + connection.grant().maxValueBytes()
                    + " bytes; nothing was stored. Split it, or start the registry with a larger --max-value-size");
        }
        return bytes;
    }

    /**
     * Decodes a value read from the registry through this manager's value filter; a refused or unloadable class
     * fails, or reads as a {@link RefusedValue} if the options ask for placeholders.
     */
    Object decode(byte[] bytes) {
        ManagerOptions options = connection.options();
        return options.refusedAsPlaceholders() ? decodeOrPlaceholder(bytes)
                : ValueCodec.decode(bytes, references, options.valueFilter());
    }

    /** Decodes a value for display: what cannot be read here becomes a {@link RefusedValue}; never runs it. */
    Object decodeOrPlaceholder(byte[] bytes) {
        try {
            return ValueCodec.decode(bytes, references, connection.options().valueFilter());
        } catch (ValueClassRefusedException e) {
            return new RefusedValue(e.refusedClass(), e.getMessage(), true);
        } catch (IllegalArgumentException e) {
            if (e.getCause() instanceof ClassNotFoundException) {
                return new RefusedValue(e.getCause().getMessage(), e.getMessage(), false);
            }
            throw e;
        }
    }

    /**
     * Refuses, before any of it is sent, a call carrying {@code batches} that is certainly above the registry's
     * {@code --max-call-bytes}: the registry would refuse it while reading and close the connection, and a worker
     * still writing the call's tail would see a broken pipe instead of the reason. Counts each value's bytes and
     * the {@value #SERIALIZED_ARRAY_BYTES} bytes the stream adds per array at least, so nothing the registry
     * accepts is refused here; a call within a few bytes per value of the limit is left to the registry.
     *
     * @throws RegistryLimitException naming {@code --max-call-bytes}, with nothing sent
     */
    void checkCallBytes(byte[][]... batches) {
        long limit = connection.grant().maxCallBytes();
        if (limit <= 0) {
            return; // an older registry did not say
        }
        long bytes = 0;
        int values = 0;
        for (byte[][] batch : batches) {
            for (byte[] b : batch) {
                bytes += (b == null ? 0 : b.length) + SERIALIZED_ARRAY_BYTES;
            }
            values += batch.length;
        }
        if (bytes > limit) {
            throw new RegistryLimitException("a call of " + values + " values taking at least " + bytes
                    + " bytes was not sent: the registry reads at most " + limit + " bytes per call"
                    + " (--max-call-bytes); nothing of it was done. Send smaller batches, or start the registry"
                    + " with a larger --max-call-bytes");
        }
    }

    /**
     * The fewest bytes Java serialization adds to a {@code byte[]} in a {@code byte[][]}: a tag, a back-reference
     * to its class, a length.
     */
    static final int SERIALIZED_ARRAY_BYTES = 10;

    byte[][] encodeAll(Collection<?> values) {
        List<byte[]> out = new ArrayList<>(values.size());
        for (Object v : values) {
            out.add(encode(v));
        }
        return out.toArray(new byte[0][]);
    }

    /** Proxies become references when stored, and references become proxies when read. */
    private final class References implements ValueCodec.References {
        @Override
        public ValueCodec.Reference referenceOf(Object value) {
            if (value instanceof Proxied p) {
                return new ValueCodec.Reference(p.context().name(), p.context().type());
            }
            return null;
        }

        @Override
        public Object resolve(ValueCodec.Reference reference) {
            return proxyFor(lookupHandle(reference.name()));
        }
    }
}
