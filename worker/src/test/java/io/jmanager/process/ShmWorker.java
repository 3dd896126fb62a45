package io.jmanager.process;

import static io.jmanager.process.ShmWorkers.STEP_TIMEOUT_MILLIS;
import static io.jmanager.process.ShmWorkers.awaitAtLeast;
import static io.jmanager.process.ShmWorkers.say;

import io.jmanager.SharedCondition;
import io.jmanager.SharedLock;
import io.jmanager.SharedReentrantLock;
import io.jmanager.shm.Locking;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.OwnerDiedException;
import io.jmanager.shm.SharedMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The shared-memory workers of the process tests: {@code ShmWorker DIRECTORY AREA MODE ...}. The parent creates
 * the area and its objects; a worker opens them by name. Lines a worker prints are what the parent waits for
 * ({@link WorkerProcess#awaitLine}) and asserts; a worker that finds something wrong throws, so it exits with 1.
 */
public final class ShmWorker {
    private ShmWorker() {
    }

    public static void main(String[] args) {
        ShmWorkers.run(args, (shm, a) -> {
            String mode = a[2];
            switch (mode) {
                case "count-locked" -> countLocked(shm, Integer.parseInt(a[3]), Integer.parseInt(a[4]));
                case "count-atomic" -> countAtomic(shm, Integer.parseInt(a[3]), Integer.parseInt(a[4]));
                case "count-rlock" -> countRlock(shm, Integer.parseInt(a[3]), Integer.parseInt(a[4]),
                        Integer.parseInt(a[5]));
                case "hold" -> hold(shm, a[3]);
                case "hold-half" -> holdHalf(shm, Long.parseLong(a[3]));
                case "hold-value" -> holdValue(shm);
                case "recover" -> recover(shm, Integer.parseInt(a[3]));
                case "foreign" -> foreign(shm, Long.parseLong(a[3]));
                case "fence" -> fence(shm, Integer.parseInt(a[3]), Integer.parseInt(a[4]));
                case "await" -> awaitSignal(shm);
                case "signal" -> signal(shm);
                case "close-holding" -> closeHolding(shm, a[0], a[3]);
                default -> throw new IllegalArgumentException("unknown mode '" + mode + "'");
            }
        });
    }

    // ---- exact totals under concurrency ----

    /** {@code iterations} times {@code lock(); count = count + 1; unlock()} with lock {@code L}. */
    static void countLocked(SharedMemory shm, int iterations, int parties) throws Exception {
        SharedLock lock = shm.lock("L");
        MappedValue<Integer> count = shm.value("count", 'i', 0, Locking.with(lock));
        long started = ShmWorkers.startTogether(shm, "start", parties);
        for (int i = 0; i < iterations; i++) {
            lock.lock();
            try {
                count.set(count.get() + 1);
            } finally {
                lock.unlock();
            }
        }
        long finished = System.nanoTime();
        say("started " + started);
        say("finished " + finished);
    }

    /** {@code iterations} times {@code addAndGet(1)} on the unsynchronized value {@code atomic}. */
    static void countAtomic(SharedMemory shm, int iterations, int parties) throws Exception {
        MappedValue<Integer> count = shm.value("atomic", 'i', 0, Locking.NONE);
        long started = ShmWorkers.startTogether(shm, "start", parties);
        for (int i = 0; i < iterations; i++) {
            count.addAndGet(1);
        }
        long finished = System.nanoTime();
        say("started " + started);
        say("finished " + finished);
    }

    /**
     * {@code threads} threads, each {@code iterations} times: the value's own reentrant lock taken twice,
     * {@code count = count + 1} (whose own operations find the lock held and do not take it again), released twice.
     */
    static void countRlock(SharedMemory shm, int threads, int iterations, int parties) throws Exception {
        MappedValue<Integer> count = shm.value("rcount", 'i', 0);
        SharedReentrantLock lock = (SharedReentrantLock) count.getLock();
        long started = ShmWorkers.startTogether(shm, "start", parties);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            Thread worker = new Thread(() -> {
                try {
                    go.await();
                    for (int i = 0; i < iterations; i++) {
                        lock.lock();
                        try {
                            lock.lock();
                            try {
                                if (lock.getHoldCount() != 2) {
                                    throw new AssertionError("hold count " + lock.getHoldCount() + ", not 2");
                                }
                                count.set(count.get() + 1);
                            } finally {
                                lock.unlock();
                            }
                        } finally {
                            lock.unlock();
                        }
                    }
                    if (lock.isHeldByCurrentThread() || lock.getHoldCount() != 0) {
                        throw new AssertionError("still held after as many unlocks as locks");
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }, "counter-" + t);
            worker.start();
            workers.add(worker);
        }
        go.countDown();
        for (Thread worker : workers) {
            worker.join(STEP_TIMEOUT_MILLIS);
            if (worker.isAlive()) {
                throw new IllegalStateException(worker.getName() + " did not finish in " + STEP_TIMEOUT_MILLIS + " ms");
            }
        }
        if (failure.get() != null) {
            throw new AssertionError("a counting thread failed", failure.get());
        }
        long finished = System.nanoTime();
        say("started " + started);
        say("finished " + finished);
    }

    // ---- holders ----

    /** Waits (bounded) until the parent sets the lock-free value {@code name} to at least {@code target}. */
    static void awaitParent(SharedMemory shm, String name, long target) throws Exception {
        MappedValue<Integer> step = shm.value(name, 'i', 0, Locking.NONE);
        awaitAtLeast("'" + name + "'", step::get, target, STEP_TIMEOUT_MILLIS);
    }

    /**
     * Takes lock {@code lockName}, prints {@code token <token>} and {@code holding}, waits until the parent sets
     * {@code release}, unlocks and prints {@code released}. The parent may stop it, or kill it, on the way.
     */
    static void hold(SharedMemory shm, String lockName) throws Exception {
        SharedLock lock = shm.lock(lockName);
        long token = lock.lockAndGetToken();
        say("token " + token);
        say("holding");
        awaitParent(shm, "release", 1);
        if (!lock.isHeldByCurrentThread()) {
            throw new AssertionError("the lock was taken from this live (or stopped) holder");
        }
        lock.unlock();
        say("released");
    }

    /**
     * The critical section of round {@code round}, cut short: takes {@code L}, writes {@code a = round} of the pair
     * {@code a, b} (which are equal outside the lock) and, before writing {@code b}, prints {@code token <token>}
     * and {@code holding} and waits for a SIGKILL. Never returns normally.
     */
    static void holdHalf(SharedMemory shm, long round) throws Exception {
        SharedLock lock = shm.lock("L");
        MappedValue<Long> a = shm.value("a", 'q', 0L, Locking.with(lock));
        MappedValue<Long> b = shm.value("b", 'q', 0L, Locking.with(lock));
        long token = lock.lockAndGetToken();
        if (!a.get().equals(b.get())) {
            throw new AssertionError("the pair was left unequal: a " + a.get() + ", b " + b.get());
        }
        a.set(round);
        say("token " + token);
        say("holding");
        awaitParent(shm, "release", 1);
        throw new IllegalStateException("released: this holder should have been killed");
    }

    /** Takes the own lock of value {@code v}, sets it to 2 (half of a compound update), prints {@code holding}. */
    static void holdValue(SharedMemory shm) throws Exception {
        MappedValue<Integer> v = shm.value("v", 'i', 0);
        v.getLock().lock();
        v.set(2);
        say("holding");
        awaitParent(shm, "release", 1);
        throw new IllegalStateException("released: this holder should have been killed");
    }

    /**
     * The waiter of the kill rounds: for each round {@code i}, waits until the parent says that round {@code i}'s
     * holder holds {@code L} ({@code round >= i}), prints {@code waiting i}, and locks. The holder is killed while
     * it waits, so the lock must come with {@link OwnerDiedException}; it repairs the pair, prints
     * {@code grant i <dead pid> <nanoTime of the grant> <token>} and {@code recovered i}, and unlocks.
     */
    static void recover(SharedMemory shm, int rounds) throws Exception {
        SharedLock lock = shm.lock("L");
        MappedValue<Long> a = shm.value("a", 'q', 0L, Locking.with(lock));
        MappedValue<Long> b = shm.value("b", 'q', 0L, Locking.with(lock));
        for (int i = 1; i <= rounds; i++) {
            awaitParent(shm, "round", i);
            say("waiting " + i);
            OwnerDiedException died = null;
            try {
                lock.lock();
            } catch (OwnerDiedException e) {
                died = e;
            }
            long granted = System.nanoTime();
            if (died == null) {
                lock.unlock();
                throw new AssertionError("round " + i + ": lock() succeeded without OwnerDiedException");
            }
            try {
                if (!lock.isHeldByCurrentThread() || lock.getHoldCount() != 1) {
                    throw new AssertionError("round " + i + ": OwnerDiedException without the lock held");
                }
                if (a.get() != i || b.get() != i - 1) {
                    throw new AssertionError("round " + i + ": the dead holder's half update should be a " + i
                            + ", b " + (i - 1) + ", is a " + a.get() + ", b " + b.get());
                }
                b.set(a.get()); // the repair: complete the dead holder's update
                say("grant " + i + " " + died.previousOwnerPid() + " " + granted + " " + died.token());
                say("recovered " + i);
            } finally {
                lock.unlock();
            }
        }
    }

    // ---- lock semantics while the parent holds the lock ----

    /**
     * Run while the parent holds lock {@code L}: this process's {@code unlock()} is refused, {@code tryLock()} fails,
     * and {@code tryLock(timeoutMillis)} times out: prints what it found, {@code tryLock(timeout) false} and
     * {@code waited <ms>}.
     */
    static void foreign(SharedMemory shm, long timeoutMillis) throws Exception {
        SharedLock lock = shm.lock("L");
        say("locked " + lock.isLocked() + " mine " + lock.isHeldByCurrentThread() + " holds " + lock.getHoldCount());
        try {
            lock.unlock();
            say("unlock accepted");
        } catch (IllegalMonitorStateException refused) {
            say("unlock refused");
        }
        say("tryLock " + lock.tryLock());
        long start = System.nanoTime();
        boolean got = lock.tryLock(timeoutMillis, TimeUnit.MILLISECONDS);
        long waited = (System.nanoTime() - start) / 1_000_000;
        say("tryLock(timeout) " + got);
        say("waited " + waited);
        say("still locked " + lock.isLocked());
    }

    /**
     * {@code grants} grants of lock {@code F}, every other one through {@code tryLockAndGetToken}: each token must
     * be the previous grant's (whichever process had it, read from {@code last} under the lock) plus one.
     */
    static void fence(SharedMemory shm, int grants, int parties) throws Exception {
        SharedLock lock = shm.lock("F");
        MappedValue<Long> last = shm.value("last", 'q', 0L, Locking.with(lock));
        ShmWorkers.startTogether(shm, "start", parties);
        long previousMine = 0;
        for (int i = 0; i < grants; i++) {
            long token = i % 2 == 0 ? lock.lockAndGetToken()
                    : lock.tryLockAndGetToken(STEP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            try {
                if (token == 0) {
                    throw new AssertionError("no grant within " + STEP_TIMEOUT_MILLIS + " ms");
                }
                long before = last.get();
                if (token != before + 1 || token <= previousMine || lock.currentToken() != token) {
                    throw new AssertionError("grant " + i + ": token " + token + " after the last grant's " + before
                            + " (this process's last " + previousMine + ", currentToken " + lock.currentToken()
                            + ")");
                }
                last.set(token);
                previousMine = token;
            } finally {
                lock.unlock();
            }
        }
        say("grants " + grants + " last " + previousMine);
    }

    /**
     * Holds {@code C}, prints {@code waiting} and awaits its condition (which releases {@code C}); prints
     * {@code woken <signalled before the timeout> flag <flag> holding <whether it holds C again>} and
     * {@code waited <ms>}.
     */
    static void awaitSignal(SharedMemory shm) throws Exception {
        SharedLock lock = shm.lock("C");
        MappedValue<Integer> flag = shm.value("flag", 'i', 0, Locking.with(lock));
        SharedCondition condition = lock.newCondition();
        lock.lock();
        try {
            say("waiting");
            long start = System.nanoTime();
            boolean signalled = condition.await(STEP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            long waited = (System.nanoTime() - start) / 1_000_000;
            say("woken " + signalled + " flag " + flag.get() + " holding " + lock.isHeldByCurrentThread());
            say("waited " + waited);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Takes {@code C} (free only once the parent awaits its condition), sets {@code flag} to 1, signals and prints
     * {@code at <nanoTime of the signal>} and {@code signalled}.
     */
    static void signal(SharedMemory shm) throws Exception {
        SharedLock lock = shm.lock("C");
        MappedValue<Integer> flag = shm.value("flag", 'i', 0, Locking.with(lock));
        lock.lock();
        try {
            flag.set(1);
            long at = System.nanoTime();
            lock.newCondition().signal();
            say("at " + at);
            say("signalled");
        } finally {
            lock.unlock();
        }
    }

    // ---- closing ----

    /**
     * Opens a second handle of the area, takes {@code L} and writes {@code a = 1} (half of an update), then closes
     * its handles one by one while holding {@code L}: prints {@code closed one}, waits until the parent sets
     * {@code step} (read through the second handle), closes that one too and prints {@code closed all}. It then
     * stays alive until the parent sets {@code done} in the area {@code controlArea}, and prints {@code done}.
     */
    static void closeHolding(SharedMemory shm, String directory, String controlArea) throws Exception {
        try (SharedMemory control = SharedMemory.openExisting(controlArea, ShmWorkers.options(directory))) {
            SharedMemory second = SharedMemory.openExisting(shm.name(), ShmWorkers.options(directory));
            SharedLock lock = shm.lock("L");
            MappedValue<Long> a = shm.value("a", 'q', 0L, Locking.with(lock));
            lock.lock();
            a.set(1L);
            say("token " + lock.currentToken());
            say("holding");
            shm.close();
            say("closed one");
            awaitParent(second, "step", 1);
            second.close();
            say("closed all");
            awaitParent(control, "done", 1);
            say("done");
        }
    }
}
