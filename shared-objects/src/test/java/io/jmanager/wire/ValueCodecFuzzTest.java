package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fuzzes the value decoder with random and mutated encodings: every public function of {@link ValueCodec} either
 * answers or throws {@link IllegalArgumentException}, its one documented exception for bad bytes ({@code decode}
 * also refuses classes its filter does not admit, with {@link io.jmanager.ValueClassRefusedException}); nothing
 * hangs or exhausts the heap. (The registry runs {@code tag}, {@code isNumber}, {@code add}, {@code compare} and {@code describe} on
 * bytes a worker sent; workers run {@code decode} on bytes read from the registry.) Fixed seed: see {@link Fuzz}.
 */
class ValueCodecFuzzTest {
    record Point(double x, double y) implements Serializable {
    }

    record Named(String name, Point at, int[] counts, List<String> tags) implements Serializable {
    }

    enum Color { RED, GREEN }

    private static final List<byte[]> CORPUS = corpus();

    /** The corpus's classes, declared as an application declares its value classes. */
    private static final ValueFilter CLASSES = ValueFilter.defaults().allowClasses(Point.class, Named.class,
            Color.class);

    private static List<byte[]> corpus() {
        List<Object> values = new ArrayList<>(List.of(0, -1, Integer.MAX_VALUE, Long.MIN_VALUE, 1.5, -0.0, Float.NaN,
                (short) 7, (byte) -3, 'x', "", "text", "ünïcødé 🙂", "\uD800 unpaired", true, false,
                new byte[] {1, 2, 3}, UUID.randomUUID(), new Point(1.875, -6.25), Color.GREEN,
                new Named("n", new Point(0, 1), new int[] {1, 2, 3}, List.of("a", "b")),
                new ArrayList<>(List.of(1, "two", 3.0)), new HashMap<>(Map.of("k", 1, "j", 2)),
                new int[] {5, 6}, new String[] {"a", null}));
        values.add(null);
        List<byte[]> out = new ArrayList<>();
        for (Object v : values) {
            out.add(ValueCodec.encode(v, null));
        }
        out.add(ValueCodec.encodeReference(new ValueCodec.Reference("some-list", ObjectType.LIST)));
        return out;
    }

    private static byte[] input(Random r) {
        switch (r.nextInt(3)) {
            case 0:
                return Fuzz.randomBytes(r, 512);
            case 1: {
                byte[] b = Fuzz.randomBytes(r, 64);
                if (b.length > 0) {
                    b[0] = (byte) r.nextInt(16); // a known tag, mostly
                }
                return b;
            }
            default:
                return Fuzz.mutate(r, CORPUS.get(r.nextInt(CORPUS.size())));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void everyFunctionAnswersOrThrowsIllegalArgumentException() {
        for (int i = 0; i < Fuzz.ITERATIONS; i++) {
            Random r = Fuzz.at(1, i);
            byte[] a = input(r);
            byte[] b = r.nextBoolean() ? input(r) : CORPUS.get(r.nextInt(CORPUS.size()));
            int call = -1;
            try {
                for (call = 0; call < 8; call++) {
                    try {
                        switch (call) {
                            case 0: ValueCodec.decode(a, null, CLASSES); break;
                            case 1: ValueCodec.decodeReference(a); break;
                            case 2: ValueCodec.tag(a); break;
                            case 3: ValueCodec.isNumber(a); break;
                            case 4: ValueCodec.describe(a); break;
                            case 5: ValueCodec.add(a, b); break;
                            case 6: ValueCodec.add(null, a); break;
                            default: ValueCodec.compare(a, b); break;
                        }
                    } catch (IllegalArgumentException | io.jmanager.ValueClassRefusedException expected) {
                        // the documented refusals
                    }
                }
            } catch (Throwable t) {
                fail("seed " + Fuzz.SEED + ", iteration " + i + ", call " + call + " on "
                        + java.util.HexFormat.of().formatHex(a) + ": " + t, t);
            }
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void decodedValuesReencodeToDecodeAlike() {
        // whatever decodes must survive a round trip: the registry compares keys by bytes
        for (int i = 0; i < Fuzz.ITERATIONS / 4; i++) {
            Random r = Fuzz.at(2, i);
            byte[] a = Fuzz.mutate(r, CORPUS.get(r.nextInt(CORPUS.size())));
            Object value;
            try {
                value = ValueCodec.decode(a, null, CLASSES);
            } catch (IllegalArgumentException | io.jmanager.ValueClassRefusedException refused) {
                continue;
            } catch (Throwable t) {
                fail("seed " + Fuzz.SEED + ", iteration " + i + ": " + t, t);
                return;
            }
            if (value instanceof ValueCodec.Reference || value == null || value instanceof String
                    || value instanceof Number || value instanceof Boolean || value instanceof Character) {
                Object again = ValueCodec.decode(ValueCodec.encode(value instanceof ValueCodec.Reference ref ? null
                        : value, null), null);
                if (!(value instanceof ValueCodec.Reference) && !java.util.Objects.equals(value, again)
                        && !(value instanceof Double d && d.isNaN()) && !(value instanceof Float f && f.isNaN())) {
                    fail("seed " + Fuzz.SEED + ", iteration " + i + ": " + value + " came back as " + again);
                }
            }
        }
    }
}
