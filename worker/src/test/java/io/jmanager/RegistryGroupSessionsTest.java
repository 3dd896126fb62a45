package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteLock;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sessions, locks and waits of a registry group across leader changes (docs/group.md): a worker that reaches the
 * new leader within its lease goes on in the same session with its locks, a blocked {@code lock()} or
 * {@code await()} gets its grant from the new leader exactly once, fencing tokens keep increasing, and a worker
 * that stays away longer than its lease loses its session and its locks, released by the new leader no earlier than
 * one full lease after it began to serve.
 */
class RegistryGroupSessionsTest {
    /** The registry's default lease: long enough for an election on a loaded 2-CPU machine. */
    private static final long LEASE_MILLIS = Timing.millis(4000);

    @TempDir
    Path tmp;

    /**
     * Three workers increment a dict entry under one lock (read, then an idempotent put retried until acknowledged,
     * both while holding it) through two leader changes: the total is exact (no two holders overlapped, no
     * acknowledged write was lost) and the fencing tokens, recorded by each holder in grant order, strictly increase.
     */
    @Test
    void lockProtectedIncrementsStayExactAcrossLeaderChanges() throws Exception {
        int workers = 3;
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS)) {
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicLong increments = new java.util.concurrent.atomic.AtomicLong();
            List<Long> tokens = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
            List<CompletableFuture<Void>> running = new java.util.ArrayList<>();
            java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(workers);
            try {
                for (int w = 0; w < workers; w++) {
                    running.add(CompletableFuture.runAsync(() -> {
                        try (Manager m = Manager.connect(group.urls)) {
                            SharedLock lock = m.lock("counter-lock");
                            SharedDict<String, Long> d = m.dict("counter");
                            while (!stop.get()) {
                                tokens.add(lock.lockAndGetToken());
                                Long before = eventually(() -> d.get("n"));
                                long next = (before == null ? 0 : before) + 1;
                                eventually(() -> d.put("n", next)); // idempotent: retried until acknowledged
                                increments.incrementAndGet();
                                unlockThroughLeaderChanges(lock);
                            }
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }, threads));
                }
                for (int change = 0; change < 2; change++) {
                    awaitCount(increments, increments.get() + 20);
                    group.failOver();
                }
                awaitCount(increments, increments.get() + 20);
                stop.set(true);
                for (CompletableFuture<Void> r : running) {
                    r.get(Timing.millis(60_000), TimeUnit.MILLISECONDS);
                }
            } finally {
                stop.set(true);
                threads.shutdownNow();
            }
            try (Manager check = Manager.connect(group.urls)) {
                assertEquals(increments.get(), (long) check.<String, Long>dict("counter").get("n"),
                        "every increment made under the lock counted once");
            }
            List<Long> granted = List.copyOf(tokens);
            for (int i = 1; i < granted.size(); i++) {
                assertTrue(granted.get(i) > granted.get(i - 1), "token " + granted.get(i) + " granted after "
                        + granted.get(i - 1));
            }
        }
    }

    /** Waits (bounded) until {@code count} reaches {@code target}: the load runs (polling a counter). */
    private static void awaitCount(java.util.concurrent.atomic.AtomicLong count, long target)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(60_000));
        while (count.get() < target) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the workers made no progress: " + count.get() + " of " + target);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aLockStaysItsHoldersAcrossThreeLeaderChangesAndTokensKeepIncreasing() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS);
             Manager m = Manager.connect(group.urls);
             Manager other = Manager.connect(group.urls)) {
            SharedLock lock = m.lock("l");
            SharedLock seen = other.lock("l");
            long session = m.sessionId();
            long previous = 0;
            for (int change = 0; change < 3; change++) {
                long token = lock.lockAndGetToken();
                assertTrue(token > previous, "token " + token + " after " + previous);
                previous = token;
                group.failOver();
                assertTrue(eventually(lock::isHeldByCurrentThread), "still held after leader change " + change);
                assertEquals(session, m.sessionId(), "the same session after leader change " + change);
                assertEquals(token, eventually(seen::currentToken), "the other worker sees the holder's token");
                assertFalse(seen.tryLock(), "held by the first worker on the new leader");
                lock.unlock();
                assertFalse(eventually(seen::isLocked), "unlocked on the new leader");
            }
            long after = seen.lockAndGetToken();
            assertTrue(after > previous, "token " + after + " after " + previous);
            seen.unlock();
        }
    }

    @Test
    void aWorkerBlockedInLockGetsItsGrantFromTheNewLeaderExactlyOnce() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS);
             Manager holder = Manager.connect(group.urls);
             Manager waiter = Manager.connect(group.urls)) {
            SharedReentrantLock lock = holder.rlock("r");
            long held = lock.lockAndGetToken();
            SharedReentrantLock waiting = waiter.rlock("r");
            long waiterSession = waiter.sessionId();
            CompletableFuture<long[]> grant = CompletableFuture.supplyAsync(() -> {
                long token = waiting.lockAndGetToken(); // blocks on the old leader, granted by the new one
                long holds = waiting.getHoldCount();
                waiting.unlock(); // by the thread that holds it
                return new long[] {token, holds};
            });
            awaitWaiters(holder, "r");
            group.failOver();
            assertFalse(grant.isDone(), "granted while the holder still held it");
            unlockThroughLeaderChanges(lock);
            long[] got = grant.get(Timing.millis(60_000), TimeUnit.MILLISECONDS);
            assertTrue(got[0] > held, "token " + got[0] + " after " + held);
            assertEquals(1, got[1], "granted exactly once: one hold");
            assertEquals(waiterSession, waiter.sessionId());
            assertFalse(lock.isLocked(), "free after the one hold was released");
        }
    }

    /**
     * The answer of a grant is lost in a leader change after its entry was committed: the worker library sends the
     * same request (session, thread, wait id) to the new leader, which finds the grant instead of giving another.
     */
    @Test
    void aReSentAcquireFindsTheGrantCommittedBeforeTheLeaderChanged() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS);
             Manager m = Manager.connect(group.urls)) {
            SharedReentrantLock proxy = m.rlock("r");
            long session = m.sessionId();
            RemoteLock before = (RemoteLock) m.connection().root().getOrCreate(session, "r",
                    ObjectSpec.of(ObjectType.RLOCK)).stub();
            long token = before.acquire(session, 77, 1234, 0);
            assertTrue(token > 0);
            group.failOver();
            eventually(proxy::isLocked); // the connection follows the new leader
            RemoteLock after = (RemoteLock) m.connection().root().getOrCreate(session, "r",
                    ObjectSpec.of(ObjectType.RLOCK)).stub();
            assertEquals(token, after.acquire(session, 77, 1234, 0), "the committed grant, found again");
            assertEquals(1, after.holdCount(session, 77), "not granted twice");
            assertEquals(token, after.acquire(session, 77, 1235, 0), "a new acquire re-enters");
            assertEquals(2, after.holdCount(session, 77));
            after.release(session, 77);
            after.release(session, 77);
            assertFalse(after.isLocked());
        }
    }

    /**
     * Semaphores: a blocked acquire gets its permit from the new leader, a re-sent acquire whose grant was committed
     * takes nothing more, and the permits a session holds stay its own across the leader change.
     */
    @Test
    void semaphorePermitsAndWaitsSurviveALeaderChangeAndAReSentAcquireTakesNothingMore() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS);
             Manager holder = Manager.connect(group.urls);
             Manager waiter = Manager.connect(group.urls)) {
            SharedSemaphore pool = holder.boundedSemaphore("s", 2);
            long session = holder.sessionId();
            io.jmanager.wire.RemoteSemaphore before = (io.jmanager.wire.RemoteSemaphore) holder.connection().root()
                    .getOrCreate(session, "s", ObjectSpec.sized(ObjectType.BOUNDED_SEMAPHORE, 2)).stub();
            assertTrue(before.acquire(session, 4321, 1, 0));
            pool.acquire();
            SharedSemaphore waiting = waiter.boundedSemaphore("s", 2);
            CompletableFuture<Boolean> grant = CompletableFuture.supplyAsync(() -> {
                try {
                    return waiting.tryAcquire(Timing.millis(60_000), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitWaiters(holder, "s");
            group.failOver();
            assertEquals(0, (int) eventually(pool::availablePermits), "both permits still held");
            io.jmanager.wire.RemoteSemaphore after = (io.jmanager.wire.RemoteSemaphore) holder.connection().root()
                    .getOrCreate(session, "s", ObjectSpec.sized(ObjectType.BOUNDED_SEMAPHORE, 2)).stub();
            assertTrue(after.acquire(session, 4321, 1, 0), "the committed grant, found again");
            assertEquals(0, after.availablePermits(), "a re-sent acquire takes nothing more");
            assertFalse(grant.isDone(), "granted while no permit was free");
            pool.release();
            assertTrue(grant.get(Timing.millis(60_000), TimeUnit.MILLISECONDS));
            assertEquals(0, pool.availablePermits(), "the waiter got exactly one permit");
            pool.release();
            waiting.release();
            assertEquals(2, pool.availablePermits());
            assertEquals(session, holder.sessionId());
        }
    }

    /**
     * Barriers: two parties arrive on the old leader and wait; after the leader change the third arrives on the new
     * one, and the generation trips with each index given once; the next generation works too.
     */
    @Test
    void aBarrierGenerationBegunOnTheOldLeaderTripsOnTheNewOne() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS);
             Manager a = Manager.connect(group.urls);
             Manager b = Manager.connect(group.urls);
             Manager c = Manager.connect(group.urls)) {
            SharedBarrier[] parties = {a.barrier("b", 3), b.barrier("b", 3), c.barrier("b", 3)};
            for (int generation = 0; generation < 2; generation++) {
                List<CompletableFuture<Integer>> early = new java.util.ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    SharedBarrier party = parties[i];
                    early.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return party.await(Timing.millis(60_000), TimeUnit.MILLISECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }));
                }
                awaitWaiters(a, "b", "2/3 waiting");
                group.failOver();
                assertFalse(early.get(0).isDone() || early.get(1).isDone(), "tripped with two of three parties");
                int last = eventually(() -> {
                    try {
                        return parties[2].await(Timing.millis(60_000), TimeUnit.MILLISECONDS);
                    } catch (Exception e) {
                        throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                    }
                });
                java.util.Set<Integer> indexes = new java.util.TreeSet<>();
                indexes.add(last);
                for (CompletableFuture<Integer> f : early) {
                    indexes.add(f.get(Timing.millis(60_000), TimeUnit.MILLISECONDS));
                }
                assertEquals(java.util.Set.of(0, 1, 2), indexes, "generation " + generation);
                assertFalse(parties[0].isBroken());
            }
        }
    }

    /**
     * Plain queues: items put before and after the leader change are each taken once (none lost, none twice), a
     * consumer blocked in {@code take()} on the old leader gets its item from the new one, and a take re-sent with
     * the same wait id gets the item it took instead of another.
     */
    @Test
    void queueItemsAreNeitherLostNorTakenTwiceAcrossALeaderChange() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS);
             Manager producer = Manager.connect(group.urls);
             Manager consumer = Manager.connect(group.urls)) {
            SharedQueue<Integer> out = producer.queue("q");
            SharedQueue<Integer> in = consumer.queue("q");
            for (int i = 0; i < 40; i++) {
                out.put(i);
            }
            List<Integer> taken = new java.util.ArrayList<>();
            for (int i = 0; i < 20; i++) {
                taken.add(in.take());
            }
            long session = consumer.sessionId();
            io.jmanager.wire.RemoteQueue before = (io.jmanager.wire.RemoteQueue) consumer.connection().root()
                    .getOrCreate(session, "q", ObjectSpec.of(ObjectType.QUEUE)).stub();
            byte[] resent = before.poll(session, 987_654, 0);
            Manager empty = Manager.connect(group.urls);
            SharedQueue<Integer> other = empty.queue("other");
            CompletableFuture<Integer> blocked = CompletableFuture.supplyAsync(() -> {
                try {
                    return other.take(); // blocks on the old leader
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitQueueWaiter(group, "other");
            group.failOver();
            io.jmanager.wire.RemoteQueue after = (io.jmanager.wire.RemoteQueue) eventually(() -> consumer.callRoot(
                    "queue 'q'", root -> root.getOrCreate(session, "q", ObjectSpec.of(ObjectType.QUEUE))).stub());
            org.junit.jupiter.api.Assertions.assertArrayEquals(resent, after.poll(session, 987_654, 0),
                    "a re-sent take gets the item it took");
            taken.add((Integer) consumer.decode(resent));
            assertEquals(19, (int) eventually(in::size), "the re-sent take took nothing more");
            for (int i = 40; i < 60; i++) {
                out.put(i);
            }
            while (taken.size() < 60) {
                taken.add(in.take());
            }
            assertEquals(null, in.poll());
            java.util.Collections.sort(taken);
            List<Integer> expected = new java.util.ArrayList<>();
            for (int i = 0; i < 60; i++) {
                expected.add(i);
            }
            assertEquals(expected, taken, "every item taken exactly once");
            assertFalse(blocked.isDone());
            eventually(() -> producer.queue("other").offer(7));
            assertEquals(7, blocked.get(Timing.millis(60_000), TimeUnit.MILLISECONDS));
            assertEquals(0, producer.<Integer>queue("other").size(), "the blocked take took its item once");
            empty.close();
        }
    }

    /**
     * Reliable queues: a delivery taken before the leader change is still out to its session on the new leader,
     * its acknowledgement works there, and it is never delivered again.
     */
    @Test
    void aReliableDeliveryStaysItsSessionsAcrossALeaderChange() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS);
             Manager m = Manager.connect(group.urls)) {
            SharedReliableQueue<String> q = m.reliableQueue("rq", 0, java.time.Duration.ofMinutes(5));
            q.put("a");
            q.put("b");
            Delivery<String> first = q.pollDelivery(Timing.millis(10_000), TimeUnit.MILLISECONDS);
            assertEquals("a", first.value());
            group.failOver();
            assertEquals(1, (int) eventually(q::inFlight), "the delivery is still out");
            assertEquals(1, q.size());
            first.ack();
            assertEquals(0, q.inFlight());
            Delivery<String> second = q.pollDelivery(Timing.millis(10_000), TimeUnit.MILLISECONDS);
            assertEquals("b", second.value(), "the acknowledged item is never delivered again");
            second.ack();
            assertEquals(null, q.poll());
        }
    }

    /**
     * Conditions: a thread waiting on a condition on the old leader (its lock given up) is signalled on the new one
     * and holds the lock again when its await returns.
     */
    @Test
    void aConditionWaitBegunOnTheOldLeaderIsSignalledOnTheNewOne() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS);
             Manager signaller = Manager.connect(group.urls);
             Manager waiter = Manager.connect(group.urls)) {
            SharedLock waiterLock = waiter.lock("cl");
            SharedCondition waiting = waiter.condition("c", "cl");
            CompletableFuture<Boolean> woke = CompletableFuture.supplyAsync(() -> {
                waiterLock.lock();
                try {
                    boolean signalled = waiting.await(Timing.millis(60_000), TimeUnit.MILLISECONDS);
                    if (!waiterLock.isHeldByCurrentThread()) {
                        throw new AssertionError("await returned without the lock");
                    }
                    return signalled;
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                } finally {
                    waiterLock.unlock();
                }
            });
            awaitWaiters(signaller, "c", "1 waiting");
            group.failOver();
            assertFalse(woke.isDone());
            SharedLock lock = signaller.lock("cl");
            SharedCondition condition = signaller.condition("c", "cl");
            eventually(() -> {
                lock.lock();
                return null;
            });
            try {
                condition.signal();
            } finally {
                lock.unlock();
            }
            assertTrue(woke.get(Timing.millis(60_000), TimeUnit.MILLISECONDS), "signalled, not timed out");
            assertFalse(lock.isLocked(), "the waiter unlocked after its await");
        }
    }

    @Test
    void aWorkerThatStaysAwayLongerThanItsLeaseLosesItsLocksOneLeaseAfterTheNewLeaderServes() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS)) {
            int leader = group.leader();
            // given only the leader's address, this worker cannot follow the group to a new leader
            try (Manager away = Manager.connect(group.member(leader).url());
                 Manager stays = Manager.connect(group.urls)) {
                long awayToken = away.lock("l").lockAndGetToken();
                SharedLock lock = stays.lock("l");
                CompletableFuture<Long> grant = CompletableFuture.supplyAsync(() -> {
                    long granted = lock.lockAndGetToken();
                    lock.unlock(); // by the thread that holds it
                    return granted;
                });
                awaitWaiters(stays, "l");
                long stopped = System.nanoTime();
                group.stop(leader);
                long token = grant.get(Timing.millis(60_000), TimeUnit.MILLISECONDS);
                long waitedMillis = (System.nanoTime() - stopped) / 1_000_000;
                assertTrue(waitedMillis >= LEASE_MILLIS, "the new leader released the lock after " + waitedMillis
                        + " ms, before one full lease of " + LEASE_MILLIS + " ms");
                assertTrue(token > awayToken, "token " + token + " after " + awayToken);
                assertTrue(stays.sessions().stream().anyMatch(s -> s.id() == stays.sessionId()));
                for (io.jmanager.wire.SessionInfo s : stays.sessions()) {
                    assertTrue(s.id() != away.sessionId(), "the absent worker's session expired: " + s.id());
                }
                assertFalse(lock.isLocked());
            }
        }
    }

    @Test
    void anEventWaitOnTheOldLeaderEndsWhenTheNewOneSetsIt() throws Exception {
        try (LeaderChangeGroup group = new LeaderChangeGroup(tmp, LEASE_MILLIS);
             Manager setter = Manager.connect(group.urls);
             Manager waiter = Manager.connect(group.urls)) {
            SharedEvent event = setter.event("e");
            SharedEvent awaited = waiter.event("e");
            CompletableFuture<Boolean> woke = CompletableFuture.supplyAsync(() -> {
                try {
                    return awaited.await(Timing.millis(60_000), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitWaiters(setter, "e");
            group.failOver();
            assertFalse(woke.isDone());
            eventually(() -> {
                event.set();
                return null;
            });
            assertTrue(woke.get(Timing.millis(60_000), TimeUnit.MILLISECONDS));
            assertTrue(awaited.isSet());
        }
    }

    /** Waits (bounded) until a call waits on object {@code name} of the group's leader (its status). */
    private static void awaitQueueWaiter(LeaderChangeGroup group, String name) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(30_000));
        while (System.nanoTime() < deadline) {
            for (io.jmanager.registry.ObjectStatus o : group.member(group.leader()).objects()) {
                if (o.name().equals(name) && o.waiters() == 1) {
                    return;
                }
            }
            Thread.sleep(10); // the registry has no event for a call that began to wait
        }
        throw new AssertionError("no call waits on '" + name + "' within 30 s");
    }

    /** Waits (bounded) until a call waits on object {@code name} of the manager's registry. */
    private static void awaitWaiters(Manager m, String name) throws Exception {
        awaitWaiters(m, name, "1 waiting");
    }

    /** Waits (bounded) until object {@code name}'s summary says {@code waiting}. */
    private static void awaitWaiters(Manager m, String name, String waiting) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(30_000));
        while (System.nanoTime() < deadline) {
            for (io.jmanager.wire.ObjectInfo info : m.connection().root().list()) {
                if (info.name().equals(name) && info.summary().contains(waiting)) {
                    return;
                }
            }
            Thread.sleep(10); // the registry has no event for a call that began to wait
        }
        throw new AssertionError("no call waits on '" + name + "' within 30 s");
    }

    /**
     * Unlocks {@code lock} (held once by this thread) while the group may still be electing: an unlock whose call
     * failed that way may or may not have been committed (docs/group.md, "What is not guaranteed"), so it is sent
     * again only while this thread still holds the lock.
     */
    private static void unlockThroughLeaderChanges(SharedLock lock) throws InterruptedException {
        while (true) {
            try {
                lock.unlock();
                return;
            } catch (RegistryUnavailableException | NotLeaderException e) {
                if (!eventually(lock::isHeldByCurrentThread)) {
                    return; // the failed unlock was committed
                }
            }
        }
    }

    /**
     * Runs {@code call} until it answers, retrying (bounded) while the group elects a leader and the worker's
     * connection follows it: a call that is not resendable reports a leader change instead of retrying.
     */
    private static <T> T eventually(Supplier<T> call) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(30_000));
        while (true) {
            try {
                return call.get();
            } catch (RegistryUnavailableException | NotLeaderException | NoSuchSharedObjectException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(20); // an election has no event a worker could wait for
            }
        }
    }
}
