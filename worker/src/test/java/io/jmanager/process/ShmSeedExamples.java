package io.jmanager.process;

import io.jmanager.SharedLock;
import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedArray;
import io.jmanager.shm.MappedStructArray;
import io.jmanager.shm.MappedValue;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The child side of the shared-memory examples of Python's multiprocessing tutorial
 * ({@code ShmSeedExamples DIRECTORY AREA EXAMPLE}). The parent creates the objects in the area; the child opens
 * them by name with the same type, as a Python child receives them from its parent.
 */
public final class ShmSeedExamples {
    public static void main(String[] args) {
        ShmWorkers.run(args, (shm, a) -> {
            String example = a[2];
            switch (example) {
                case "value": {
                    // def f(n): n.value = 11
                    MappedValue<Integer> num = shm.value("num", 'i', 0);
                    num.set(11);
                    break;
                }
                case "array": {
                    // def f(a): a[2] = 9999
                    MappedArray<Integer> arr = shm.array("arr", 'i', 5);
                    arr.set(2, 9999);
                    break;
                }
                case "sharedctypes": {
                    // def modify(n, x, s, A): n.value **= 2; x.value **= 2; s.value = s.value.upper()
                    //                         for a in A: a.x **= 2; a.y **= 2
                    SharedLock lock = shm.lock("lock");
                    MappedValue<Integer> n = shm.value("n", 'i', 0);
                    MappedValue<Double> x = shm.value("x", 'd', 0.0, Locking.NONE);
                    MappedArray<Byte> s = shm.array("s", 'c', 11, Locking.with(lock));
                    MappedStructArray<Point> points = shm.structArray("A", Point.class, 3, Locking.with(lock));
                    n.set(n.get() * n.get());
                    x.set(x.get() * x.get());
                    s.setBytes(new String(s.bytes(), StandardCharsets.US_ASCII).toUpperCase(Locale.ROOT)
                            .getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < points.length(); i++) {
                        Point p = points.get(i);
                        points.set(i, new Point(p.x() * p.x(), p.y() * p.y()));
                    }
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown example '" + example + "'");
            }
        });
    }
}
