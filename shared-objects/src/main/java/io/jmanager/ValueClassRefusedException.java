package io.jmanager;

/**
 * A stored value holds an object of a class that this worker does not deserialize: not one of the JDK's value
 * types, and not declared by the application ({@code ManagerOptions.allowClasses(...)}, {@code allowPackages(...)},
 * or allowed by the JVM-wide {@code -Djdk.serialFilter}). The filter refuses the class before it is initialised,
 * so no code of it ran in this worker: not its static initializer, constructor or {@code readObject}. The value
 * stays in the registry unchanged.
 */
public class ValueClassRefusedException extends JManagerException {
    private static final long serialVersionUID = 1L;

    private final String refusedClass;
    private final boolean byJvmFilter;

    /**
     * @param refusedClass the class the filter refused
     * @param valueClass   the class of the stored value at the top of its stream (may equal
     *                     {@code refusedClass}), or null if unknown
     * @param byJvmFilter  true if this JVM's own filter ({@code jdk.serialFilter}, or a filter factory) refused it
     */
    public ValueClassRefusedException(String refusedClass, String valueClass, boolean byJvmFilter, Throwable cause) {
        this(refusedClass, valueClass, byJvmFilter, false, cause);
    }

    /**
     * @param byBoth true if jmanager's value filter refuses the class and this JVM's filter rejects it too
     */
    public ValueClassRefusedException(String refusedClass, String valueClass, boolean byJvmFilter, boolean byBoth,
                                      Throwable cause) {
        super(message(refusedClass, valueClass, byJvmFilter) + (byBoth ? "; this JVM's deserialization filter"
                + " (-Djdk.serialFilter) rejects it too: allow it there as well" : ""), cause);
        this.refusedClass = refusedClass;
        this.byJvmFilter = byJvmFilter;
    }

    private static String message(String refusedClass, String valueClass, boolean byJvmFilter) {
        String what = valueClass == null || valueClass.equals(refusedClass)
                ? "a stored value of class " + refusedClass
                : "a stored value of class " + valueClass + " that contains an object of class " + refusedClass;
        if (byJvmFilter) {
            return "refused to deserialize " + what + ": this JVM's deserialization filter (-Djdk.serialFilter or"
                    + " a jdk.serialFilterFactory) rejects " + refusedClass + ", and jmanager applies it to values"
                    + " too; allow the class there if this worker should read it. Nothing of it ran here";
        }
        String simple = refusedClass.substring(refusedClass.lastIndexOf('.') + 1).replace('$', '.');
        int dot = refusedClass.lastIndexOf('.');
        String pkg = dot < 0 ? "" : refusedClass.substring(0, dot);
        return "refused to deserialize " + what + ": workers read only the JDK's value types and the classes"
                + " the application declares, and " + refusedClass + " is neither. Nothing of it ran here. If this"
                + " worker should read it, declare it: ManagerOptions.defaults().allowClasses(" + simple + ".class)"
                + (pkg.isEmpty() ? "" : ", or allowPackages(\"" + pkg + ".*\")") + ", or -Djdk.serialFilter="
                + refusedClass + " (see SECURITY.md, 'Values between workers')";
    }

    /** The fully qualified name of the refused class. */
    public String refusedClass() {
        return refusedClass;
    }

    /** True if the JVM-wide filter refused the class, rather than jmanager's value filter. */
    public boolean byJvmFilter() {
        return byJvmFilter;
    }
}
