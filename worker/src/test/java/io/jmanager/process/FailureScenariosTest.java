package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.Delivery;
import io.jmanager.Manager;
import io.jmanager.RegistryUnavailableException;
import io.jmanager.SessionExpiredException;
import io.jmanager.SharedBarrier;
import io.jmanager.SharedDict;
import io.jmanager.SharedLock;
import io.jmanager.SharedReentrantLock;
import io.jmanager.SharedReliableQueue;
import io.jmanager.SharedSemaphore;
import io.jmanager.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Workers die, freeze and lose their registry: real worker JVMs killed with SIGKILL or frozen with SIGSTOP while
 * they hold or wait for something, against a registry process with a 2 s lease. Each scenario bounds its wait by
 * "lease + 2 s"; a dead worker's session actually ends at once, when its liveness connection closes.
 */
@Timeout(300)
class FailureScenariosTest {
    static final long LEASE_MILLIS = 2_000;
    /** Scenarios 1 and 3 repeat this often (the {@code failure-soak} Maven profile raises it to 100). */
    static final int LOOPS = Integer.getInteger("jmanager.test.killLoops", 5);
    static final long GRANT_BOUND_MILLIS = Timing.millis(LEASE_MILLIS + 2_000);
    static final Duration START = Duration.ofMillis(Timing.millis(20_000));
    static final AtomicInteger NAMES = new AtomicInteger();

    static RegistryProcess registry;
    static Manager m;

    @BeforeAll
    static void start() {
        registry = RegistryProcess.start("--lease", Long.toString(LEASE_MILLIS));
        m = registry.connect();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    static String name(String prefix) {
        return "failure-" + prefix + "-" + NAMES.incrementAndGet();
    }

    static WorkerProcess worker(String mode, String name, Object... more) {
        List<Object> args = new ArrayList<>(List.of(registry.url(), mode, name));
        args.addAll(List.of(more));
        return WorkerProcess.start(FailureWorker.class, args.toArray());
    }

    static long tokenOf(WorkerProcess w) {
        for (String line : w.stdout()) {
            if (line.startsWith("token ")) {
                return Long.parseLong(line.substring(6));
            }
        }
        throw new AssertionError("worker printed no token: " + w.stdout());
    }

    static void signal(WorkerProcess w, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(w.pid())).inheritIO().start();
        assertTrue(kill.waitFor(10, TimeUnit.SECONDS) && kill.exitValue() == 0, "kill -" + signal + " failed");
    }

    /** Scenario 1, once: returns the milliseconds from the kill to the next grant. */
    static long killHolderAndTakeOver(SharedLock lock, String lockName) throws Exception {
        try (WorkerProcess holder = worker("hold-lock", lockName)) {
            holder.awaitLine("holding", START);
            long workerToken = tokenOf(holder);
            assertFalse(lock.tryLock(), "the worker holds the lock");
            long killed = System.nanoTime();
            holder.kill();
            long token = lock.tryLockAndGetToken(GRANT_BOUND_MILLIS, TimeUnit.MILLISECONDS);
            long tookMillis = (System.nanoTime() - killed) / 1_000_000;
            assertTrue(token > 0, "no grant within lease + 2 s of the holder's SIGKILL");
            assertTrue(token > workerToken, "the new grant's token " + token + " must exceed the dead holder's "
                    + workerToken);
            lock.unlock();
            return tookMillis;
        }
    }

