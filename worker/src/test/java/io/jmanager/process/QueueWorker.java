package io.jmanager.process;

import io.jmanager.SharedBarrier;
import io.jmanager.SharedQueue;
import java.util.BitSet;

/**
 * {@code QueueWorker URL producer FROM TO PARTIES}: puts FROM..TO-1 into queue {@code items} then one poison pill
 * (-1). {@code QueueWorker URL consumer PARTIES}: takes until it gets a pill; prints {@code count}, {@code sum}
 * and the bit set of the ids it got. Everyone first waits at barrier {@code queue-start} (PARTIES workers).
 */
public final class QueueWorker {
    static final String QUEUE = "items";
    static final int MAXSIZE = 1000;
    static final int PILL = -1;

    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            SharedQueue<Integer> q = m.queue(QUEUE, MAXSIZE);
            String role = a[1];
            if (role.equals("producer")) {
                int from = Integer.parseInt(a[2]);
                int to = Integer.parseInt(a[3]);
                SharedBarrier start = m.barrier("queue-start", Integer.parseInt(a[4]));
                start.await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
                for (int i = from; i < to; i++) {
                    q.put(i);
                }
                q.put(PILL);
                System.out.println("produced " + (to - from));
            } else if (role.equals("consumer")) {
                SharedBarrier start = m.barrier("queue-start", Integer.parseInt(a[2]));
                start.await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
                BitSet seen = new BitSet();
                long count = 0;
                long sum = 0;
                long duplicates = 0;
                while (true) {
                    Integer item = q.poll(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
                    if (item == null) {
                        throw new IllegalStateException("no item within " + Workers.STEP_TIMEOUT_MILLIS
                                + " ms after " + count + " items");
                    }
                    if (item == PILL) {
                        break;
                    }
                    if (seen.get(item)) {
                        duplicates++;
                    }
                    seen.set(item);
                    count++;
                    sum += item;
                }
                System.out.println("count " + count);
                System.out.println("sum " + sum);
                System.out.println("duplicates " + duplicates);
                System.out.println("bits " + Workers.encode(seen));
            } else {
                throw new IllegalArgumentException("unknown role " + role);
            }
        });
    }
}
