package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jmanager.Manager;
import io.jmanager.SharedArray;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedStructArray;
import io.jmanager.SharedValue;
import io.jmanager.Timing;
import io.jmanager.TypeCode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The four examples of Python's multiprocessing tutorial, each with its children in other JVMs and the exact
 * expected output; the parent (this JVM) prints what Python's parent prints.
 */
@Timeout(120)
class SeedExamplesProcessTest {
    static final Duration CHILD_TIMEOUT = Timing.seconds(60);

    @Test
    void valueSetByAChildIsSeenByTheParent() {
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            SharedValue<Integer> num = m.value("num", 'i', 10);
            WorkerProcess.start(SeedExamples.class, "value", registry.url()).awaitSuccess(CHILD_TIMEOUT);
            System.out.println(num.get());
            assertEquals(11, num.get());
        }
    }

    @Test
    void arrayElementSetByAChildIsSeenByTheParent() {
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            SharedArray<Integer> arr = m.array("arr", 'i', List.of(1, 2, 3, 4, 5));
            WorkerProcess.start(SeedExamples.class, "array", registry.url()).awaitSuccess(CHILD_TIMEOUT);
            System.out.println(arr.toList());
            assertEquals("[1, 2, 9999, 4, 5]", arr.toList().toString());
            assertEquals(List.of(1, 2, 9999, 4, 5), arr.toList());
        }
    }

    @Test
    void sharedctypesModifiedByAChildAreSeenByTheParent() {
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            SharedValue<Integer> n = m.value("n", 'i', 7);
            SharedValue<Double> x = m.value("x", TypeCode.DOUBLE, 1.0 / 3.0);
            SharedArray<Byte> s = m.array("s", TypeCode.CHAR, "hello world".getBytes(StandardCharsets.US_ASCII));
            SharedStructArray<Point> a = m.structArray("A", Point.class,
                    List.of(new Point(1.875, -6.25), new Point(-5.75, 2.0), new Point(2.375, 9.5)));

            WorkerProcess.start(SeedExamples.class, "sharedctypes", registry.url()).awaitSuccess(CHILD_TIMEOUT);

            String printed = n.get() + "\n" + x.get() + "\n" + new String(s.bytes(), StandardCharsets.US_ASCII)
                    + "\n" + a.toList().stream().map(p -> "(" + p.x() + ", " + p.y() + ")")
                    .collect(Collectors.joining(", ", "[", "]"));
            System.out.println(printed);
            assertEquals(49, n.get());
            assertEquals(1.0 / 9.0, x.get(), 1e-15);
            assertEquals("HELLO WORLD", new String(s.bytes(), StandardCharsets.US_ASCII));
            assertEquals(List.of(new Point(3.515625, 39.0625), new Point(33.0625, 4.0), new Point(5.640625, 90.25)),
                    a.toList());
            assertEquals("[(3.515625, 39.0625), (33.0625, 4.0), (5.640625, 90.25)]", printed.split("\n")[3]);
        }
    }

    @Test
    void tenChildProcessesWriteOneDictAndOneList() {
        int children = 10;
        try (RegistryProcess registry = RegistryProcess.start()) {
            Manager m = registry.connect();
            SharedDict<Object, Object> dic = m.dict("dic");
            SharedList<Integer> lis = m.list("lis");
            for (int i = 0; i < 5; i++) {
                dic.put(i, i);
                lis.add(i);
            }
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                for (int i = 0; i < children; i++) {
                    workers.add(WorkerProcess.start(SeedExamples.class, "dict-list", registry.url(), i));
                }
            } catch (RuntimeException | Error e) {
                workers.forEach(WorkerProcess::close);
                throw e;
            }
            WorkerProcess.awaitAll(workers, Timing.seconds(90));

            Map<Object, Object> expectedDict = new LinkedHashMap<>();
            for (int i = 0; i < children; i++) {
                expectedDict.put(i, "a");
            }
            expectedDict.put("2", "b");
            System.out.println(dic.copy());
            System.out.println(lis.copy());
            assertEquals(expectedDict, dic.copy());
            List<Integer> list = lis.copy();
            assertEquals(List.of(0, 1, 2, 3, 4), list.subList(0, 5), "the initial range(5) stays first");
            List<Integer> appended = new ArrayList<>(list.subList(5, list.size()));
            appended.sort(null);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), appended, "each child appended its index once");
        }
    }
}