    @Test
    void scenario1_holderKilledWhileHoldingALock_repeatedWithTimings() throws Exception {
        String lockName = name("lock");
        SharedLock lock = m.lock(lockName);
        int kills = Math.max(20, LOOPS);
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < kills; i++) {
            millis.add(killHolderAndTakeOver(lock, lockName));
        }
        Collections.sort(millis);
        System.out.printf("kill -> next grant over %d kills (lease %d ms): median %d ms, max %d ms%n", kills,
                LEASE_MILLIS, millis.get(millis.size() / 2), millis.get(millis.size() - 1));
    }

    @Test
    void scenario2_rlockHeldThreeTimesIsFullyReleasedAndNeverInherited() throws Exception {
        String lockName = name("rlock");
        SharedReentrantLock lock = m.rlock(lockName);
        try (WorkerProcess holder = worker("hold-rlock", lockName)) {
            holder.awaitLine("holding", START);
            assertTrue(holder.stdout().contains("holds 3"));
            holder.kill();
        }
        try (Manager fresh = registry.connect()) {
            SharedReentrantLock freshLock = fresh.rlock(lockName);
            assertFalse(freshLock.isHeldByCurrentThread(), "a fresh client must not inherit a dead client's rlock");
            assertEquals(0, freshLock.getHoldCount());
            assertTrue(freshLock.tryLock(GRANT_BOUND_MILLIS, TimeUnit.MILLISECONDS), "fully released");
            assertEquals(1, freshLock.getHoldCount(), "one hold, not the dead client's three plus one");
            freshLock.unlock();
            assertFalse(freshLock.isLocked());
        }
        assertTrue(lock.tryLock());
        lock.unlock();
    }

    /** Scenario 3, once: a waiter killed in lock(); the holder unlocks; a third client gets it at once. */
    static void killWaiterThenUnlock(SharedLock holderLock, SharedLock thirdLock, String lockName) throws Exception {
        holderLock.lock();
        try (WorkerProcess waiter = worker("wait-lock", lockName)) {
            waiter.awaitLine("waiting", START);
            awaitWaiters(lockName, 1);
            waiter.kill();
        }
        holderLock.unlock();
        long start = System.nanoTime();
        assertTrue(thirdLock.tryLock(Timing.millis(1_000), TimeUnit.MILLISECONDS),
                "the killed waiter took the lock after its death (ghost acquire)");
        long took = (System.nanoTime() - start) / 1_000_000;
        assertTrue(took < Timing.millis(1_000), "took " + took + " ms");
        thirdLock.unlock();
    }

    /** Waits (bounded) until the registry shows {@code n} waiters on the lock. */
    static void awaitWaiters(String lockName, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(10_000));
        while (System.nanoTime() < deadline) {
            boolean enough = m.locks().stream().anyMatch(l -> l.name().equals(lockName) && l.waiters().size() >= n);
            if (enough) {
                return;
            }
            Thread.sleep(10); // polling the registry's view: there is no event for "a waiter arrived"
        }
        fail("lock '" + lockName + "' never showed " + n + " waiter(s): " + m.locks());
    }

    @Test
    void scenario3_waiterKilledWhileBlockedNeverBecomesAGhostHolder_repeated() throws Exception {
        String lockName = name("ghost");
        SharedLock holderLock = m.lock(lockName);
        try (Manager third = registry.connect()) {
            SharedLock thirdLock = third.lock(lockName);
            for (int i = 0; i < LOOPS; i++) {
                killWaiterThenUnlock(holderLock, thirdLock, lockName);
            }
        }
    }

    @Test
    void scenario4_barrierPartyKilledWhileWaitingBreaksTheBarrierForTheOthers() throws Exception {
        String barrierName = name("barrier");
        // four parties, three of which wait: the barrier cannot trip, only break
        SharedBarrier barrier = m.barrier(barrierName, 4);
        try (Manager other = registry.connect(); WorkerProcess party = worker("barrier", barrierName, 4)) {
            party.awaitLine("waiting", START);
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
            CompletableFuture<Object> mine = CompletableFuture.supplyAsync(() -> outcome(barrier), pool);
            CompletableFuture<Object> others = CompletableFuture.supplyAsync(
                    () -> outcome(other.barrier(barrierName, 4)), pool);
            pool.shutdown();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(10_000));
            while (barrier.getNumberWaiting() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10); // polling the registry's view until all three wait
            }
            assertEquals(3, barrier.getNumberWaiting(), () -> "broken " + barrier.isBroken() + ", mine " + mine
                    + ", others " + others + ", party " + party.stdout() + party.stderr());
            long killed = System.nanoTime();
            party.kill();
            assertEquals(BrokenBarrierException.class, mine.get(GRANT_BOUND_MILLIS, TimeUnit.MILLISECONDS));
            assertEquals(BrokenBarrierException.class, others.get(GRANT_BOUND_MILLIS, TimeUnit.MILLISECONDS));
            System.out.printf("barrier party kill -> BrokenBarrierException: %d ms%n",
                    (System.nanoTime() - killed) / 1_000_000);
        }
    }

    static Object outcome(SharedBarrier barrier) {
        try {
            return barrier.await(Timing.millis(30_000), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            return e.getClass();
        }
    }

    @Test
    void scenario5_semaphorePermitsHeldByAKilledWorkerComeBack() throws Exception {
        String semName = name("sem");
        SharedSemaphore sem = m.semaphore(semName, 3);
        try (WorkerProcess holder = worker("hold-permits", semName, 3)) {
            holder.awaitLine("holding", START);
            assertEquals(0, sem.availablePermits());
            holder.kill();
        }
        assertTrue(sem.tryAcquire(3, GRANT_BOUND_MILLIS, TimeUnit.MILLISECONDS), "the dead worker's permits");
        sem.release(3);
    }

    @Test
    void scenario6_consumerKilledWithAnUnacknowledgedItemLosesNothing() throws Exception {
        String queueName = name("reliable");
        SharedReliableQueue<String> q = m.reliableQueue(queueName, 0, Duration.ofMinutes(10));
        for (int i = 0; i < 5; i++) {
            q.put("task-" + i);
        }
        String taken;
        try (WorkerProcess consumer = worker("consume", queueName)) {
            consumer.awaitLine("took task-0", START);
            taken = "task-0";
            assertEquals(4, q.size());
            assertEquals(1, q.inFlight());
            consumer.kill();
        }
        Set<String> processed = new HashSet<>();
        try (Manager other = registry.connect()) {
            SharedReliableQueue<String> q2 = other.reliableQueue(queueName, 0, Duration.ofMinutes(10));
            for (int i = 0; i < 5; i++) {
                Delivery<String> d = q2.pollDelivery(GRANT_BOUND_MILLIS, TimeUnit.MILLISECONDS);
                assertTrue(d != null, "an item was lost: got only " + processed);
                assertTrue(processed.add(d.value()), "delivered twice after acknowledgement: " + d.value());
                d.ack();
            }
            assertTrue(processed.contains(taken), "the killed consumer's item came back");
            assertEquals(Set.of("task-0", "task-1", "task-2", "task-3", "task-4"), processed);
            assertEquals(null, q2.pollDelivery(Timing.millis(300), TimeUnit.MILLISECONDS), "nothing twice");
            assertEquals(0, q2.inFlight());
        }
    }

    @Test
    void scenario7_workerFrozenPastItsLeaseLearnsOnItsNextCallAndCannotHarmTheNewHolder() throws Exception {
        String lockName = name("frozen");
        SharedLock lock = m.lock(lockName);
        SharedDict<String, String> data = m.dict(lockName + "-data");
        try (WorkerProcess frozen = worker("freeze", lockName)) {
            frozen.awaitLine("holding", START);
            long staleToken = tokenOf(frozen);
            signal(frozen, "STOP");
            long stopped = System.nanoTime();
            try {
                long token = lock.tryLockAndGetToken(GRANT_BOUND_MILLIS, TimeUnit.MILLISECONDS);
                System.out.printf("SIGSTOP -> next grant (lease %d ms): %d ms%n", LEASE_MILLIS,
                        (System.nanoTime() - stopped) / 1_000_000);
                assertTrue(token > staleToken, "the lock must pass to a new holder after the frozen one's lease");
                data.putFenced("owner", "new-holder", lock, token);
            } finally {
                signal(frozen, "CONT");
            }
            m.event(lockName + "-go").set();
            List<String> out = frozen.awaitSuccess(START);
            assertTrue(out.contains("await: SessionExpiredException"), "its next call: " + out);
            assertTrue(out.contains("unlock: SessionExpiredException"), "its unlock(): " + out);
            assertTrue(out.contains("fenced: StaleTokenException"), "its fenced write: " + out);
            assertTrue(out.contains("held: false"), out.toString());
        }
        assertTrue(lock.isHeldByCurrentThread(), "the new holder is unaffected");
        assertEquals("new-holder", data.get("owner"), "the stale holder's fenced write was refused");
        lock.unlock();
    }

    /** What an asynchronous put ended with: its value, or its exception's class. */
    private static String asyncOutcome(SharedDict<String, Integer> d, String key, int value) {
        try {
            return "value " + d.putAsync(key, value).get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            return e.getCause().getClass().getSimpleName();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A scenario across a registry killed (SIGKILL) and started again on the same port. */
    private interface RestartScenario {
        /**
         * @param kill    kills the registry process
         * @param restart starts a new registry process on its port (after {@code kill})
         */
        void run(Manager worker, Runnable kill, Runnable restart) throws Exception;
    }

    /** Runs {@code scenario} with a registry process and a worker connected to it; closes both registries. */
    private static void acrossARestart(RestartScenario scenario) throws Exception {
        RegistryProcess first = RegistryProcess.start("--lease", Long.toString(LEASE_MILLIS));
        RegistryProcess[] second = new RegistryProcess[1];
        Manager worker = Manager.connect(first.url());
        try {
            scenario.run(worker, first::kill,
                    () -> second[0] = RegistryProcess.startOn(first.port(), "--lease", Long.toString(LEASE_MILLIS)));
        } finally {
            worker.close();
            first.close();
            if (second[0] != null) {
                second[0].close();
            }
        }
    }

    /**
     * Asynchronous operations across a registry killed and restarted on the same port behave as synchronous ones:
     * unavailable during the outage, the session found lost once, then the worker goes on with the object made
     * again on the restarted registry (which kept nothing), without a synchronous call first.
     */
    @Test
    void scenario8b_asynchronousOperationsAcrossARegistryKilledAndRestarted() throws Exception {
        acrossARestart((worker, kill, restart) -> {
            SharedDict<String, Integer> d = worker.dict("async-counts");
            assertEquals("value null", asyncOutcome(d, "a", 1));
            assertEquals("value 1", asyncOutcome(d, "a", 2));
            kill.run();
            assertEquals("RegistryUnavailableException", asyncOutcome(d, "a", 3));
            restart.run();
            assertEquals("SessionExpiredException", asyncOutcome(d, "a", 4));
            assertEquals("value null", asyncOutcome(d, "a", 5), "the restarted registry kept nothing");
            assertEquals("value 5", asyncOutcome(d, "a", 6), "and the worker goes on");
            assertEquals(6, d.get("a"));
        });
    }

    @Test
    void scenario8_registryKilledAndRestartedOnTheSamePort() throws Exception {
        acrossARestart((worker, kill, restart) -> {
            SharedDict<String, Integer> d = worker.dict("counts");
            d.put("a", 1);
            SharedLock lock = worker.lock("restart-lock");
            lock.lock();
            long oldSession = worker.sessionId();
            kill.run();
            assertThrows(RegistryUnavailableException.class, () -> d.get("a"),
                    "calls during the outage fail clearly after bounded retries");
            restart.run();
            SessionExpiredException lost = assertThrows(SessionExpiredException.class, () -> d.get("a"));
            assertTrue(lost.getMessage().contains("restarted"), lost.getMessage());
            assertTrue(worker.sessionId() != oldSession || worker.registryEpoch() != 0);
            assertEquals(null, d.get("a"), "the restarted registry kept nothing in memory");
            d.put("a", 2);
            assertEquals(2, d.get("a"), "the worker goes on without being restarted");
            assertThrows(SessionExpiredException.class, lock::unlock, "the lock held before the restart is lost");
            assertTrue(lock.tryLock(), "and can be taken again in the new session");
            lock.unlock();
        });
    }
}
