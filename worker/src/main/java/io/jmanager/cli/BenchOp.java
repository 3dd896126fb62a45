package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedArray;
import io.jmanager.SharedBarrier;
import io.jmanager.SharedDict;
import io.jmanager.SharedLock;
import io.jmanager.SharedQueue;
import io.jmanager.SharedValue;
import io.jmanager.TypeCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The operations {@code bench} can run. Each names the objects it uses ({@code bench:<op>}), prepares them once,
 * and runs one measured operation per {@link Runner#run()} call, returning how many operations (or entries, for
 * {@code batch}) it completed.
 */
enum BenchOp {
    /** {@code dict.put} of a random key of the key space. */
    PUT,
    /** {@code dict.get} of a random, present key. */
    GET,
    /** {@code value.addAndGet(1)} on one shared 'q' value: atomic, no lock. */
    INCR,
    /** {@code lock(); unlock()} pairs on one shared lock. */
    LOCK,
    /** {@code put(item); take()} pairs on one shared queue. */
    QUEUE,
    /** {@code await()} rounds of one barrier whose parties are all bench threads. */
    BARRIER,
    /** {@code putAll} then {@code getAll} of {@code --batch} entries; counts entries. */
    BATCH,
    /** {@code Manager.connect} plus a first {@code dict.get}, then close; measures connection set-up. */
    CONNECT,
    /** {@code value.get()} on one shared 'q' value ({@code value-get}; compared with {@code shm bench --op get}). */
    VALUE_GET,
    /** {@code value.set(42)} on one shared 'q' value ({@code value-set}). */
    VALUE_SET,
    /** {@code lock.lock(); value.set(value.get() + 1); lock.unlock()}: four calls ({@code locked-incr}). */
    LOCKED_INCR,
    /** {@code array.set(i, 1.5)} at a random index of one shared 'd' array of 4,096 ({@code array-set}). */
    ARRAY_SET;

    /** Elements of the {@link #ARRAY_SET} array. */
    static final int ARRAY_LENGTH = 4096;

    /** One thread's operation loop body. */
    interface Runner {
        /** Runs one measured operation; returns how many operations it counts for (0 when the run must stop). */
        int run() throws Exception;
    }

    /** The command-line and result name: lower case, {@code -} for {@code _} (e.g. {@code locked-incr}). */
    String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    String objectName() {
        return "bench:" + cliName();
    }

    /** Every object this operation creates: what {@code bench} removes at the end unless {@code --keep}. */
    List<String> objectNames() {
        return this == LOCKED_INCR ? List.of(objectName(), objectName() + ":lock") : List.of(objectName());
    }

    /** Creates and fills the objects once, before any client starts. */
    void prepare(Manager m, BenchSettings s) throws Exception {
        switch (this) {
            case GET: case PUT: case CONNECT: {
                SharedDict<String, byte[]> dict = m.dict(objectName());
                Map<String, byte[]> batch = new HashMap<>();
                for (int k = 0; k < s.keys(); k++) {
                    batch.put(key(k), s.value());
                    if (batch.size() == 1000) {
                        dict.putAll(batch);
                        batch.clear();
                    }
                }
                dict.putAll(batch);
                break;
            }
            case INCR: m.value(objectName(), TypeCode.LONG_LONG, 0L).set(0L); break;
            case LOCK: m.lock(objectName()); break;
            case QUEUE: m.queue(objectName()).clear(); break;
            case BARRIER: {
                m.destroy(objectName());
                m.barrier(objectName(), s.totalThreads());
                break;
            }
            case BATCH: m.dict(objectName()).clear(); break;
            case VALUE_GET: case VALUE_SET: m.value(objectName(), TypeCode.LONG_LONG, 0L).set(0L); break;
            case LOCKED_INCR: {
                m.value(objectName(), TypeCode.LONG_LONG, 0L).set(0L);
                m.lock(objectName() + ":lock");
                break;
            }
            case ARRAY_SET: m.array(objectName(), TypeCode.DOUBLE, ARRAY_LENGTH); break;
            default: throw new IllegalStateException(name());
        }
    }

    static String key(int k) {
        return "key:" + k;
    }

