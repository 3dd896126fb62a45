package io.jmanager.process;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedValue;
import io.jmanager.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code CrashWriter URL ID LIST DICT COUNTER STOP_FILE}: the writer of {@link DurabilityCrashTest}. For n = 0, 1,
 * 2, ... until {@code STOP_FILE} exists it makes three writes of item {@code w<ID>-<n>}, each exactly once, never
 * again (not even after a failure: that is what makes "no write appears twice" checkable):
 * <ul>
 *   <li>{@code list.add(item)} on list {@code LIST};</li>
 *   <li>{@code dict.putAll} of {@code item}, {@code item/b} and {@code item/c}, each to {@code n}, on dict
 *       {@code DICT} (one call: all three keys or none);</li>
 *   <li>{@code counter.addAndGet(1)} on the {@code 'q'} value {@code COUNTER}.</li>
 * </ul>
 * For each write it prints one line once the call has returned or thrown:
 * <ul>
 *   <li>{@code ACK list ITEM e=EPOCH t=MICROS}, {@code ACK dict ITEM e=EPOCH t=MICROS},
 *       {@code ACK counter ITEM VALUE e=EPOCH t=MICROS} (the value addAndGet returned): the registry acknowledged
 *       the write; EPOCH is the {@link Manager#registryEpoch()} of the session the call went through, which names
 *       the registry incarnation that applied it (a restarted registry has another, and this single-threaded
 *       writer's session changes only at the start of a call), and MICROS is the wall clock in microseconds since
 *       the epoch when the call returned (the test compares it with its kill times);</li>
 *   <li>{@code FAIL list|dict|counter ITEM EXCEPTION CAUSE}: the call threw {@code EXCEPTION} (simple name) whose
 *       direct cause is {@code CAUSE} (a class name, or {@code -}); the test decides what the outcome may be.</li>
 * </ul>
 * It prints {@code ready} once its objects exist (before the first write) and {@code done N} (N items sent) when
 * it stops. The registry is killed and restarted under it; it never exits because of a failed write.
 */
public final class CrashWriter {
    /** Suffixes of the two other keys of each item's dict batch. */
    static final String BATCH_B = "/b";
    static final String BATCH_C = "/c";

    private CrashWriter() {
    }

    public static void main(String[] args) {
        // a call that cannot reach the registry retries 4 times (50 + 100 + 200 + 400 ms), so that a writer is
        // back within 400 ms of the restarted registry becoming ready; then it fails and the writer moves on
        ManagerOptions options = ManagerOptions.defaults()
                .withReconnect(4, Duration.ofMillis(Math.max(1, Timing.millis(50))))
                .withReadTimeout(Duration.ofMillis(Math.max(5_000, Timing.millis(30_000))));
        Workers.run(args, options, CrashWriter::write);
    }

    private static void write(Manager m, String[] args) {
        String id = args[1];
        Path stop = Path.of(args[5]);
        SharedList<String> list = m.list(args[2]);
        SharedDict<String, Long> dict = m.dict(args[3]);
        SharedValue<Long> counter = m.value(args[4], 'q', 0L);
        print("ready");
        long n = 0;
        while (!Files.exists(stop)) {
            String item = "w" + id + "-" + n;
            long value = n;
            write(m, "list", item, () -> {
                list.add(item);
                return "";
            });
            write(m, "dict", item, () -> {
                // one putAll of three keys: a restart must show all of them or none (never part of a batch)
                dict.putAll(java.util.Map.of(item, value, item + BATCH_B, value, item + BATCH_C, value));
                return "";
            });
            write(m, "counter", item, () -> " " + counter.addAndGet(1L));
            n++;
        }
        print("done " + n);
    }

    /** One write, exactly once: prints its outcome; after a failure paces the next write a little. */
    private static void write(Manager m, String kind, String item, java.util.concurrent.Callable<String> call) {
        try {
            String more = call.call();
            java.time.Instant now = java.time.Instant.now();
            print("ACK " + kind + " " + item + more + " e=" + m.registryEpoch() + " t="
                    + (now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000));
        } catch (Exception e) {
            Throwable cause = e.getCause();
            print("FAIL " + kind + " " + item + " " + e.getClass().getSimpleName() + " "
                    + (cause == null ? "-" : cause.getClass().getName()));
            // only paces the next attempt while the registry is down (each failed call already waited for its
            // own bounded retries); nothing waits for anything here
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.max(1, Timing.millis(20))));
        }
    }

    private static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
