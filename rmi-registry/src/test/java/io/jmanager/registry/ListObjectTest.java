package io.jmanager.registry;

import static io.jmanager.registry.Fixture.MAX_VALUE;
import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.dec;
import static io.jmanager.registry.Fixture.enc;
import static io.jmanager.registry.Fixture.get;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.ValueTooLargeException;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ListObjectTest {
    private final Fixture fx = new Fixture();
    private final ListObject list = fx.add(new ListObject("l", ObjectSpec.of(ObjectType.LIST), fx.context));

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    private void fill(Object... values) {
        list.clear();
        byte[][] encoded = new byte[values.length][];
        for (int i = 0; i < values.length; i++) {
            encoded[i] = enc(values[i]);
        }
        list.extend(encoded);
    }

    private List<Object> contents() {
        List<Object> out = new ArrayList<>();
        for (byte[] b : list.snapshot()) {
            out.add(dec(b));
        }
        return out;
    }

    @Test
    void basicOperationsAndIndexChecks() {
        list.append(enc("b"));
        list.insert(0, enc("a"));
        list.insert(2, enc("d"));
        list.insertAll(2, new byte[][] {enc("c"), enc(null)});
        assertEquals(Arrays.asList("a", "b", "c", null, "d"), contents());
        assertArrayEquals(enc(null), list.set(3, enc("x")), "set returns the previous element");
        assertEquals("x", dec(list.get(3)));
        assertEquals(5, list.size());
        assertEquals("5 items", list.summaryLocked());
        for (int bad : new int[] {-1, 5}) {
            assertThrows(IndexOutOfBoundsException.class, () -> list.get(bad));
            assertThrows(IndexOutOfBoundsException.class, () -> list.set(bad, enc(1)));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> list.insert(6, enc(1)));
        assertThrows(IndexOutOfBoundsException.class, () -> list.insert(-1, enc(1)));
        assertThrows(IndexOutOfBoundsException.class, () -> list.insertAll(7, new byte[][] {enc(1)}));
        assertEquals(5, list.size());
    }

    @Test
    void popCountsNegativeIndexesFromTheEndAsPythonDoes() {
        fill(0, 1, 2, 3, 4);
        assertEquals(4, dec(list.pop(-1)));
        assertEquals(0, dec(list.pop(0)));
        assertEquals(2, dec(list.pop(-2)));
        assertEquals(Arrays.asList(1, 3), contents());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> list.pop(-3));
        assertContains(e.getMessage(), "index -3", "size 2");
        assertThrows(IndexOutOfBoundsException.class, () -> list.pop(2));
        assertEquals(1, dec(list.pop(-2)));
        assertEquals(3, dec(list.pop(-1)));
        IndexOutOfBoundsException empty = assertThrows(IndexOutOfBoundsException.class, () -> list.pop(-1));
        assertContains(empty.getMessage(), "pop from empty list 'l'");
    }

    @Test
    void sliceAndSliceAssignment() {
        fill(0, 1, 2, 3, 4);
        assertEquals(List.of(1, 2), Arrays.stream(list.slice(1, 3)).map(Fixture::dec).toList());
        assertEquals(0, list.slice(5, 5).length);
        list.setSlice(1, 3, new byte[][] {enc("a"), enc("b"), enc("c")});
        assertEquals(Arrays.asList(0, "a", "b", "c", 3, 4), contents());
        list.setSlice(0, 4, new byte[0][]);
        assertEquals(Arrays.asList(3, 4), contents());
        list.setSlice(2, 2, new byte[][] {enc(5)});
        assertEquals(Arrays.asList(3, 4, 5), contents());
        for (int[] bad : new int[][] {{-1, 1}, {0, 4}, {2, 1}}) {
            assertThrows(IndexOutOfBoundsException.class, () -> list.slice(bad[0], bad[1]));
            assertThrows(IndexOutOfBoundsException.class, () -> list.setSlice(bad[0], bad[1], new byte[][] {enc(9)}));
        }
        assertThrows(ValueTooLargeException.class, () -> list.setSlice(0, 1, new byte[][] {new byte[MAX_VALUE + 1]}));
        assertEquals(Arrays.asList(3, 4, 5), contents(), "failed slice assignments change nothing");
    }

    @Test
    void sortNumbersNumericallyAndStringsLexicographically() {
        fill(3, 1.5, -2L, (short) 7, 0.0, (byte) -1, 2.5f);
        list.sort(false);
        assertEquals(Arrays.asList(-2L, (byte) -1, 0.0, 1.5, 2.5f, 3, (short) 7), contents());
        list.sort(true);
        assertEquals(Arrays.asList((short) 7, 3, 2.5f, 1.5, 0.0, (byte) -1, -2L), contents());
        fill("b", "B", "a", "", "\uD83D\uDE00", "\uFFFF", "b\uD800");
        list.sort(false);
        assertEquals(Arrays.asList("", "B", "a", "b", "b\uD800", "\uD83D\uDE00", "\uFFFF"), contents(),
                "String.compareTo order (UTF-16 units)");
    }

    @Test
    void sortIsStableForEqualNumbers() {
        fill(1L, 0, 1, 1.0, 0L);
        list.sort(false);
        assertEquals(Arrays.asList(0, 0L, 1L, 1, 1.0), contents());
        fill(1L, 0, 1, 1.0, 0L);
        list.sort(true);
        assertEquals(Arrays.asList(1L, 1, 1.0, 0, 0L), contents(), "reverse keeps equal items in order");
    }

    @Test
    void sortOfLargeLongsMixedWithDoublesIsExact() {
        long big = 1L << 53;
        fill(big + 1, (double) big, big, big - 1);
        list.sort(false);
        assertEquals(Arrays.asList(big - 1, (double) big, big, big + 1), contents());
    }

    @Test
    void sortOfMixedTypesFailsAndLeavesTheListUnchanged() {
        Object[][] mixed = {{3, "a", 1}, {"a", null}, {1, new byte[] {1}}, {true, false}, {'a', 'b'},
                {2, 1, java.util.UUID.randomUUID()}};
        for (Object[] values : mixed) {
            fill(values);
            byte[][] before = list.snapshot();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> list.sort(false));
            assertContains(e.getMessage(), "sorts numbers or strings");
            byte[][] after = list.snapshot();
            assertEquals(before.length, after.length);
            for (int i = 0; i < before.length; i++) {
                assertArrayEquals(before[i], after[i], "element " + i + " moved");
            }
        }
        fill(java.util.UUID.randomUUID());
        list.sort(false);
        fill();
        list.sort(true);
        assertEquals(0, list.size());
    }

    @Test
    void searchAndRemoveByValue() {
        fill("a", 1, "a", 1L, "b", "a");
        assertEquals(0, list.indexOf(enc("a"), 0, Integer.MAX_VALUE));
        assertEquals(2, list.indexOf(enc("a"), 1, 6));
        assertEquals(-1, list.indexOf(enc("a"), 3, 5));
        assertEquals(0, list.indexOf(enc("a"), -10, 1), "from is clamped");
        assertEquals(-1, list.indexOf(enc("a"), 4, 2));
        assertEquals(5, list.lastIndexOf(enc("a")));
        assertEquals(-1, list.lastIndexOf(enc("zz")));
        assertEquals(3, list.count(enc("a")));
        assertEquals(1, list.count(enc(1)), "1L is not 1");
        assertTrue(list.removeFirst(enc("a")));
        assertEquals(Arrays.asList(1, "a", 1L, "b", "a"), contents());
        assertFalse(list.removeFirst(enc("zz")));
        assertEquals(2, list.removeMatching(new byte[][] {enc("a"), enc("q")}, false));
        assertEquals(Arrays.asList(1, 1L, "b"), contents());
        assertEquals(2, list.removeMatching(new byte[][] {enc(1L)}, true));
        assertEquals(List.of(1L), contents());
        assertEquals(0, list.removeMatching(new byte[0][], false));
    }

    @Test
    void tooLargeValuesAreRefusedWhole() {
        fill(1);
        byte[] big = new byte[MAX_VALUE + 1];
        assertThrows(ValueTooLargeException.class, () -> list.append(big));
        assertThrows(ValueTooLargeException.class, () -> list.set(0, big));
        assertThrows(ValueTooLargeException.class, () -> list.insert(0, big));
        assertThrows(ValueTooLargeException.class, () -> list.extend(new byte[][] {enc(2), big}));
        assertThrows(ValueTooLargeException.class, () -> list.insertAll(0, new byte[][] {enc(2), big}));
        byte[][] batch = new byte[5][];
        Arrays.fill(batch, new byte[MAX_VALUE]);
        assertThrows(ValueTooLargeException.class, () -> list.extend(batch));
        assertEquals(List.of(1), contents());
    }

    @Test
    void concurrentAppendsAndPopsLoseNothing() throws Exception {
        int threads = 6;
        int rounds = 300;
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Void>> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            all.add(fx.async(() -> {
                start.await();
                for (int i = 0; i < rounds; i++) {
                    list.append(enc(thread * rounds + i));
                    if (i % 3 == 0) {
                        list.extend(new byte[][] {enc(-1), enc(-1)});
                        assertTrue(list.removeFirst(enc(-1)));
                        assertTrue(list.removeFirst(enc(-1)));
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<Void> f : all) {
            get(f);
        }
        List<Object> values = contents();
        assertEquals(threads * rounds, values.size());
        assertEquals(threads * rounds, values.stream().distinct().count());
        assertFalse(values.contains(-1));
    }

    @Test
    void destroyedListRefusesCalls() {
        list.destroy();
        NoSuchSharedObjectException e = assertThrows(NoSuchSharedObjectException.class, list::size);
        assertContains(e.getMessage(), "list 'l'");
    }
}
