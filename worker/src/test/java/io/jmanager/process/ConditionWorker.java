package io.jmanager.process;

import io.jmanager.SharedBarrier;
import io.jmanager.SharedCondition;
import io.jmanager.SharedList;
import io.jmanager.SharedLock;
import java.util.ArrayList;
import java.util.List;

/**
 * A bounded buffer on a shared list {@code cond-buffer} guarded by condition {@code cond} (bound to lock
 * {@code cond-lock}), waited on with {@link SharedCondition#awaitUntil(java.util.function.BooleanSupplier, long,
 * java.util.concurrent.TimeUnit)} like Python's {@code wait_for}.
 * <ul>
 *   <li>{@code ConditionWorker URL producer FROM TO PARTIES}: appends FROM..TO-1 then one pill (-1), each when the
 *       buffer holds fewer than {@link #CAPACITY} items;</li>
 *   <li>{@code ConditionWorker URL consumer PARTIES}: removes the head until it gets a pill; prints
 *       {@code got <id>} per item.</li>
 * </ul>
 */
public final class ConditionWorker {
    static final int CAPACITY = 8;
    static final int PILL = -1;

    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            SharedLock lock = m.lock("cond-lock");
            SharedCondition cond = m.condition("cond", "cond-lock");
            SharedList<Integer> buffer = m.list("cond-buffer");
            String role = a[1];
            if (role.equals("producer")) {
                int from = Integer.parseInt(a[2]);
                int to = Integer.parseInt(a[3]);
                m.barrier("cond-start", Integer.parseInt(a[4])).await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
                for (int i = from; i <= to; i++) {
                    int item = i < to ? i : PILL;
                    lock.lock();
                    try {
                        if (!cond.awaitUntil(() -> buffer.size() < CAPACITY, Workers.STEP_TIMEOUT_MILLIS,
                                Workers.MS)) {
                            throw new IllegalStateException("buffer stayed full for " + Workers.STEP_TIMEOUT_MILLIS
                                    + " ms");
                        }
                        if (!lock.isHeldByCurrentThread()) {
                            throw new IllegalStateException("awaitUntil returned without the lock");
                        }
                        buffer.add(item);
                        cond.signalAll();
                    } finally {
                        lock.unlock();
                    }
                }
            } else if (role.equals("consumer")) {
                SharedBarrier start = m.barrier("cond-start", Integer.parseInt(a[2]));
                start.await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
                List<Integer> got = new ArrayList<>();
                while (true) {
                    int item;
                    lock.lock();
                    try {
                        if (!cond.awaitUntil(() -> !buffer.isEmpty(), Workers.STEP_TIMEOUT_MILLIS, Workers.MS)) {
                            throw new IllegalStateException("buffer stayed empty for " + Workers.STEP_TIMEOUT_MILLIS
                                    + " ms after " + got.size() + " items");
                        }
                        item = buffer.remove(0);
                        cond.signalAll();
                    } finally {
                        lock.unlock();
                    }
                    if (item == PILL) {
                        break;
                    }
                    got.add(item);
                }
                StringBuilder out = new StringBuilder();
                for (int item : got) {
                    out.append("got ").append(item).append('\n');
                }
                System.out.print(out);
            } else {
                throw new IllegalArgumentException("unknown role " + role);
            }
        });
    }
}
