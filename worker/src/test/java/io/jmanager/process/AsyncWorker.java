package io.jmanager.process;

import io.jmanager.SharedBarrier;
import io.jmanager.SharedList;
import io.jmanager.SharedValue;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code AsyncWorker URL ID N PARTIES}: waits at barrier {@code async-start}, then issues asynchronously N appends
 * {@code "ID:i"} to list {@code async-history} and N {@code addAndGet(1)} on value {@code async-counter}, with at
 * most 64 of each in flight, and prints {@code bits counter <base64>} of the counter values it was given.
 */
public final class AsyncWorker {
    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            String id = a[1];
            int n = Integer.parseInt(a[2]);
            int parties = Integer.parseInt(a[3]);
            SharedList<String> history = m.list("async-history");
            SharedValue<Long> counter = m.value("async-counter", 'q', 0L);
            SharedBarrier start = m.barrier("async-start", parties);
            start.await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
            BitSet produced = new BitSet();
            List<CompletableFuture<?>> window = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                window.add(history.addAsync(id + ":" + i));
                window.add(counter.addAndGetAsync(1).thenAccept(v -> {
                    synchronized (produced) {
                        produced.set(Math.toIntExact(v));
                    }
                }));
                if (window.size() >= 128) {
                    CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0]))
                            .get(Workers.STEP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    window.clear();
                }
            }
            CompletableFuture.allOf(window.toArray(new CompletableFuture<?>[0]))
                    .get(Workers.STEP_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
            synchronized (produced) {
                System.out.println("bits counter " + Workers.encode(produced));
            }
        });
    }
}
