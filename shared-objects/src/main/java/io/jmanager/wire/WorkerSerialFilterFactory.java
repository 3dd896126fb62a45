package io.jmanager.wire;

import java.io.ObjectInputFilter;
import java.lang.reflect.Proxy;
import java.util.Set;
import java.util.function.BinaryOperator;

/**
 * Lets a worker JVM keep a strict JVM-wide deserialization filter ({@code -Djdk.serialFilter=java.base/*;!*})
 * and still talk to its registry. RMI deserializes the registry's answers (stubs, which are dynamic proxies of
 * {@code io.jmanager.wire} interfaces with a {@code java.rmi} invocation handler, {@link ObjectHandle},
 * {@link SessionGrant}, exceptions) with the JVM-wide filter and offers no per-call filter; a strict filter rejects
 * them and the worker cannot connect. This filter factory gives the streams that RMI opens on a thread inside a
 * jmanager call ({@link ClientTransport#inCall()}) a filter that admits those wire classes and leaves every other
 * class to the JVM-wide filter; every other stream of the JVM gets what the previous factory gives it (the JDK's
 * built-in one: the JVM-wide filter, or the stream's own).
 *
 * <p>{@code Manager.connect} installs it when a JVM-wide filter is set, if it still can: the JDK accepts a filter
 * factory only before the first {@code ObjectInputStream} of the JVM is created. Where that is too late, name it
 * on the command line: {@code -Djdk.serialFilterFactory=io.jmanager.wire.WorkerSerialFilterFactory}.
 */
public final class WorkerSerialFilterFactory implements BinaryOperator<ObjectInputFilter> {
    private static final Module JAVA_BASE = Object.class.getModule();
    private static final Module JAVA_RMI = java.rmi.Remote.class.getModule();
    private static final ClassLoader WIRE_LOADER = WorkerSerialFilterFactory.class.getClassLoader();

    /** Classes of java.base and java.rmi that jmanager's answers carry, besides exceptions. */
    private static final Set<String> RMI_CLASSES = Set.of("java.lang.Object", "java.lang.String", "java.lang.Enum",
            "java.lang.Number", "java.lang.Integer", "java.lang.Long", "java.lang.Boolean",
            "java.lang.StackTraceElement", "java.lang.reflect.Proxy", "java.util.ArrayList",
            "java.util.Collections$EmptyList", "java.util.Collections$UnmodifiableCollection",
            "java.util.Collections$UnmodifiableList", "java.util.Collections$UnmodifiableRandomAccessList",
            "java.rmi.Remote", "java.rmi.server.RemoteObject", "java.rmi.server.RemoteObjectInvocationHandler",
            "java.rmi.server.RemoteStub", "java.rmi.server.ObjID", "java.rmi.server.UID", "java.rmi.dgc.Lease",
            "java.rmi.dgc.VMID");

    private final BinaryOperator<ObjectInputFilter> previous;

    /** For {@code -Djdk.serialFilterFactory}: other streams get what the JDK's built-in factory gives them. */
    public WorkerSerialFilterFactory() {
        this(null);
    }

    private WorkerSerialFilterFactory(BinaryOperator<ObjectInputFilter> previous) {
        this.previous = previous;
    }

    /**
     * Installs this factory in front of the current one if a JVM-wide filter is set and no factory but the JDK's
     * was set. Returns true if it is in place (now or before); false if the JDK no longer accepts a factory (an
     * {@code ObjectInputStream} was created already) or another factory is set, or no JVM-wide filter is set.
     */
    public static synchronized boolean installIfFilterSet() {
        if (ObjectInputFilter.Config.getSerialFilter() == null) {
            return false;
        }
        BinaryOperator<ObjectInputFilter> current = ObjectInputFilter.Config.getSerialFilterFactory();
        if (current instanceof WorkerSerialFilterFactory) {
            return true;
        }
        if (!current.getClass().getName().equals("java.io.ObjectInputFilter$Config$BuiltinFilterFactory")) {
            return false; // the application's own factory: not ours to wrap
        }
        try {
            ObjectInputFilter.Config.setSerialFilterFactory(new WorkerSerialFilterFactory(current));
            return true;
        } catch (IllegalStateException e) {
            return false;
        }
    }

    @Override
    public ObjectInputFilter apply(ObjectInputFilter current, ObjectInputFilter requested) {
        ObjectInputFilter chosen = previous == null ? requested : previous.apply(current, requested);
        if (current == null && chosen != null && ClientTransport.inCall()) {
            return new WireAnswers(chosen); // a new stream of RMI inside a jmanager call: the registry's answer
        }
        return chosen;
    }

    /** The registry's answer: jmanager's wire classes admitted, the rest decided by the JVM-wide filter. */
    private record WireAnswers(ObjectInputFilter jvm) implements ObjectInputFilter {
        @Override
        public Status checkInput(FilterInfo info) {
            Class<?> c = info.serialClass();
            if (c != null) {
                while (c.isArray()) {
                    c = c.getComponentType();
                }
                if (!c.isPrimitive() && isWireClass(c)) {
                    // the JVM-wide filter's limits (depth, bytes, ...) still apply
                    Status limits = jvm.checkInput(new ClassFree(info));
                    return limits == Status.REJECTED ? Status.REJECTED : Status.ALLOWED;
                }
            }
            return jvm.checkInput(info);
        }
    }

    /** The same stream position without its class: lets the JVM-wide filter judge only its limits. */
    private record ClassFree(ObjectInputFilter.FilterInfo info) implements ObjectInputFilter.FilterInfo {
        @Override
        public Class<?> serialClass() {
            return null;
        }

        @Override
        public long arrayLength() {
            return info.arrayLength();
        }

        @Override
        public long depth() {
            return info.depth();
        }

        @Override
        public long references() {
            return info.references();
        }

        @Override
        public long streamBytes() {
            return info.streamBytes();
        }
    }

    /** A class of jmanager's wire contract, a stub's classes, or an exception the registry may throw. */
    static boolean isWireClass(Class<?> c) {
        if (Proxy.isProxyClass(c)) {
            for (Class<?> i : c.getInterfaces()) {
                if (!isWireClass(i)) {
                    return false;
                }
            }
            return true;
        }
        if (c.getClassLoader() == WIRE_LOADER && WIRE_LOADER != null) {
            String pkg = c.getPackageName();
            return pkg.equals("io.jmanager.wire") || (pkg.equals("io.jmanager") && Throwable.class.isAssignableFrom(c));
        }
        Module m = c.getModule();
        if (m == JAVA_BASE || m == JAVA_RMI) {
            return RMI_CLASSES.contains(c.getName()) || Throwable.class.isAssignableFrom(c);
        }
        return false;
    }
}
