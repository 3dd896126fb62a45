package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedValue;
import io.jmanager.TypeCode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * {@code bench --async --in-flight N}: each bench thread keeps N asynchronous operations in flight (it issues one
 * whenever an answer frees a place), so that the manager batches them. Counts the operations answered in the
 * measured window; latency is from issue to answer. Only {@code put}, {@code get} and {@code incr} have
 * asynchronous forms.
 */
final class AsyncBench {
    private AsyncBench() {
    }

    static boolean supports(BenchOp op) {
        return op == BenchOp.PUT || op == BenchOp.GET || op == BenchOp.INCR;
    }

    /**
     * One asynchronous operation of {@code op} on {@code m}'s objects. Call it from the thread that will issue the
     * operations (it takes that thread's {@link ThreadLocalRandom}).
     */
    static Supplier<CompletableFuture<?>> operation(BenchOp op, Manager m, BenchSettings s) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        switch (op) {
            case PUT: {
                SharedDict<String, byte[]> dict = m.dict(op.objectName());
                byte[] value = s.value();
                return () -> dict.putAsync(BenchOp.key(random.nextInt(s.keys())), value);
            }
            case GET: {
                SharedDict<String, byte[]> dict = m.dict(op.objectName());
                return () -> dict.getAsync(BenchOp.key(random.nextInt(s.keys())));
            }
            case INCR: {
                SharedValue<Long> value = m.value(op.objectName(), TypeCode.LONG_LONG, 0L);
                return () -> value.addAndGetAsync(1);
            }
            default:
                throw new CliException("--async runs put, get or incr, not " + op.cliName());
        }
    }

    /**
     * Runs {@code op} from {@code clients} managers × {@code threads} threads, each with {@code inFlight}
     * operations in flight, for a warm-up then a measured window.
     */
    static BenchResult run(Connection connection, BenchOp op, BenchSettings s, int clients, int threads,
                           int inFlight, double warmupSeconds, double durationSeconds) throws Exception {
        List<Manager> managers = new ArrayList<>();
        try {
            for (int c = 0; c < clients; c++) {
                managers.add(connection.connect());
            }
            long start = System.nanoTime();
            long measureFrom = start + (long) (warmupSeconds * 1e9);
            long end = measureFrom + (long) (durationSeconds * 1e9);
            ConcurrentHistogram latency = new ConcurrentHistogram(3);
            AtomicLong answered = new AtomicLong();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> workers = new ArrayList<>();
            for (Manager m : managers) {
                for (int t = 0; t < threads; t++) {
                    Thread thread = new Thread(() -> {
                        try {
                            issue(operation(op, m, s), inFlight, measureFrom, end, latency, answered, failure);
                        } catch (Throwable e) {
                            failure.compareAndSet(null, e);
                        }
                    }, "bench-async-" + workers.size());
                    thread.setDaemon(true);
                    workers.add(thread);
                }
            }
            workers.forEach(Thread::start);
            for (Thread t : workers) {
                t.join(TimeUnit.SECONDS.toMillis((long) (warmupSeconds + durationSeconds) + 60));
            }
            if (failure.get() != null) {
                throw new CliException("bench --async " + op.cliName() + " failed: " + failure.get());
            }
            Histogram h = new Histogram(3);
            h.add(latency);
            return new BenchResult(answered.get(), end - measureFrom, h);
        } finally {
            managers.forEach(Manager::close);
        }
    }

    /**
     * One thread's loop: keeps {@code inFlight} operations of {@code operation} in flight until {@code end}, then
     * waits for every answer. An operation issued at or after {@code measureFrom} and answered by {@code end} is
     * counted in {@code answered} and its latency (issue to answer, nanoseconds) recorded in {@code latency}, which
     * the answering threads write concurrently. The first failure is kept in {@code failure} and stops the loop.
     */
    static void issue(Supplier<CompletableFuture<?>> operation, int inFlight, long measureFrom, long end,
                      Histogram latency, AtomicLong answered, AtomicReference<Throwable> failure)
            throws InterruptedException {
        Semaphore window = new Semaphore(inFlight);
        while (System.nanoTime() < end && failure.get() == null) {
            window.acquire();
            long issued = System.nanoTime();
            operation.get().whenComplete((v, e) -> {
                long now = System.nanoTime();
                window.release();
                if (e != null) {
                    failure.compareAndSet(null, e);
                } else if (issued >= measureFrom && now <= end) {
                    latency.recordValue(now - issued);
                    answered.incrementAndGet();
                }
            });
        }
        window.acquire(inFlight); // every answer is in
    }
}
