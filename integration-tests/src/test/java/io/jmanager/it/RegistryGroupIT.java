package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.JManagerException;
import io.jmanager.Manager;
import io.jmanager.SessionExpiredException;
import io.jmanager.SharedDict;
import io.jmanager.SharedValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A registry group of three {@code registry.jar} processes on loopback (issue 12, docs/group.md): workers write
 * through the leader, the leader is killed with SIGKILL, the group elects another, the workers follow it, and no
 * acknowledged write is lost.
 */
class RegistryGroupIT {
    @TempDir
    Path tmp;

    /** Three members started with the same --group list. */
    private static final class Group implements AutoCloseable {
        final String[] ids = {"r1", "r2", "r3"};
        final int[] rmi = new int[3];
        final RegistryJar.Started[] members = new RegistryJar.Started[3];
        final String urls;

        Group(Path dir) throws Exception {
            int[] raft = new int[3];
            StringBuilder spec = new StringBuilder();
            StringBuilder u = new StringBuilder("rmi://");
            for (int i = 0; i < 3; i++) {
                rmi[i] = RegistryJar.freePort();
                raft[i] = RegistryJar.freePort();
                spec.append(i == 0 ? "" : ",").append(ids[i]).append("=127.0.0.1:").append(rmi[i]).append(':')
                        .append(raft[i]);
                u.append(i == 0 ? "" : ",").append("127.0.0.1:").append(rmi[i]);
            }
            urls = u.toString();
            for (int i = 0; i < 3; i++) {
                members[i] = new RegistryJar.Started("--group", spec.toString(), "--id", ids[i], "--data-dir",
                        dir.resolve(ids[i]).toString(), "--unauthenticated-group-traffic", "--bind", "127.0.0.1",
                        "--advertise", "127.0.0.1", "--lease", "2000");
            }
        }

        /** The live member that leads in the highest term its log reports, or -1. */
        int leader() {
            int best = -1;
            long bestTerm = -1;
            for (int i = 0; i < 3; i++) {
                if (members[i] == null || !members[i].process.isAlive()) {
                    continue;
                }
                for (String line : members[i].output()) {
                    int at = line.indexOf(" leads in term ");
                    if (at >= 0) {
                        long term = Long.parseLong(line.substring(at + 15).split(" ")[0]);
                        if (term > bestTerm) {
                            bestTerm = term;
                            best = i;
                        }
                    }
                }
            }
            return best;
        }

