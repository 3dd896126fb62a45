package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.ValueClassRefusedException;
import io.jmanager.wire.other.Marked;
import io.jmanager.wire.other.Markee;
import java.io.ByteArrayInputStream;
import java.io.InvalidClassException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Month;
import java.time.MonthDay;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.Year;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.chrono.HijrahDate;
import java.util.AbstractMap;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.Currency;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The value filter: what workers deserialize by default (the JDK's value types, in every shape users store), what
 * they refuse (everything else, the application's records and enums included, until declared), that a refused
 * class runs no code at all (neither its static initializer nor its {@code readObject}), the limits, and the
 * combination with a JVM-wide filter.
 */
class ValueFilterTest {
    record Point(int x, int y) implements Serializable {
    }

    record Line(Point from, Point to) implements Serializable {
    }

    enum Color { RED, GREEN }

    private static Object roundTrip(Object value, ValueFilter filter) {
        return ValueCodec.decode(ValueCodec.encode(value, null), null, filter);
    }

    /** Equal, by {@code equals} where the class defines it, else by text; arrays by content; same class. */
    private static void assertSame(Object expected, Object actual) throws Exception {
        assertEquals(expected.getClass(), actual.getClass(), "class of " + expected);
        if (expected.getClass().isArray()) {
            assertTrue(Arrays.deepEquals(new Object[] {expected}, new Object[] {actual}), expected.getClass()
                    + " " + Arrays.deepToString(new Object[] {expected}));
        } else if (expected.getClass().getMethod("equals", Object.class).getDeclaringClass() == Object.class) {
            assertEquals(expected.toString(), actual.toString(), expected.getClass().getName());
        } else {
            assertEquals(expected, actual, expected.getClass().getName());
        }
    }

    static List<Object> jdkValues() {
        List<Object> v = new ArrayList<>();
        v.addAll(List.of(new BigDecimal("1.50"), BigInteger.TWO.pow(100), UUID.randomUUID(),
                LocalDate.of(2024, 2, 29), LocalDateTime.of(2024, 1, 2, 3, 4, 5, 6), Instant.ofEpochSecond(1, 2),
                ZonedDateTime.of(2024, 3, 31, 2, 30, 0, 0, ZoneId.of("Europe/Paris")),
                OffsetDateTime.of(2024, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHours(-3)), Duration.ofMillis(1500),
                Period.of(1, 2, 3), ZoneOffset.ofHours(2), ZoneId.of("Europe/Paris"), Year.of(2024),
                YearMonth.of(2024, 5), MonthDay.of(12, 24), DayOfWeek.MONDAY, Month.MAY,
                HijrahDate.of(1445, 1, 1), ZoneId.of("Europe/Paris").getRules(), TimeUnit.SECONDS,
                RoundingMode.HALF_UP, new Date(0), Locale.CANADA_FRENCH, Currency.getInstance("EUR"),
                BitSet.valueOf(new long[] {5})));
        v.addAll(List.of(new ArrayList<>(List.of(1, "a", 2.5)), new LinkedList<>(List.of("x", 'y')),
                new ArrayDeque<>(List.of(1, 2)), new Vector<>(List.of(1L)), new PriorityQueue<>(List.of(3, 1, 2)),
                new HashMap<>(Map.of("k", 1, "j", List.of(2))), new LinkedHashMap<>(Map.of("k", (short) 1)),
                new TreeMap<>(Map.of("b", 1, "a", 2)), new Hashtable<>(Map.of(1, "one")),
                new HashSet<>(Set.of(1, 2)), new LinkedHashSet<>(List.of("z", "a")), new TreeSet<>(Set.of(3, 1))));
        TreeMap<String, Integer> caseless = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        caseless.put("B", 1);
        TreeMap<String, Integer> reversed = new TreeMap<>(Comparator.reverseOrder());
        reversed.put("a", 1);
        reversed.put("b", 2);
        TreeSet<String> reversedCaseless = new TreeSet<>(Collections.reverseOrder(String.CASE_INSENSITIVE_ORDER));
        reversedCaseless.addAll(List.of("a", "B"));
        TreeSet<Integer> nullsFirst = new TreeSet<>(Comparator.nullsFirst(Comparator.<Integer>naturalOrder()));
        nullsFirst.addAll(List.of(2, 1));
        EnumMap<TimeUnit, String> enumMap = new EnumMap<>(TimeUnit.class);
        enumMap.put(TimeUnit.DAYS, "d");
        v.addAll(List.of(caseless, reversed, reversedCaseless, nullsFirst, enumMap,
                EnumSet.of(TimeUnit.SECONDS, TimeUnit.DAYS), EnumSet.noneOf(DayOfWeek.class)));
        v.addAll(List.of(List.of(), List.of(1), List.of(1, 2, 3), Set.of("a", "b"), Map.of("k", 1),
                Map.of("a", 1, "b", 2, "c", 3), Arrays.asList(1, 2)));
        v.addAll(List.of(Collections.unmodifiableList(new ArrayList<>(List.of(1))),
                Collections.unmodifiableList(new LinkedList<>(List.of(1))),
                Collections.unmodifiableSet(new HashSet<>(Set.of(1))),
                Collections.unmodifiableSortedSet(new TreeSet<>(Set.of(1))),
                Collections.unmodifiableNavigableSet(new TreeSet<>(Set.of(1))),
                Collections.unmodifiableMap(new HashMap<>(Map.of(1, 2))),
                Collections.unmodifiableSortedMap(new TreeMap<>(Map.of(1, 2))),
                Collections.unmodifiableNavigableMap(new TreeMap<>(Map.of(1, 2))),
                Collections.unmodifiableCollection(new ArrayList<>(List.of(1))),
                Collections.synchronizedList(new ArrayList<>(List.of(1))),
                Collections.synchronizedList(new LinkedList<>(List.of(1))),
                Collections.synchronizedSet(new HashSet<>(Set.of(1))),
                Collections.synchronizedSortedSet(new TreeSet<>(Set.of(1))),
                Collections.synchronizedNavigableSet(new TreeSet<>(Set.of(1))),
                Collections.synchronizedMap(new HashMap<>(Map.of(1, 2))),
                Collections.synchronizedSortedMap(new TreeMap<>(Map.of(1, 2))),
                Collections.synchronizedNavigableMap(new TreeMap<>(Map.of(1, 2))),
                Collections.synchronizedCollection(new ArrayList<>(List.of(1))),
                Collections.emptyList(), Collections.emptySet(), Collections.emptyMap(),
                Collections.emptyNavigableSet(), Collections.emptyNavigableMap(), Collections.singletonList(1),
                Collections.singleton("s"), Collections.singletonMap("k", 1), Collections.nCopies(3, "x"),
                new AbstractMap.SimpleEntry<>("k", 1), new AbstractMap.SimpleImmutableEntry<>("k", 1)));
        v.addAll(List.of(new ConcurrentHashMap<>(Map.of("k", 1)), new CopyOnWriteArrayList<>(List.of(1)),
                new CopyOnWriteArraySet<>(Set.of(1)), new ConcurrentLinkedQueue<>(List.of(1)),
                new ConcurrentLinkedDeque<>(List.of(1)), new ConcurrentSkipListMap<>(Map.of(1, "a")),
                new ConcurrentSkipListSet<>(Set.of(1)), new AtomicInteger(3), new AtomicLong(4),
                new AtomicBoolean(true)));
        v.addAll(List.of(new int[] {1, 2}, new long[][] {{1}, {2, 3}}, new String[] {"a", null},
                new Integer[] {1, null}, new Object[] {1, "a", null, List.of(2)}, new LocalDate[] {LocalDate.MIN},
                new TimeUnit[] {TimeUnit.DAYS}, new double[] {1.5}, new char[] {'c'}, new boolean[] {true},
                new BigDecimal[][] {{BigDecimal.ONE}}));
        v.add(new HashMap<>(Map.of("nested", List.of(new TreeMap<>(Map.of("s", new HashSet<>(Set.of(1, 2))))))));
        return v;
    }

    @Test
    void theJdksValueTypesInEveryShapeUsersStoreReadBackWithTheDefaultFilter() throws Exception {
        for (Object value : jdkValues()) {
            assertSame(value, roundTrip(value, ValueFilter.defaults()));
        }
    }

    @Test
    void theApplicationsRecordsAndEnumsAreRefusedUntilDeclared() {
        Point p = new Point(1, 2);
        ValueClassRefusedException e = assertThrows(ValueClassRefusedException.class,
                () -> roundTrip(p, ValueFilter.defaults()));
        assertEquals(Point.class.getName(), e.refusedClass());
        assertFalse(e.byJvmFilter());
        assertTrue(e.getMessage().contains("allowClasses(ValueFilterTest.Point.class)")
                && e.getMessage().contains("allowPackages(\"io.jmanager.wire.*\")")
                && e.getMessage().contains("-Djdk.serialFilter=" + Point.class.getName())
                && e.getMessage().contains("Nothing of it ran here"), e.getMessage());
        assertEquals(p, roundTrip(p, ValueFilter.defaults().allowClasses(Point.class)));
        assertEquals(p, roundTrip(p, ValueFilter.defaults().allowPackages("io.jmanager.wire.*")));
        assertEquals(p, roundTrip(p, ValueFilter.defaults().allowPackages("io.jmanager.**")));
        assertThrows(ValueClassRefusedException.class,
                () -> roundTrip(p, ValueFilter.defaults().allowPackages("io.jmanager.*")));
        assertThrows(ValueClassRefusedException.class,
                () -> roundTrip(p, ValueFilter.defaults().allowPackages("io.jmanager.wire.other.*")));
        Point[] points = {p};
        assertTrue(Arrays.equals(points, (Point[]) roundTrip(points, ValueFilter.defaults().allowClasses(Point.class))));
        assertEquals(List.of(p), roundTrip(new ArrayList<>(List.of(p)), ValueFilter.defaults()
                .allowClasses(Point.class)));

        // a declared record whose component's class is not declared: the component is refused
        Line line = new Line(p, p);
        ValueClassRefusedException component = assertThrows(ValueClassRefusedException.class,
                () -> roundTrip(line, ValueFilter.defaults().allowClasses(Line.class)));
        assertEquals(Point.class.getName(), component.refusedClass());
        assertTrue(component.getMessage().contains("a stored value of class " + Line.class.getName()
                + " that contains an object of class " + Point.class.getName()), component.getMessage());
        assertEquals(line, roundTrip(line, ValueFilter.defaults().allowClasses(Line.class, Point.class)));

        ValueClassRefusedException color = assertThrows(ValueClassRefusedException.class,
                () -> roundTrip(Color.GREEN, ValueFilter.defaults()));
        assertEquals(Color.class.getName(), color.refusedClass());
        assertEquals(Color.GREEN, roundTrip(Color.GREEN, ValueFilter.defaults().allowClasses(Color.class)));
        assertEquals(Map.of("c", Color.RED), roundTrip(new HashMap<>(Map.of("c", Color.RED)),
                ValueFilter.defaults().allowClasses(Color.class)));
    }

    @Test
    void packagePatternsAreCheckedWhenDeclared() {
        for (String bad : List.of("com.example", "com.example.Point", "*", ".*", "com..example.*", "com.*.model.*",
                "com.example.***", "")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ValueFilter.defaults().allowPackages(bad), bad);
            assertTrue(e.getMessage().contains(".*"), e.getMessage());
        }
        ValueFilter f = ValueFilter.defaults().allowPackages("com.example.*", "org.example.**");
        assertEquals(List.of("com.example.*", "org.example.**"), f.allowedPackages());
    }

    /** A stream of {@link Marked}, forged from one of its twin: the test never initialises Marked. */
    private static byte[] forge(Object holdingATwin) {
        byte[] encoded = ValueCodec.encode(holdingATwin, null);
        byte[] twin = Markee.class.getName().getBytes(StandardCharsets.UTF_8);
        byte[] gadget = "io.jmanager.wire.other.Marked".getBytes(StandardCharsets.UTF_8);
        assertEquals(twin.length, gadget.length);
        for (int i = 0; i + twin.length <= encoded.length; i++) {
            if (Arrays.equals(encoded, i, i + twin.length, twin, 0, twin.length)) {
                System.arraycopy(gadget, 0, encoded, i, gadget.length);
                return encoded;
            }
        }
        throw new AssertionError("no twin in the stream");
    }

    @Test
    void aRefusedClassRunsNoCodeNeitherItsStaticInitializerNorItsReadObject() throws Exception {
        String gadget = "io.jmanager.wire.other.Marked";
        byte[] alone = forge(new Markee());
        byte[] nested = forge(new ArrayList<>(List.of("harmless", new Markee())));
        assertEquals("a " + gadget + " (serialized)", ValueCodec.describe(alone));

        ValueClassRefusedException e = assertThrows(ValueClassRefusedException.class,
                () -> ValueCodec.decode(alone, null));
        assertEquals(gadget, e.refusedClass());
        assertTrue(e.getMessage().contains("allowClasses(Marked.class)"), e.getMessage());
        ValueClassRefusedException inList = assertThrows(ValueClassRefusedException.class,
                () -> ValueCodec.decode(nested, null));
        assertEquals(gadget, inList.refusedClass());
        assertTrue(inList.getMessage().contains("java.util.ArrayList that contains an object of class " + gadget),
                inList.getMessage());
        assertNull(System.getProperty(Marked.STATIC_MARK), "the refused class's static initializer ran");
        assertNull(System.getProperty(Marked.READ_MARK), "the refused class's readObject ran");

        // the control: declared, the same bytes run both (this is what every worker did before the filter)
        Class<?> marked = Class.forName(gadget, false, getClass().getClassLoader());
        Object read = ValueCodec.decode(alone, null, ValueFilter.defaults().allowClasses(marked));
        assertEquals(gadget, read.getClass().getName());
        assertEquals("ran", System.getProperty(Marked.STATIC_MARK));
        assertEquals("ran", System.getProperty(Marked.READ_MARK));
    }

    @Test
    void valuesNestedDeeperThanTheLimitAreRefused() {
        Object shallow = List.of();
        Object deep = List.of();
        for (int i = 0; i < 200; i++) {
            deep = new ArrayList<>(List.of(deep));
            if (i < 20) {
                shallow = deep;
            }
        }
        assertEquals(shallow, roundTrip(shallow, ValueFilter.defaults()));
        Object tooDeep = deep;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> roundTrip(tooDeep, ValueFilter.defaults()));
        assertTrue(e.getMessage().contains("nested deeper than " + ValueFilter.MAX_DEPTH), e.getMessage());
    }

    /** Reads {@code encoded} as {@link ValueCodec} does, with {@code jvm} standing for the JVM-wide filter. */
    private static Object readWithJvmFilter(Object value, ValueFilter filter, String jvmPattern,
                                            ValueFilter.Refusal refusal) throws Exception {
        byte[] encoded = ValueCodec.encode(value, null);
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(encoded, 1, encoded.length - 1))) {
            in.setObjectInputFilter(filter.forStream(ObjectInputFilter.Config.createFilter(jvmPattern),
                    encoded.length, refusal));
            return in.readObject();
        }
    }

    @Test
    void aJvmWideFilterIsCombinedItMayRefuseAnythingAndAdmitsWhatItExplicitlyAllows() throws Exception {
        // both must accept: the JVM filter refuses a JDK value type the value filter admits
        ValueFilter.Refusal refusal = new ValueFilter.Refusal();
        assertThrows(InvalidClassException.class, () -> readWithJvmFilter(new ArrayList<>(List.of(UUID.randomUUID())),
                ValueFilter.defaults(), "!java.util.UUID", refusal));
        assertEquals("java.util.UUID", refusal.refusedClass);
        assertTrue(refusal.byJvmFilter);
        // a class the JVM filter explicitly allows is declared by it
        Point p = new Point(3, 4);
        assertEquals(p, readWithJvmFilter(p, ValueFilter.defaults(), Point.class.getName(),
                new ValueFilter.Refusal()));
        // what it leaves undecided stays with the value filter
        ValueFilter.Refusal undecided = new ValueFilter.Refusal();
        assertThrows(InvalidClassException.class, () -> readWithJvmFilter(p, ValueFilter.defaults(), "java.util.*",
                undecided));
        assertEquals(Point.class.getName(), undecided.refusedClass);
        assertFalse(undecided.byJvmFilter);
        // a strict one (java.base/*;!*) refusing what neither admits is reported as refused by both
        ValueFilter.Refusal both = new ValueFilter.Refusal();
        assertThrows(InvalidClassException.class, () -> readWithJvmFilter(p, ValueFilter.defaults(),
                "java.base/*;!*", both));
        assertTrue(both.byBoth);
        assertEquals(List.of(1), readWithJvmFilter(new ArrayList<>(List.of(1)), ValueFilter.defaults(),
                "java.base/*;!*", new ValueFilter.Refusal()));
    }
}
