package io.jmanager.wire;

import java.io.ObjectInputFilter;
import java.io.ObjectInputFilter.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which classes a worker deserializes when it reads a stored value (tag {@link ValueCodec#SERIALIZED}): the JDK's
 * value types by default, plus the classes and packages the application declares. Immutable.
 *
 * <p>Admitted by default, with no declaration: primitives and arrays of them; {@code Boolean}, {@code Byte},
 * {@code Short}, {@code Integer}, {@code Long}, {@code Float}, {@code Double}, {@code Character}, {@code String};
 * {@code BigInteger}, {@code BigDecimal}; every {@code java.time} value (their serial form {@code java.time.Ser},
 * {@code java.time.chrono.Ser}, {@code java.time.zone.Ser}, and what they resolve to: every class of the
 * {@code java.time} packages); {@code UUID}, {@code Date}, {@code Locale},
 * {@code Currency}, {@code BitSet}; the enums of {@code java.base} ({@code TimeUnit}, {@code DayOfWeek}, ...); the
 * collections of {@code java.util} and {@code java.util.concurrent} ({@code ArrayList}, {@code LinkedList},
 * {@code ArrayDeque}, {@code HashMap}, {@code LinkedHashMap}, {@code TreeMap}, {@code HashSet},
 * {@code LinkedHashSet}, {@code TreeSet}, {@code PriorityQueue}, {@code EnumMap}, {@code EnumSet}, {@code List.of},
 * {@code Set.of}, {@code Map.of}, {@code Arrays.asList}, the {@code Collections} wrappers, empties and singletons,
 * {@code ConcurrentHashMap}, {@code CopyOnWriteArrayList}, ...) and the JDK comparators they may hold; arrays of
 * all of these. A container is admitted only with admitted contents: the filter sees every object of the stream.
 *
 * <p>Everything else is refused, the application's own classes included, records and enums too: deserializing a
 * record runs its canonical constructor and an enum its static initializer, so they are code of the application
 * that a value's writer would choose to run. Declare them with {@link #allowClasses} or {@link #allowPackages}.
 */
public final class ValueFilter {
    /** The deepest nesting of objects in one value. */
    public static final int MAX_DEPTH = 64;

    private static final Module JAVA_BASE = Object.class.getModule();

    /** Classes of java.base admitted by default (by name: many are private). */
    private static final Set<String> JDK_VALUE_CLASSES = Set.of(
            // arrays of Object hold any objects: each element is filtered on its own
            "java.lang.Object",
            "java.lang.Boolean", "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long",
            "java.lang.Float", "java.lang.Double", "java.lang.Character", "java.lang.Number", "java.lang.String",
            "java.lang.Enum", "java.lang.String$CaseInsensitiveComparator",
            "java.math.BigInteger", "java.math.BigDecimal",
            "java.time.Ser", "java.time.chrono.Ser", "java.time.zone.Ser",
            "java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency", "java.util.BitSet",
            "java.util.ArrayList", "java.util.LinkedList", "java.util.ArrayDeque", "java.util.Vector",
            "java.util.PriorityQueue", "java.util.HashMap", "java.util.LinkedHashMap", "java.util.TreeMap",
            "java.util.Hashtable", "java.util.HashSet", "java.util.LinkedHashSet", "java.util.TreeSet",
            "java.util.EnumMap", "java.util.EnumSet$SerializationProxy", "java.util.CollSer",
            // HashMap, HashSet and Hashtable check the size of their table as a Map.Entry[]
            "java.util.Map$Entry", "java.util.Arrays$ArrayList", "java.util.AbstractMap$SimpleEntry",
            "java.util.AbstractMap$SimpleImmutableEntry",
            "java.util.Collections$UnmodifiableCollection", "java.util.Collections$UnmodifiableSet",
            "java.util.Collections$UnmodifiableSortedSet", "java.util.Collections$UnmodifiableNavigableSet",
            "java.util.Collections$UnmodifiableNavigableSet$EmptyNavigableSet",
            "java.util.Collections$UnmodifiableList", "java.util.Collections$UnmodifiableRandomAccessList",
            "java.util.Collections$UnmodifiableMap", "java.util.Collections$UnmodifiableSortedMap",
            "java.util.Collections$UnmodifiableNavigableMap",
            "java.util.Collections$UnmodifiableNavigableMap$EmptyNavigableMap",
            "java.util.Collections$SynchronizedCollection", "java.util.Collections$SynchronizedSet",
            "java.util.Collections$SynchronizedSortedSet", "java.util.Collections$SynchronizedNavigableSet",
            "java.util.Collections$SynchronizedList", "java.util.Collections$SynchronizedRandomAccessList",
            "java.util.Collections$SynchronizedMap", "java.util.Collections$SynchronizedSortedMap",
            "java.util.Collections$SynchronizedNavigableMap",
            "java.util.Collections$EmptyList", "java.util.Collections$EmptySet", "java.util.Collections$EmptyMap",
            "java.util.Collections$SingletonList", "java.util.Collections$SingletonSet",
            "java.util.Collections$SingletonMap", "java.util.Collections$CopiesList",
            "java.util.Collections$ReverseComparator", "java.util.Collections$ReverseComparator2",
            "java.util.Comparators$NullComparator",
            "java.util.concurrent.ConcurrentHashMap", "java.util.concurrent.ConcurrentHashMap$Segment",
            "java.util.concurrent.locks.ReentrantLock", "java.util.concurrent.locks.ReentrantLock$Sync",
            "java.util.concurrent.locks.ReentrantLock$NonfairSync",
            "java.util.concurrent.locks.AbstractQueuedSynchronizer",
            "java.util.concurrent.locks.AbstractOwnableSynchronizer",
            "java.util.concurrent.CopyOnWriteArrayList", "java.util.concurrent.CopyOnWriteArraySet",
            "java.util.concurrent.ConcurrentLinkedQueue", "java.util.concurrent.ConcurrentLinkedDeque",
            "java.util.concurrent.ConcurrentSkipListMap", "java.util.concurrent.ConcurrentSkipListSet",
            "java.util.concurrent.atomic.AtomicInteger", "java.util.concurrent.atomic.AtomicLong",
            "java.util.concurrent.atomic.AtomicBoolean");

    private static final ValueFilter DEFAULTS = new ValueFilter(Set.of(), List.of());

    private final Set<Class<?>> classes;
    private final List<String> packages;

    private ValueFilter(Set<Class<?>> classes, List<String> packages) {
        this.classes = classes;
        this.packages = packages;
    }

    /** The JDK's value types only. */
    public static ValueFilter defaults() {
        return DEFAULTS;
    }

    /**
     * Also admits exactly these classes (not their subclasses), and arrays of them. Declare records, enums and
     * other classes of the application that workers store; their fields' classes must be admitted too.
     */
    public ValueFilter allowClasses(Class<?>... more) {
        Set<Class<?>> all = new LinkedHashSet<>(classes);
        for (Class<?> c : more) {
            Objects.requireNonNull(c, "class");
            while (c.isArray()) {
                c = c.getComponentType();
            }
            all.add(c);
        }
        return new ValueFilter(Collections.unmodifiableSet(all), packages);
    }

    /**
     * Also admits the classes of packages: {@code "com.example.model.*"} the classes of that package,
     * {@code "com.example.**"} those of the package and its sub-packages (the syntax of {@code jdk.serialFilter}).
     *
     * @throws IllegalArgumentException if a pattern does not end with {@code .*} or {@code .**}, or names no package
     */
    public ValueFilter allowPackages(String... patterns) {
        List<String> all = new ArrayList<>(packages);
        for (String p : patterns) {
            Objects.requireNonNull(p, "pattern");
            String trimmed = p.trim();
            boolean valid = (trimmed.endsWith(".**") && trimmed.length() > 3)
                    || (trimmed.endsWith(".*") && !trimmed.endsWith(".**") && trimmed.length() > 2);
            if (!valid || trimmed.startsWith(".") || trimmed.contains("..") || trimmed.indexOf('*') < trimmed.length()
                    - (trimmed.endsWith(".**") ? 2 : 1)) {
                throw new IllegalArgumentException("a package pattern is a package name followed by .* (its"
                        + " classes) or .** (also its sub-packages), e.g. \"com.example.model.*\"; got \"" + p
                        + "\". To admit single classes use allowClasses");
            }
            all.add(trimmed);
        }
        return new ValueFilter(classes, List.copyOf(all));
    }

    /** The classes declared with {@link #allowClasses}. */
    public Set<Class<?>> allowedClasses() {
        return classes;
    }

    /** The patterns declared with {@link #allowPackages}. */
    public List<String> allowedPackages() {
        return packages;
    }

    /**
     * Whether this filter admits {@code type} (arrays by their element type), not counting the JVM-wide filter.
     * Never initialises the class.
     */
    public boolean allows(Class<?> type) {
        Class<?> c = type;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        return c.isPrimitive() || isJdkValueClass(c) || classes.contains(c) || matchesPackage(c.getName());
    }

    /** A JDK value type admitted by default. {@code isEnum} reads the class's modifiers: it runs nothing. */
    static boolean isJdkValueClass(Class<?> c) {
        if (c.getModule() != JAVA_BASE || c.getClassLoader() != null) {
            return false;
        }
        String name = c.getName();
        // java.time values travel as java.time.Ser; the filter also sees what its readResolve returns (and the
        // same for List.of/Set.of/Map.of and EnumSet): every class of the java.time packages is a value type
        return JDK_VALUE_CLASSES.contains(name) || c.isEnum() || name.startsWith("java.time.")
                || name.startsWith("java.util.ImmutableCollections$") || name.equals("java.util.RegularEnumSet")
                || name.equals("java.util.JumboEnumSet");
    }

    private boolean matchesPackage(String className) {
        if (packages.isEmpty()) {
            return false;
        }
        int dot = className.lastIndexOf('.');
        String pkg = dot < 0 ? "" : className.substring(0, dot);
        for (String p : packages) {
            if (p.endsWith(".**")) {
                String base = p.substring(0, p.length() - 3);
                if (pkg.equals(base) || pkg.startsWith(base + ".")) {
                    return true;
                }
            } else if (pkg.equals(p.substring(0, p.length() - 2))) {
                return true;
            }
        }
        return false;
    }

    /** What a stream's filter refused, if anything: the first refusal wins. */
    static final class Refusal {
        String refusedClass;
        boolean byJvmFilter;
        boolean byBoth;
        String limit;

        boolean any() {
            return refusedClass != null || limit != null;
        }
    }

    /**
     * The filter for one value's stream: the limits (depth at most {@link #MAX_DEPTH}; no array, reference count
     * or stream longer than the value's bytes, since every element takes at least one), then the JVM-wide filter
     * {@code jvm} (null if none), which may refuse anything and admits what it explicitly allows, then this
     * filter's classes. Refusals are recorded in {@code refusal}.
     */
    ObjectInputFilter forStream(ObjectInputFilter jvm, long streamLength, Refusal refusal) {
        return info -> {
            if (info.depth() > MAX_DEPTH) {
                return limit(refusal, "objects nested deeper than " + MAX_DEPTH);
            }
            if (info.arrayLength() > streamLength) {
                return limit(refusal, "an array of " + info.arrayLength() + " elements in a value of "
                        + streamLength + " bytes (corrupt)");
            }
            if (info.references() > streamLength || info.streamBytes() > streamLength) {
                return limit(refusal, "more objects than the value's " + streamLength + " bytes can hold (corrupt)");
            }
            Status byJvm = jvm == null ? Status.UNDECIDED : jvm.checkInput(info);
            Class<?> type = info.serialClass();
            if (byJvm == Status.REJECTED) {
                if (refusal.refusedClass == null && refusal.limit == null) {
                    if (type == null) {
                        refusal.limit = "this JVM's deserialization filter (-Djdk.serialFilter) rejected the"
                                + " value's stream (one of its limits)";
                    } else {
                        refusal.refusedClass = elementName(type);
                        // refused by the JVM's filter alone, or by both: the message says what to change
                        refusal.byJvmFilter = allows(type);
                        refusal.byBoth = !refusal.byJvmFilter;
                    }
                }
                return Status.REJECTED;
            }
            if (type == null) {
                return Status.UNDECIDED;
            }
            if (byJvm == Status.ALLOWED || allows(type)) {
                return Status.ALLOWED;
            }
            if (refusal.refusedClass == null && refusal.limit == null) {
                refusal.refusedClass = elementName(type);
            }
            return Status.REJECTED;
        };
    }

    private static ObjectInputFilter.Status limit(Refusal refusal, String what) {
        if (refusal.refusedClass == null && refusal.limit == null) {
            refusal.limit = what;
        }
        return ObjectInputFilter.Status.REJECTED;
    }

    private static String elementName(Class<?> type) {
        Class<?> c = type;
        while (c.isArray()) {
            c = c.getComponentType();
        }
        return c.getName();
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        for (Class<?> c : classes) {
            names.add(c.getName());
        }
        return "ValueFilter[JDK value types" + (names.isEmpty() ? "" : ", classes " + names)
                + (packages.isEmpty() ? "" : ", packages " + packages) + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueFilter f && f.classes.equals(classes) && f.packages.equals(packages);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {classes, packages});
    }
}
