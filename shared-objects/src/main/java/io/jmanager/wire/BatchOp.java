package io.jmanager.wire;

import java.util.EnumSet;
import java.util.Set;

/**
 * The operations a batch call ({@link RemoteManager#batch}) can carry: the non-blocking operations of dicts,
 * lists, plain queues, values and arrays. Each names the object types it applies to and its arguments: up to two
 * byte arrays ({@code a}, {@code b}: keys and values as {@link ValueCodec} bytes) and up to three {@code long}s
 * ({@code x}, {@code y}, {@code z}: an index or slot, value bits). Its result is bytes (possibly null), a
 * {@code long}, or a boolean (as 0 or 1). Blocking operations (lock, take, await, acquire) are never batched.
 *
 * <p>The codes are the wire format: never renumber one, only add.
 */
public enum BatchOp {
    /** {@code get(a)} → bytes. */
    DICT_GET(1, 1, 0, Result.BYTES, ObjectType.DICT, ObjectType.NAMESPACE),
    /** {@code put(a, b)} → previous bytes. */
    DICT_PUT(2, 2, 0, Result.BYTES, ObjectType.DICT, ObjectType.NAMESPACE),
    /** {@code putIfAbsent(a, b)} → current bytes. */
    DICT_PUT_IF_ABSENT(3, 2, 0, Result.BYTES, ObjectType.DICT, ObjectType.NAMESPACE),
    /** {@code remove(a)} → previous bytes. */
    DICT_REMOVE(4, 1, 0, Result.BYTES, ObjectType.DICT, ObjectType.NAMESPACE),
    /** {@code containsKey(a)} → boolean. */
    DICT_CONTAINS_KEY(5, 1, 0, Result.BOOLEAN, ObjectType.DICT, ObjectType.NAMESPACE),
    /** {@code increment(a, b)} → new bytes. */
    DICT_INCREMENT(6, 2, 0, Result.BYTES, ObjectType.DICT),
    /** {@code append(a)} → nothing (0). */
    LIST_APPEND(20, 1, 0, Result.LONG, ObjectType.LIST),
    /** {@code get((int) x)} → bytes. */
    LIST_GET(21, 0, 1, Result.BYTES, ObjectType.LIST),
    /** {@code size()} → long. */
    LIST_SIZE(22, 0, 0, Result.LONG, ObjectType.LIST),
    /** {@code offer(a)} without waiting → boolean. */
    QUEUE_OFFER(30, 1, 0, Result.BOOLEAN, ObjectType.QUEUE),
    /** {@code poll()} without waiting → bytes. */
    QUEUE_POLL(31, 0, 0, Result.BYTES, ObjectType.QUEUE),
    /** {@code get((int) x)} → bits. */
    ARRAY_GET(40, 0, 1, Result.LONG, ObjectType.VALUE, ObjectType.ARRAY),
    /** {@code set((int) x, y)} → nothing (0). */
    ARRAY_SET(41, 0, 2, Result.LONG, ObjectType.VALUE, ObjectType.ARRAY),
    /** {@code addAndGet((int) x, y)} → bits. */
    ARRAY_ADD_AND_GET(42, 0, 2, Result.LONG, ObjectType.VALUE, ObjectType.ARRAY),
    /** {@code compareAndSet((int) x, y, z)} → boolean. */
    ARRAY_COMPARE_AND_SET(43, 0, 3, Result.BOOLEAN, ObjectType.VALUE, ObjectType.ARRAY),
    /** {@code getAndSet((int) x, y)} → bits. */
    ARRAY_GET_AND_SET(44, 0, 2, Result.LONG, ObjectType.VALUE, ObjectType.ARRAY);

    /** What an operation answers. */
    public enum Result {
        BYTES, LONG, BOOLEAN
    }

    private static final BatchOp[] BY_CODE = new BatchOp[64];

    static {
        for (BatchOp op : values()) {
            BY_CODE[op.code] = op;
        }
    }

    private final int code;
    private final int bytesArgs;
    private final int longArgs;
    private final Result result;
    private final Set<ObjectType> types;

    BatchOp(int code, int bytesArgs, int longArgs, Result result, ObjectType first, ObjectType... more) {
        this.code = code;
        this.bytesArgs = bytesArgs;
        this.longArgs = longArgs;
        this.result = result;
        this.types = EnumSet.of(first, more);
    }

    /** The operation's code on the wire. */
    public int code() {
        return code;
    }

    /** How many byte-array arguments it takes ({@code a}, then {@code b}). */
    public int bytesArgs() {
        return bytesArgs;
    }

    /** How many {@code long} arguments it takes ({@code x}, {@code y}, {@code z}). */
    public int longArgs() {
        return longArgs;
    }

    public Result result() {
        return result;
    }

    /** Whether this operation applies to objects of {@code type}. */
    public boolean appliesTo(ObjectType type) {
        return types.contains(type);
    }

    /** The operation with {@code code}, or null if there is none. */
    public static BatchOp of(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : null;
    }
}
