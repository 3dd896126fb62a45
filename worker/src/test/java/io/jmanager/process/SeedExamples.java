package io.jmanager.process;

import io.jmanager.SharedArray;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedStructArray;
import io.jmanager.SharedValue;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The child side of the four examples of Python's multiprocessing tutorial ({@code SeedExamples EXAMPLE URL ...}).
 * The parent creates the objects; the child attaches to them by name, as a Python child receives the proxies.
 */
public final class SeedExamples {
    @SuppressWarnings("unchecked")
    public static void main(String[] args) {
        String example = args.length > 0 ? args[0] : "";
        String[] rest = args.length > 0 ? java.util.Arrays.copyOfRange(args, 1, args.length) : args;
        Workers.run(rest, (m, a) -> {
            switch (example) {
                case "value": {
                    // def f(n): n.value = 11
                    SharedValue<Integer> num = (SharedValue<Integer>) m.attach("num");
                    num.set(11);
                    break;
                }
                case "array": {
                    // def f(a): a[2] = 9999
                    SharedArray<Integer> arr = (SharedArray<Integer>) m.attach("arr");
                    arr.set(2, 9999);
                    break;
                }
                case "sharedctypes": {
                    // def modify(n, x, s, A): n.value **= 2; x.value **= 2; s.value = s.value.upper();
                    //                         for a in A: a.x **= 2; a.y **= 2
                    SharedValue<Integer> n = (SharedValue<Integer>) m.attach("n");
                    SharedValue<Double> x = (SharedValue<Double>) m.attach("x");
                    SharedArray<Byte> s = (SharedArray<Byte>) m.attach("s");
                    SharedStructArray<Point> points = m.structArray("A", Point.class, 3);
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
                case "dict-list": {
                    // def f(d, l, index): d[index] = 'a'; d['2'] = 'b'; l.append(index)
                    int index = Integer.parseInt(a[1]);
                    SharedDict<Object, String> dic = (SharedDict<Object, String>) m.attach("dic");
                    SharedList<Integer> lis = (SharedList<Integer>) m.attach("lis");
                    dic.put(index, "a");
                    dic.put("2", "b");
                    lis.add(index);
                    break;
                }
                default:
                    throw new IllegalArgumentException("unknown example '" + example + "'");
            }
        });
    }
}
