package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.jmanager.SharedLock;
import io.jmanager.Timing;
import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedArray;
import io.jmanager.shm.MappedStructArray;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.ShmTestAreas;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shared-memory examples of Python's multiprocessing tutorial ({@code Value}, {@code Array} and
 * {@code sharedctypes}), each with its child in another JVM over one area, and the exact output the parent (this
 * JVM) prints, as Python's parent prints it.
 */
@Timeout(120)
class ShmSeedExamplesProcessTest {
    static final Duration CHILD_TIMEOUT = Timing.seconds(60);

    @RegisterExtension
    final ShmTestAreas areas = new ShmTestAreas();

    /** What the parent prints: printed, and kept for the assertion. */
    private final List<String> printed = new ArrayList<>();

    private void print(Object line) {
        System.out.println(line);
        printed.add(String.valueOf(line));
    }

    private void runChild(String area, String example) {
        WorkerProcess.start(ShmSeedExamples.class, areas.directory(), area, example).awaitSuccess(CHILD_TIMEOUT);
    }

    @Test
    void valueSetByAChildIsSeenByTheParent() {
        try (SharedMemory shm = SharedMemory.open("seed-value", areas.options())) {
            MappedValue<Integer> num = shm.value("num", 'i', 10);
            print(num.get());
            runChild("seed-value", "value");
            print(num.get());
        }
        assertEquals(List.of("10", "11"), printed);
    }

    @Test
    void arrayElementSetByAChildIsSeenByTheParent() {
        try (SharedMemory shm = SharedMemory.open("seed-array", areas.options())) {
            MappedArray<Integer> arr = shm.array("arr", 'i', List.of(1, 2, 3, 4, 5));
            print(arr.toList());
            runChild("seed-array", "array");
            print(arr.toList());
            assertEquals(List.of(1, 2, 9999, 4, 5), arr.toList());
        }
        assertEquals(List.of("[1, 2, 3, 4, 5]", "[1, 2, 9999, 4, 5]"), printed);
    }

    @Test
    void sharedctypesModifiedByAChildAreSeenByTheParent() {
        try (SharedMemory shm = SharedMemory.open("seed-sharedctypes", areas.options())) {
            // lock = Lock(); n = Value('i', 7); x = Value(c_double, 1.0/3.0, lock=False)
            // s = Array('c', b'hello world', lock=lock); A = Array(Point, [...], lock=lock)
            SharedLock lock = shm.lock("lock");
            MappedValue<Integer> n = shm.value("n", 'i', 7);
            MappedValue<Double> x = shm.value("x", 'd', 1.0 / 3.0, Locking.NONE);
            MappedArray<Byte> s = shm.array("s", 'c', "hello world".getBytes(StandardCharsets.US_ASCII),
                    Locking.with(lock));
            MappedStructArray<Point> a = shm.structArray("A", Point.class,
                    List.of(new Point(1.875, -6.25), new Point(-5.75, 2.0), new Point(2.375, 9.5)),
                    Locking.with(lock));
            assertFalse(x.isSynchronized(), "lock=False");
            assertEquals("lock", s.getLock().name());
            assertEquals("lock", a.getLock().name());

            runChild("seed-sharedctypes", "sharedctypes");

            // print(n.value); print(x.value); print(s.value); print([(a.x, a.y) for a in A])
            print(n.get());
            print(x.get());
            print(new String(s.bytes(), StandardCharsets.US_ASCII));
            print(a.toList().stream().map(p -> "(" + p.x() + ", " + p.y() + ")")
                    .collect(Collectors.joining(", ", "[", "]")));
            assertEquals(List.of(new Point(3.515625, 39.0625), new Point(33.0625, 4.0), new Point(5.640625, 90.25)),
                    a.toList());
            assertFalse(lock.isLocked(), "the child's operations released the shared lock");
        }
        assertEquals(List.of("49", "0.1111111111111111", "HELLO WORLD",
                "[(3.515625, 39.0625), (33.0625, 4.0), (5.640625, 90.25)]"), printed);
    }
}
