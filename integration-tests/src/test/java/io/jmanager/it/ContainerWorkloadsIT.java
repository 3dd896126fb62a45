package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedValue;
import io.jmanager.it.containers.BarrierJob;
import io.jmanager.it.containers.CounterJob;
import io.jmanager.it.containers.EchoJob;
import io.jmanager.it.containers.QueueJob;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;

/**
 * Workloads across containers: a registry container and N worker containers on one Docker network, the workers at
 * {@code rmi://registry:1099}; the test JVM on the host checks the results through the published port.
 */
@Timeout(300)
class ContainerWorkloadsIT {
    static final int N = Cluster.WORKERS;
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(150);

    @BeforeEach
    void docker() {
        DockerGuard.assumeContainersCanRun(); // per test, so that each one is reported as skipped or failed
    }

    private static void took(String what, long startNanos) {
        System.out.printf("[timing] %s: %.1f s%n", what, (System.nanoTime() - startNanos) / 1e9);
    }

    @Test
    void countersFromNWorkersAreExact() {
        long start = System.nanoTime();
        int iterations = 2_000;
        try (Cluster cluster = Cluster.start()) {
            List<GenericContainer<?>> workers = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                workers.add(cluster.job(JOB_TIMEOUT, "counter-" + i, CounterJob.class, String.valueOf(iterations),
                        String.valueOf(N)));
            }
            cluster.startAll(JOB_TIMEOUT, workers);
            for (GenericContainer<?> w : workers) {
                System.out.println("counter worker: " + Cluster.value(w, "done"));
            }
            Manager host = cluster.connectFromHost();
            SharedValue<Long> locked = host.value("counter-locked", 'q', 0L);
            SharedValue<Long> atomic = host.value("counter-atomic", 'q', 0L);
            assertEquals((long) N * iterations, locked.get(), "locked increments");
            assertEquals((long) N * iterations, atomic.get(), "atomic increments");
            assertTrue(!host.lock("counter-lock").isLocked(), "the lock is free at the end");
        }
        took("counters (" + N + " workers x " + iterations + " locked + atomic)", start);
    }

    @Test
    void workQueueProcessesEveryTaskExactlyOnce() {
        long start = System.nanoTime();
        int producers = 2;
        int consumers = 3;
        int perProducer = 5_000;
        int total = producers * perProducer;
        try (Cluster cluster = Cluster.start()) {
            List<GenericContainer<?>> workers = new ArrayList<>();
            for (int p = 0; p < producers; p++) {
                workers.add(cluster.job(JOB_TIMEOUT, "producer-" + p, QueueJob.class, "producer", String.valueOf(p),
                        String.valueOf(perProducer), String.valueOf(producers), String.valueOf(consumers)));
            }
            List<GenericContainer<?>> consumerContainers = new ArrayList<>();
            for (int c = 0; c < consumers; c++) {
                consumerContainers.add(cluster.job(JOB_TIMEOUT, "consumer-" + c, QueueJob.class, "consumer",
                        String.valueOf(c), String.valueOf(producers), String.valueOf(consumers)));
            }
            workers.addAll(consumerContainers);
            cluster.startAll(JOB_TIMEOUT, workers);

            int consumedTotal = 0;
            for (GenericContainer<?> c : consumerContainers) {
                String consumed = Cluster.value(c, "consumed");
                assertNotNull(consumed, "consumer printed no count: " + Cluster.stdout(c));
                System.out.println("consumer consumed " + consumed);
                consumedTotal += Integer.parseInt(consumed);
            }
            assertEquals(total, consumedTotal, "tasks taken by the consumers");

            Manager host = cluster.connectFromHost();
            SharedDict<Integer, String> results = host.dict("results");
            assertEquals(total, results.size(), "results");
            Map<Integer, String> copy = new TreeMap<>(results.copy());
            Set<Integer> expected = new TreeSet<>();
            for (int t = 0; t < total; t++) {
                expected.add(t);
            }
            assertEquals(expected, copy.keySet(), "every task has exactly one result");
            Set<String> byConsumer = new HashSet<>();
            copy.forEach((task, result) -> {
                String[] parts = result.split(":");
                assertEquals(task * 7L, Long.parseLong(parts[1]), "result of task " + task);
                byConsumer.add(parts[0]);
            });
            System.out.println("results written by consumers " + new TreeSet<>(byConsumer));
            assertEquals(0, host.queue("tasks", QueueJob.MAXSIZE).size(), "queue drained, pills included");
        }
        took("work queue (" + producers + " producers, " + consumers + " consumers, " + total + " tasks)", start);
    }

    @Test
    void barrierPhasesCompleteWithAllNWorkers() {
        long start = System.nanoTime();
        int phases = 50;
        try (Cluster cluster = Cluster.start()) {
            List<GenericContainer<?>> workers = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                workers.add(cluster.job(JOB_TIMEOUT, "phases-" + i, BarrierJob.class, String.valueOf(N),
                        String.valueOf(phases)));
            }
            cluster.startAll(JOB_TIMEOUT, workers);

            // Per phase, the N workers got the N distinct arrival indexes 0..N-1.
            Map<Integer, Set<Integer>> indexes = new TreeMap<>();
            for (GenericContainer<?> w : workers) {
                int lines = 0;
                for (String line : Cluster.stdout(w)) {
                    String[] parts = line.split(" ");
                    if (parts[0].equals("phase")) {
                        indexes.computeIfAbsent(Integer.parseInt(parts[1]), k -> new TreeSet<>())
                                .add(Integer.parseInt(parts[3]));
                        lines++;
                    }
                }
                assertEquals(phases, lines, "phases run by one worker");
            }
            Set<Integer> all = new TreeSet<>();
            for (int i = 0; i < N; i++) {
                all.add(i);
            }
            assertEquals(phases, indexes.size(), "phases");
            indexes.forEach((phase, got) -> assertEquals(all, got, "arrival indexes in phase " + phase));

            Manager host = cluster.connectFromHost();
            Map<Integer, Integer> arrived = host.<Integer, Integer>dict("arrived").copy();
            Map<Integer, Integer> passed = host.<Integer, Integer>dict("passed").copy();
            assertEquals(phases, arrived.size(), "phases counted");
            for (int p = 0; p < phases; p++) {
                assertEquals(N, arrived.get(p), "arrivals in phase " + p);
                assertEquals(N, passed.get(p), "workers through phase " + p);
            }
            assertTrue(!host.barrier("phases", N).isBroken(), "the barrier is not broken");
        }
        took("barrier (" + N + " workers x " + phases + " phases)", start);
    }

    @Test
    void hostJvmAndContainersShareObjects() {
        long start = System.nanoTime();
        try (Cluster cluster = Cluster.start()) {
            Manager host = cluster.connectFromHost();
            SharedDict<String, String> greetings = host.dict("greetings");
            greetings.put("host", "hello from the test JVM");
            List<GenericContainer<?>> workers = new ArrayList<>();
            for (int i = 0; i < N; i++) {
                workers.add(cluster.job(JOB_TIMEOUT, "echo-" + i, EchoJob.class, String.valueOf(i)));
            }
            cluster.startAll(JOB_TIMEOUT, workers);
            for (int i = 0; i < N; i++) {
                assertEquals("hello from the test JVM / echoed by w" + i, greetings.get("w" + i));
            }
            SharedList<Integer> echoed = host.list("echoed");
            assertEquals(N, echoed.size());
            assertEquals(N, new TreeSet<>(echoed).size(), "each worker once: " + echoed);
            System.out.println("host sees " + host.names() + " through " + host.url());
        }
        took("host JVM and " + N + " containers share objects", start);
    }
}
