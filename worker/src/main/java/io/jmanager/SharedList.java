package io.jmanager;

import java.util.concurrent.CompletableFuture;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/**
 * A shared list, Python's {@code manager.list()}. Single-element and bulk methods are atomic on the registry.
 * Elements compare by their encoded bytes ({@code indexOf}, {@code contains}, {@code remove(Object)}); elements read
 * are copies, as in Python. {@code null} elements are allowed.
 *
 * <p><b>Iteration</b> walks a snapshot taken in one round trip: it never hangs or fails while other workers change
 * the list. {@code Iterator.remove} removes by index from the live list, which is only exact while no other worker
 * changes the list meanwhile (use a lock, or {@link #remove(Object)}). {@code listIterator()} and
 * {@code subList()} are live index-based views (a round trip per step).
 *
 * @param <E> element type
 */
public interface SharedList<E> extends List<E>, SharedObject {
    /** Appends {@code values} in one atomic round trip (Python's {@code extend}). */
    void extend(Collection<? extends E> values);

    /** Removes and returns the last element (Python's {@code pop()}). */
    E pop();

    /** Removes and returns the element at {@code index}; negative indexes count from the end. */
    E pop(int index);

    /** A copy of elements {@code from..to} in one round trip (Python's {@code l[from:to]}). */
    List<E> slice(int from, int to);

    /** Replaces elements {@code from..to} with {@code values} atomically; the lengths may differ. */
    void setSlice(int from, int to, Collection<? extends E> values);

    /**
     * The first index of {@code value}, like Python's {@code index}.
     *
     * @throws java.util.NoSuchElementException if it is not in the list
     */
    int index(Object value);

    /** How many elements equal {@code value}. */
    int count(Object value);

    /**
     * Sorts on the registry in one round trip when {@code comparator} is null (numbers or strings only);
     * with a comparator, sorts a copy here and writes it back (not atomic against other writers).
     */
    @Override
    void sort(Comparator<? super E> comparator);

    /** Sorts numbers or strings on the registry, descending when {@code reverse}. */
    void sort(boolean reverse);

    /** A copy of the whole list in one round trip. */
    List<E> copy();

    // Asynchronous operations (see SharedDict and AsyncOptions)

    /** {@link #add(Object)} (append), asynchronously. */
    default CompletableFuture<Void> addAsync(E value) {
        return Async.run(() -> add(value));
    }

    /** {@link #get(int)}, asynchronously. */
    default CompletableFuture<E> getAsync(int index) {
        return Async.now(() -> get(index));
    }

    /** {@link #size()}, asynchronously. */
    default CompletableFuture<Integer> sizeAsync() {
        return Async.now(this::size);
    }
}
