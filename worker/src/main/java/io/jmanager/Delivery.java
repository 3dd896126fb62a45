package io.jmanager;

/**
 * An item taken from an at-least-once queue ({@link SharedReliableQueue}) and not yet acknowledged. Until
 * {@link #ack()}, the item belongs to this worker's session: if the worker dies, or does not acknowledge within the
 * queue's visibility timeout, the item goes back to the head of the queue and is delivered again. Thread-safe.
 *
 * @param <E> element type
 */
public interface Delivery<E> {
    /** The item. */
    E value();

    /** The delivery's id within its queue. */
    long id();

    /**
     * Acknowledges: the item is processed and will never be delivered again.
     *
     * @throws IllegalStateException if the delivery had already gone back to the queue (its visibility timeout
     *                               passed or its session ended), so it may be, or may have been, delivered again
     */
    void ack();

    /** Gives the item back to the head of the queue now, for another consumer; false if it was no longer out. */
    boolean nack();
}