        /** Connects to the group, retrying (bounded) while it elects its first leader. */
        Manager connect() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(30_000));
            while (true) {
                try {
                    return Manager.connect(urls);
                } catch (JManagerException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(100); // the election has no event a worker could wait for
                }
            }
        }

        String logs() {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < 3; i++) {
                out.append("--- ").append(ids[i]).append('\n');
                if (members[i] != null) {
                    out.append(String.join("\n", members[i].output())).append('\n');
                }
            }
            return out.toString();
        }

        @Override
        public void close() throws Exception {
            for (RegistryJar.Started m : members) {
                if (m != null) {
                    m.close();
                }
            }
        }
    }

    @Test
    void aGroupRefusesTypesItDoesNotReplicateYetNamingThem() throws Exception {
        try (Group group = new Group(tmp); Manager m = group.connect()) {
            SharedDict<String, Integer> d = m.dict("d");
            d.put("a", 1);
            assertEquals(1, d.get("a"));
            UnsupportedOperationException refused = assertThrows(UnsupportedOperationException.class,
                    () -> m.queue("q"));
            assertTrue(refused.getMessage().contains("does not replicate queue objects yet"), refused.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> m.lock("l"));
        }
    }

    @Test
    void killingTheLeaderLosesNoAcknowledgedWriteAndWorkersFollowTheNewLeader() throws Exception {
        int threads = 3;
        try (Group group = new Group(tmp); Manager setup = group.connect()) {
            SharedDict<String, Long> d = setup.dict("counters");
            SharedValue<Long> v = setup.value("v", 'q', 0L);
            d.put("total", 0L);
            int first = group.leader();
            assertTrue(first >= 0, group.logs());

            AtomicBoolean stop = new AtomicBoolean();
            AtomicLong acked = new AtomicLong();
            AtomicLong uncertain = new AtomicLong();
            long[] lastPut = new long[threads];
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch running = new CountDownLatch(threads);
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int me = t;
                Thread w = new Thread(() -> {
                    try (Manager m = group.connect()) {
                        SharedDict<String, Long> c = m.dict("counters");
                        running.countDown();
                        for (long n = 1; !stop.get(); n++) {
                            // an idempotent write, retried until acknowledged: its last value must be there
                            while (true) {
                                try {
                                    c.put("w" + me, n);
                                    lastPut[me] = n;
                                    break;
                                } catch (SessionExpiredException e) {
                                    // the group's leader changed: this manager goes on with the new one
                                } catch (JManagerException e) {
                                    if (stop.get()) {
                                        break;
                                    }
                                }
                            }
                            try {
                                c.increment("total", 1L);
                                acked.incrementAndGet();
                            } catch (SessionExpiredException e) {
                                // refused before it was sent: not applied
                            } catch (JManagerException e) {
                                uncertain.incrementAndGet(); // sent, then the leader died: applied or not
                            }
                        }
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }, "group-worker-" + t);
                w.start();
                workers.add(w);
            }
            assertTrue(running.await(RegistryJar.millis(30_000), TimeUnit.MILLISECONDS));
            long before = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(1000));
            while (acked.get() < 50 && System.nanoTime() < before + TimeUnit.SECONDS.toNanos(20)) {
                Thread.sleep(10); // let the load run before the kill (polling a counter)
            }
            assertTrue(acked.get() > 0, "no write was acknowledged before the kill\n" + group.logs());

            group.members[first].process.destroyForcibly(); // SIGKILL
            long killed = System.nanoTime();
            long failoverMillis = -1;
            try (Manager probe = group.connect()) {
                SharedValue<Long> pv = probe.value("v", 'q', 0L);
                long deadline = killed + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(30_000));
                for (long i = 1; System.nanoTime() < deadline; i++) {
                    try {
                        pv.set(i);
                        failoverMillis = (System.nanoTime() - killed) / 1_000_000;
                        break;
                    } catch (JManagerException e) {
                        Thread.sleep(20); // the election has no event a worker could wait for
                    }
                }
            }
            assertTrue(failoverMillis >= 0, "no write succeeded within 30 s of the kill\n" + group.logs());
            long ackedAtFailover = acked.get();
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(30_000));
            while (acked.get() < ackedAtFailover + 50 && System.nanoTime() < until) {
                Thread.sleep(10); // the workers go on with the new leader (polling a counter)
            }
            stop.set(true);
            for (Thread w : workers) {
                w.join(RegistryJar.millis(60_000));
                assertTrue(!w.isAlive(), w.getName() + " did not stop\n" + group.logs());
            }
            assertTrue(failures.isEmpty(), failures + "\n" + group.logs());
            assertTrue(acked.get() > ackedAtFailover, "the workers did not go on after the failover\n"
                    + group.logs());
            int second = group.leader();
            assertTrue(second >= 0 && second != first, "no new leader\n" + group.logs());

            try (Manager check = group.connect()) {
                SharedDict<String, Long> c = check.dict("counters");
                for (int t = 0; t < threads; t++) {
                    assertEquals(lastPut[t], c.get("w" + t), "worker " + t + "'s acknowledged put is lost");
                }
                long total = c.get("total");
                assertTrue(total >= acked.get() && total <= acked.get() + uncertain.get(), "total " + total
                        + " outside [acknowledged " + acked.get() + ", + uncertain " + uncertain.get() + "]");
                assertNotNull(check.value("v", 'q', 0L).get());
            }
            System.out.println("RegistryGroupIT: leader " + group.ids[first] + " killed; first write on the new"
                    + " leader " + group.ids[second] + " after " + failoverMillis + " ms; " + acked.get()
                    + " increments acknowledged, " + uncertain.get() + " uncertain");
        }
    }
}
