package io.jmanager.it.containers;

import io.jmanager.SharedLock;

/**
 * {@code LockWaiter URL LOCK TIMEOUT_MS HOLD_MS}: checks that someone else holds LOCK, prints {@code waiting},
 * then waits up to TIMEOUT_MS for it. Prints {@code acquired-at <epoch ms>}, holds it HOLD_MS, prints
 * {@code released-at <epoch ms>} just before unlocking. Fails if the lock was free at first or did not come in time.
 * (Epoch milliseconds: containers share the host's clock, so the test compares them with its own.)
 */
public final class LockWaiter {
    public static void main(String[] args) {
        Job.run(args, (m, a) -> {
            SharedLock lock = m.lock(a[1]);
            long timeout = Long.parseLong(a[2]);
            long hold = Long.parseLong(a[3]);
            if (lock.tryLock()) {
                throw new IllegalStateException(a[1] + " was free: the holder should have it");
            }
            Job.say("waiting for " + a[1]);
            if (!lock.tryLock(timeout, Job.MS)) {
                throw new IllegalStateException("did not get " + a[1] + " within " + timeout + " ms");
            }
            Job.say("acquired-at " + System.currentTimeMillis());
            Job.sleep(hold);
            Job.say("released-at " + System.currentTimeMillis());
            lock.unlock();
        });
    }
}
