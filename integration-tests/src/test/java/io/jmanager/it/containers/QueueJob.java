package io.jmanager.it.containers;

import io.jmanager.SharedDict;
import io.jmanager.SharedQueue;
import io.jmanager.SharedValue;

/**
 * A work queue: bounded queue {@code tasks}, results in dict {@code results}.
 * <ul>
 *   <li>{@code QueueJob URL producer INDEX COUNT PRODUCERS CONSUMERS}: puts tasks INDEX*COUNT .. (INDEX+1)*COUNT-1;
 *       the last producer to finish (counted on value {@code producers-done}) then puts one poison pill (-1) per
 *       consumer, so every pill comes after every task.</li>
 *   <li>{@code QueueJob URL consumer INDEX PRODUCERS CONSUMERS}: takes tasks until a pill; for each task stores
 *       {@code results[task] = "c<INDEX>:<task * 7>"} with {@code putIfAbsent} and fails if the task already had a
 *       result (processed twice). Prints {@code consumed COUNT}.</li>
 * </ul>
 * Everyone first waits at barrier {@code queue-start} (PRODUCERS + CONSUMERS parties), so that all run at once.
 */
public final class QueueJob {
    public static final int MAXSIZE = 500;
    public static final int PILL = -1;

    public static void main(String[] args) {
        Job.run(args, (m, a) -> {
            String role = a[1];
            int index = Integer.parseInt(a[2]);
            SharedQueue<Integer> tasks = m.queue("tasks", MAXSIZE);
            if (role.equals("producer")) {
                int count = Integer.parseInt(a[3]);
                int producers = Integer.parseInt(a[4]);
                int consumers = Integer.parseInt(a[5]);
                SharedValue<Integer> done = m.value("producers-done", 'i', 0);
                m.barrier("queue-start", producers + consumers).await(Job.STEP_MILLIS, Job.MS);
                for (int task = index * count; task < (index + 1) * count; task++) {
                    if (!tasks.offer(task, Job.STEP_MILLIS, Job.MS)) {
                        throw new IllegalStateException("queue full for " + Job.STEP_MILLIS + " ms at task " + task);
                    }
                }
                if (done.addAndGet(1) == producers) {
                    for (int c = 0; c < consumers; c++) {
                        tasks.put(PILL);
                    }
                }
                Job.say("produced " + count);
            } else if (role.equals("consumer")) {
                int producers = Integer.parseInt(a[3]);
                int consumers = Integer.parseInt(a[4]);
                SharedDict<Integer, String> results = m.dict("results");
                m.barrier("queue-start", producers + consumers).await(Job.STEP_MILLIS, Job.MS);
                int consumed = 0;
                while (true) {
                    Integer task = tasks.poll(Job.STEP_MILLIS, Job.MS);
                    if (task == null) {
                        throw new IllegalStateException("no task within " + Job.STEP_MILLIS + " ms after " + consumed);
                    }
                    if (task == PILL) {
                        break;
                    }
                    String previous = results.putIfAbsent(task, "c" + index + ":" + (task * 7L));
                    if (previous != null) {
                        throw new IllegalStateException("task " + task + " processed twice: already " + previous);
                    }
                    consumed++;
                }
                Job.say("consumed " + consumed);
            } else {
                throw new IllegalArgumentException("unknown role " + role);
            }
        });
    }
}
