package io.jmanager.process;

import io.jmanager.SharedBarrier;
import io.jmanager.SharedList;
import io.jmanager.SharedValue;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code SharedCallsWorker URL ID THREADS N PARTIES}: waits at barrier {@code shared-start}, then runs THREADS
 * threads that each make N synchronous appends {@code "W:i"} (W = ID × THREADS + thread) to list
 * {@code shared-history} and N synchronous {@code addAndGet(1)} on value {@code shared-counter}, so that the calls
 * of the threads share batch calls; prints {@code bits counter <base64>} of the counter values it was given.
 */
public final class SharedCallsWorker {
    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            int id = Integer.parseInt(a[1]);
            int threads = Integer.parseInt(a[2]);
            int n = Integer.parseInt(a[3]);
            int parties = Integer.parseInt(a[4]);
            SharedList<String> history = m.list("shared-history");
            SharedValue<Long> counter = m.value("shared-counter", 'q', 0L);
            SharedBarrier start = m.barrier("shared-start", parties);
            start.await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
            BitSet produced = new BitSet();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<Thread> running = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int writer = id * threads + t;
                Thread thread = new Thread(() -> {
                    try {
                        for (int i = 0; i < n; i++) {
                            history.add(writer + ":" + i);
                            long v = counter.addAndGet(1);
                            synchronized (produced) {
                                produced.set(Math.toIntExact(v));
                            }
                        }
                    } catch (Throwable e) {
                        failure.compareAndSet(null, e);
                    }
                });
                thread.start();
                running.add(thread);
            }
            for (Thread thread : running) {
                thread.join();
            }
            if (failure.get() != null) {
                throw new IllegalStateException("a thread failed: " + failure.get(), failure.get());
            }
            synchronized (produced) {
                System.out.println("bits counter " + Workers.encode(produced));
            }
        });
    }
}
