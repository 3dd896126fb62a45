package io.jmanager;

import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A shared barrier, Python's {@code manager.Barrier(parties)}: {@link #await()} returns when {@code parties}
 * workers have arrived; each gets its arrival index {@code 0..parties-1}. A waiter that times out or is interrupted,
 * {@link #abort()}, {@link #reset()} or the death of a waiting worker breaks the barrier: every other waiter gets
 * {@link BrokenBarrierException} until it is reset.
 */
public interface SharedBarrier extends SharedObject {
    /** Waits for all parties; returns this arrival's index (0 for the first to arrive). */
    int await() throws InterruptedException, BrokenBarrierException;

    /** Like {@link #await()}; on timeout breaks the barrier and throws {@link TimeoutException}. */
    int await(long timeout, TimeUnit unit) throws InterruptedException, BrokenBarrierException, TimeoutException;

    void abort();

    void reset();

    boolean isBroken();

    int getParties();

    int getNumberWaiting();
}
