package io.jmanager;

import java.util.concurrent.TimeUnit;

/**
 * An at-least-once shared queue: besides the plain {@link SharedQueue} methods (whose {@code take} and
 * {@code poll} hand an item out for good, as Python's queue does), it hands out {@linkplain Delivery deliveries}
 * that the consumer acknowledges once the item is processed. A consumer that dies, or takes longer than the
 * visibility timeout, loses nothing: its unacknowledged items go back to the head of the queue for another
 * consumer. An acknowledged item is never delivered again; an item may be delivered more than once before it is
 * acknowledged, so processing should be idempotent.
 *
 * @param <E> element type
 */
public interface SharedReliableQueue<E> extends SharedQueue<E> {
    /** Takes the head as a delivery, waiting for one. */
    Delivery<E> takeDelivery() throws InterruptedException;

    /** Takes the head as a delivery, waiting up to the timeout; null if none came. */
    Delivery<E> pollDelivery(long timeout, TimeUnit unit) throws InterruptedException;

    /** How many deliveries are out, unacknowledged. */
    int inFlight();

    /** How long a delivery may stay unacknowledged before it returns to the queue, in milliseconds. */
    long visibilityTimeoutMillis();
}