    /** A runner for one bench thread of the given client's manager ({@code connect}: a new manager, for connect). */
    Runner runner(Manager m, BenchSettings s, Supplier<Manager> connect) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        switch (this) {
            case PUT: {
                SharedDict<String, byte[]> dict = m.dict(objectName());
                byte[] value = s.value();
                return () -> {
                    dict.put(key(random.nextInt(s.keys())), value);
                    return 1;
                };
            }
            case GET: {
                SharedDict<String, byte[]> dict = m.dict(objectName());
                return () -> {
                    dict.get(key(random.nextInt(s.keys())));
                    return 1;
                };
            }
            case INCR: {
                SharedValue<Long> value = m.value(objectName(), TypeCode.LONG_LONG, 0L);
                return () -> {
                    value.addAndGet(1);
                    return 1;
                };
            }
            case LOCK: {
                SharedLock lock = m.lock(objectName());
                return () -> {
                    lock.lock();
                    lock.unlock();
                    return 1;
                };
            }
            case QUEUE: {
                SharedQueue<byte[]> queue = m.queue(objectName());
                byte[] value = s.value();
                return () -> {
                    queue.put(value);
                    queue.take();
                    return 1;
                };
            }
            case BARRIER: {
                SharedBarrier barrier = m.barrier(objectName(), s.totalThreads());
                return () -> {
                    try {
                        barrier.await(s.barrierTimeoutMillis(), TimeUnit.MILLISECONDS);
                        return 1;
                    } catch (BrokenBarrierException | TimeoutException e) {
                        return 0;
                    }
                };
            }
            case BATCH: {
                SharedDict<String, byte[]> dict = m.dict(objectName());
                byte[] value = s.value();
                // The batches are built once, so that the loop measures putAll and getAll, not the bench making
                // maps and key strings: consecutive runs of --batch keys covering the key space.
                int count = Math.max(1, (s.keys() + s.batch() - 1) / s.batch());
                List<Map<String, byte[]>> batches = new ArrayList<>(count);
                List<List<String>> keyLists = new ArrayList<>(count);
                for (int b = 0; b < count; b++) {
                    Map<String, byte[]> batch = new LinkedHashMap<>(s.batch() * 2);
                    for (int i = 0; i < s.batch(); i++) {
                        batch.put(key((b * s.batch() + i) % s.keys()), value);
                    }
                    batches.add(batch);
                    keyLists.add(List.copyOf(batch.keySet()));
                }
                int[] next = {random.nextInt(count)};
                return () -> {
                    int b = next[0]++ % count;
                    dict.putAll(batches.get(b));
                    dict.getAll(keyLists.get(b));
                    return 2 * s.batch();
                };
            }
            case VALUE_GET: {
                SharedValue<Long> value = m.value(objectName(), TypeCode.LONG_LONG, 0L);
                return () -> {
                    value.get();
                    return 1;
                };
            }
            case VALUE_SET: {
                SharedValue<Long> value = m.value(objectName(), TypeCode.LONG_LONG, 0L);
                Long v = 42L;
                return () -> {
                    value.set(v);
                    return 1;
                };
            }
            case LOCKED_INCR: {
                SharedValue<Long> value = m.value(objectName(), TypeCode.LONG_LONG, 0L);
                SharedLock lock = m.lock(objectName() + ":lock");
                return () -> {
                    lock.lock();
                    try {
                        value.set(value.get() + 1);
                    } finally {
                        lock.unlock();
                    }
                    return 1;
                };
            }
            case ARRAY_SET: {
                SharedArray<Double> array = m.array(objectName(), TypeCode.DOUBLE, ARRAY_LENGTH);
                Double v = 1.5;
                return () -> {
                    array.set(random.nextInt(ARRAY_LENGTH), v);
                    return 1;
                };
            }
            case CONNECT:
                return () -> {
                    try (Manager fresh = connect.get()) {
                        fresh.dict(objectName()).get(key(0));
                    }
                    return 1;
                };
            default: throw new IllegalStateException(name());
        }
    }

    /** Ends the run for threads that may be waiting on each other (the barrier). */
    void finish(Manager m, BenchSettings s) {
        if (this == BARRIER) {
            m.barrier(objectName(), s.totalThreads()).abort();
        }
    }
}
