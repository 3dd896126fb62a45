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

    /**
     * The RMI registry's filter ({@code sun.rmi.registry.registryFilter}): no class at all. {@code lookup}
     * reads its name as a string, which no filter sees; {@code bind} and {@code rebind} would have to
     * deserialize a stub, which this refuses. (All three of {@code bind}, {@code rebind} and {@code unbind} are
     * refused before that to every remote caller: see {@code RoutedSocket#getInetAddress()}.) The registry binds
     * its objects in-process, without serialization.
     */
    public static final String REGISTRY_PATTERN = "maxdepth=2;maxrefs=16;maxarray=16;maxbytes=4096;!*";

    /**
     * The distributed garbage collector's filter ({@code sun.rmi.transport.dgcFilter}): the JDK's own allow-list
     * for {@code dirty} and {@code clean}, stated explicitly, with a bound on the stream's size.
     */
    public static final String DGC_PATTERN = "maxdepth=5;maxarray=10000;maxbytes=4194304;java.rmi.server.ObjID;"
            + "java.rmi.server.UID;java.rmi.dgc.VMID;java.rmi.dgc.Lease;!*";

    /**
     * A JVM-wide backstop for the registry process (set by {@code registry.jar}, not by an embedded registry): any
     * stream without its own filter admits only what one of the filters above admits.
     */
    public static final String PROCESS_PATTERN = "maxdepth=10;java.lang.String;java.lang.Enum;"
            + "io.jmanager.wire.ObjectSpec;io.jmanager.wire.ObjectType;java.rmi.server.ObjID;java.rmi.server.UID;"
            + "java.rmi.dgc.VMID;java.rmi.dgc.Lease;!*";

    /**
     * Sets the RMI registry's and the DGC's filter properties, unless the operator set them. They are read once,
     * when the JDK's registry and DGC classes initialize: call this before the first remote object of the JVM is
     * exported. (The JDK's built-in filters, which apply otherwise, admit the same DGC classes, and for the
     * registry also stubs, so only remote {@code bind}/{@code rebind} from the local host would then be possible.)
     */
    public static void installRmiFilterProperties() {
        if (System.getProperty("sun.rmi.registry.registryFilter") == null) {
            System.setProperty("sun.rmi.registry.registryFilter", REGISTRY_PATTERN);
        }
        if (System.getProperty("sun.rmi.transport.dgcFilter") == null) {
            System.setProperty("sun.rmi.transport.dgcFilter", DGC_PATTERN);
        }
    }

    /**
     * Installs {@link #PROCESS_PATTERN} as the JVM-wide filter, unless one is set (e.g. with
     * {@code -Djdk.serialFilter}). Returns whether it was installed.
     */
    public static boolean installProcessBackstop() {
        if (ObjectInputFilter.Config.getSerialFilter() != null) {
            return false;
        }
        try {
            ObjectInputFilter.Config.setSerialFilter(ObjectInputFilter.Config.createFilter(PROCESS_PATTERN));
            return true;
        } catch (IllegalStateException e) {
            return false; // set meanwhile
        }
    }

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

    /**
     * Charges an array, before it is allocated, to the budget of the call being read on this thread (when it is
     * read from a registry connection): refused, with the reason naming the option, if the bytes its content
     * needs cannot come within the call's remaining {@code --max-call-bytes}, or if the call's arrays together
     * would take more memory than that, or than the memory budget has left. A reference takes 8 bytes in memory
     * and at least 1 in the stream.
     */
    private static void declare(Class<?> component, long length, long streamBytes) {
        CallBudget budget = CallBudget.current();
        if (budget == null) {
            return;
        }
        long size = component.isPrimitive() ? primitiveSize(component) : 1;
        long memory = component.isPrimitive() ? size : 8;
        String refused = budget.declare(length * size, length * memory + 16, streamBytes);
        if (refused != null) {
            // the stream reports it as REJECTED by the filter, with this as the cause
            throw new io.jmanager.RegistryLimitException(refused);
        }
    }

    private static long primitiveSize(Class<?> type) {
        if (type == long.class || type == double.class) {
            return 8;
        }
        if (type == int.class || type == float.class) {
            return 4;
        }
        if (type == short.class || type == char.class) {
            return 2;
        }
        return 1;
    }

    @Override
    public Status checkInput(FilterInfo info) {
        Class<?> declared = info.serialClass();
        if (declared != null && declared.isArray() && info.arrayLength() >= 0) {
            // first: a refusal for the call's budget says which option refused it
            declare(declared.getComponentType(), info.arrayLength(), info.streamBytes());
        }
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
