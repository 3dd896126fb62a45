package io.jmanager.bench.storage;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Group commit: writers take a ticket after their write is in the engine's memory (or hand their
 * write to the committer), then wait until a committer thread has committed (and, for durable runs,
 * fsynced) everything up to a ticket at least as large as theirs. One commit serves every writer that
 * arrived while the previous commit was running.
 *
 * <p>Correctness rule: a writer's ticket is taken after its write is visible to the engine, and the
 * committer reads the highest ticket before it starts the commit, so a commit covers every ticket it
 * releases.
 */
final class GroupCommitter<E> implements AutoCloseable {

    /** Commits a batch (the entries handed over with {@link #submit}; empty where writers wrote themselves). */
    interface Flush<E> {
        void flush(List<E> batch) throws Exception;
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Condition done = lock.newCondition();
    private final ArrayList<E> pending = new ArrayList<>();
    private final Flush<E> flush;
    private final Thread thread;
    private long issued;
    private long released;
    private long commits;
    private boolean closed;
    private Throwable failure;

    GroupCommitter(String name, Flush<E> flush) {
        this.flush = flush;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Hands over an entry (or null) and returns once a commit covering it has completed. */
    void submit(E entry) throws InterruptedException {
        lock.lock();
        try {
            checkFailure();
            if (closed) {
                throw new IllegalStateException("closed");
            }
            long ticket = ++issued;
            if (entry != null) {
                pending.add(entry);
            }
            work.signal();
            while (released < ticket) {
                checkFailure();
                done.await();
            }
        } finally {
            lock.unlock();
        }
    }

    long commits() {
        lock.lock();
        try {
            return commits;
        } finally {
            lock.unlock();
        }
    }

    private void checkFailure() {
        if (failure != null) {
            throw new IllegalStateException("committer failed", failure);
        }
    }

    private void run() {
        ArrayList<E> batch = new ArrayList<>();
        try {
            while (true) {
                long target;
                lock.lock();
                try {
                    while (issued == released && !closed) {
                        work.await();
                    }
                    if (issued == released) {
                        return;
                    }
                    target = issued;
                    batch.addAll(pending);
                    pending.clear();
                } finally {
                    lock.unlock();
                }
                flush.flush(batch);
                batch.clear();
                lock.lock();
                try {
                    released = target;
                    commits++;
                    done.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (Throwable t) {
            lock.lock();
            try {
                failure = t;
                done.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Commits what is pending, then stops the committer thread. */
    @Override
    public void close() throws InterruptedException {
        lock.lock();
        try {
            closed = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        thread.join();
        lock.lock();
        try {
            if (failure != null) {
                throw new IllegalStateException("committer failed", failure);
            }
        } finally {
            lock.unlock();
        }
    }
}
