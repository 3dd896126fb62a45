package io.jmanager.process;

import io.jmanager.Delivery;
import io.jmanager.SharedDict;
import io.jmanager.SharedLock;
import io.jmanager.SharedReentrantLock;
import io.jmanager.SharedReliableQueue;
import java.time.Duration;

/**
 * {@code FailureWorker URL MODE NAME [ARG]}: takes something and then waits to be killed (SIGKILL) or frozen
 * (SIGSTOP), printing what it holds, for {@link FailureScenariosTest}. Modes:
 * <ul>
 *   <li>{@code hold-lock NAME}: locks, prints {@code token T} and {@code holding}, waits.</li>
 *   <li>{@code hold-rlock NAME}: locks an rlock three times, prints {@code holding}, waits.</li>
 *   <li>{@code wait-lock NAME}: prints {@code waiting} and blocks in {@code lock()} of a held lock.</li>
 *   <li>{@code barrier NAME PARTIES}: prints {@code waiting} and waits at the barrier.</li>
 *   <li>{@code hold-permits NAME N}: takes N permits of a semaphore of N, prints {@code holding}, waits.</li>
 *   <li>{@code consume NAME}: takes one delivery of an at-least-once queue, prints {@code took V}, waits without
 *       acknowledging.</li>
 *   <li>{@code freeze NAME}: locks and writes fenced under the lock, prints {@code token T} and {@code holding}, then
 *       waits for event {@code NAME-go}; after being frozen past its lease and resumed, prints what its next calls
 *       did: {@code await: X}, {@code unlock: X}, {@code fenced: X}, {@code held: B}.</li>
 * </ul>
 */
public final class FailureWorker {
    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            String mode = a[1];
            String name = a[2];
            switch (mode) {
                case "hold-lock": {
                    long token = m.lock(name).lockAndGetToken();
                    print("token " + token);
                    print("holding");
                    break;
                }
                case "hold-rlock": {
                    SharedReentrantLock lock = m.rlock(name);
                    lock.lock();
                    lock.lock();
                    lock.lock();
                    print("holds " + lock.getHoldCount());
                    print("holding");
                    break;
                }
                case "wait-lock": {
                    SharedLock lock = m.lock(name);
                    print("waiting");
                    lock.lock();
                    print("acquired");
                    break;
                }
                case "barrier": {
                    print("waiting");
                    m.barrier(name, Integer.parseInt(a[3])).await();
                    print("tripped");
                    return;
                }
                case "hold-permits": {
                    int n = Integer.parseInt(a[3]);
                    m.semaphore(name, n).acquire(n);
                    print("holding");
                    break;
                }
                case "consume": {
                    SharedReliableQueue<String> q = m.reliableQueue(name, 0, Duration.ofMinutes(10));
                    Delivery<String> d = q.takeDelivery();
                    print("took " + d.value());
                    break;
                }
                case "freeze": {
                    freeze(m, name);
                    return;
                }
                default:
                    throw new IllegalArgumentException("unknown mode " + mode);
            }
            // wait to be killed; the bound only keeps a forgotten worker from living forever
            m.event(name + "-never").await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
            throw new IllegalStateException("this worker should have been killed");
        });
    }

    private static void freeze(io.jmanager.Manager m, String name) throws Exception {
        SharedLock lock = m.lock(name);
        SharedDict<String, String> data = m.dict(name + "-data");
        long token = lock.lockAndGetToken();
        data.putFenced("owner", "frozen-worker", lock, token);
        print("token " + token);
        print("holding");
        // frozen here by SIGSTOP past the lease, then resumed by SIGCONT
        print("await: " + outcome(() -> m.event(name + "-go").await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS)));
        print("unlock: " + outcome(lock::unlock));
        print("fenced: " + outcome(() -> data.putFenced("owner", "stale-writer", lock, token)));
        print("held: " + lock.isHeldByCurrentThread());
    }

    /** What a call did: {@code ok} or the simple name of what it threw. */
    private static String outcome(Workers.Step step) {
        try {
            step.run();
            return "ok";
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    private static void print(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
