package io.jmanager.wire;

import java.io.ObjectInputFilter;
import java.util.Set;

/**
 * The allow-list deserialization filter installed on every object the registry exports. Remote methods take only
 * primitives, {@code String}, {@code byte[]}, {@code byte[][]}, {@code long[]} and the few final classes of this
 * package listed here; anything else is rejected before it is instantiated, as are streams that are too deep,
 * too long or carry too many references.
 */
public final class WireFilter implements ObjectInputFilter {
    private static final Set<Class<?>> ALLOWED = Set.of(String.class, ObjectSpec.class, ObjectType.class,
            Enum.class);

    private final long maxBytes;
    private final long maxArrayLength;

    /**
     * @param maxBytes       the largest call stream accepted, in bytes
     * @param maxArrayLength the longest array accepted (a value's bytes or a batch's items); a call may carry
     *                       two batches of that many items ({@code putAll}'s keys and values), so the stream
     *                       may hold twice as many objects, plus some slack
     */
    public WireFilter(long maxBytes, long maxArrayLength) {
        this.maxBytes = maxBytes;
        this.maxArrayLength = maxArrayLength;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        if (info.depth() > 8 || info.streamBytes() > maxBytes || info.arrayLength() > maxArrayLength
                || info.references() > 2 * maxArrayLength + 1000) {
            return Status.REJECTED;
        }
        Class<?> type = info.serialClass();
        if (type == null) {
            return Status.UNDECIDED;
        }
        while (type.isArray()) {
            type = type.getComponentType();
        }
        return type.isPrimitive() || ALLOWED.contains(type) ? Status.ALLOWED : Status.REJECTED;
    }
}
