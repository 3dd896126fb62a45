package io.jmanager.registry;

import io.jmanager.wire.BatchCodec.Call;
import io.jmanager.wire.BatchCodec.Outcome;
import io.jmanager.wire.BatchOp;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs the operations of one batch call ({@link io.jmanager.wire.RemoteManager#batch}) in order, each through the
 * same state machine method its single remote call runs, so each takes its object's mutex and checks what it
 * checks. One operation's failure is its outcome alone. Durability is awaited once, for the batch's newest change,
 * after the last operation: a batch of 16 puts with {@code --fsync always} waits for one group commit, not 16.
 */
final class BatchRunner {
    /** Finds the object a call names, of a type its operation applies to; throws as a lookup does. */
    interface Targets {
        GuardedObject target(String name, BatchOp op);
    }

    private BatchRunner() {
    }

    /**
     * Runs {@code calls}; with {@code timers} (null when nothing is timed), each operation on an object it found
     * is timed as its own remote call would be.
     */
    static List<Outcome> run(List<Call> calls, long session, Targets targets, Durability durability,
                             BatchTimers timers) {
        List<Outcome> out = new ArrayList<>(calls.size());
        long newest = GuardedObject.deferDurability();
        try {
            for (Call call : calls) {
                GuardedObject target;
                try {
                    target = targets.target(call.object(), call.op());
                } catch (RuntimeException e) {
                    out.add(Outcome.ofError(e));
                    continue;
                }
                long start = timers == null ? 0 : System.nanoTime();
                try {
                    out.add(apply(call, session, target));
                    if (timers != null) {
                        timers.timer(target, call.op()).ended(System.nanoTime() - start, null);
                    }
                } catch (RuntimeException e) {
                    out.add(Outcome.ofError(e));
                    if (timers != null) {
                        timers.timer(target, call.op()).ended(System.nanoTime() - start, e);
                    }
                }
            }
        } finally {
            newest = GuardedObject.endDeferral();
        }
        durability.awaitVersion(newest);
        return out;
    }

    private static Outcome apply(Call c, long session, GuardedObject target) {
        return switch (c.op()) {
            case DICT_GET -> bytes(dict(target).get(c.a()));
            case DICT_PUT -> bytes(dict(target).put(c.a(), c.b()));
            case DICT_PUT_IF_ABSENT -> bytes(dict(target).putIfAbsent(c.a(), c.b()));
            case DICT_REMOVE -> bytes(dict(target).remove(c.a()));
            case DICT_CONTAINS_KEY -> bool(dict(target).containsKey(c.a()));
            case DICT_INCREMENT -> bytes(dict(target).increment(c.a(), c.b()));
            case LIST_APPEND -> {
                ((ListObject) target).append(required(c.a()));
                yield Outcome.ofLong(0);
            }
            case LIST_GET -> bytes(((ListObject) target).get(index(c.x())));
            case LIST_SIZE -> Outcome.ofLong(((ListObject) target).size());
            case QUEUE_OFFER -> bool(queue(target).offer(session, 0, required(c.a()), 0));
            case QUEUE_POLL -> {
                if (target.spec.atLeastOnce()) {
                    throw new IllegalStateException("queue '" + target.name + "' is an at-least-once queue: take"
                            + " its deliveries with pollDelivery (not batched), so that each is acknowledged");
                }
                yield bytes(queue(target).poll(session, 0, 0));
            }
            case ARRAY_GET -> Outcome.ofLong(array(target).get(index(c.x())));
            case ARRAY_SET -> {
                array(target).set(index(c.x()), c.y());
                yield Outcome.ofLong(0);
            }
            case ARRAY_ADD_AND_GET -> Outcome.ofLong(array(target).addAndGet(index(c.x()), c.y()));
            case ARRAY_COMPARE_AND_SET -> bool(array(target).compareAndSet(index(c.x()), c.y(), c.z()));
            case ARRAY_GET_AND_SET -> Outcome.ofLong(array(target).getAndSet(index(c.x()), c.y()));
        };
    }

    private static DictObject dict(GuardedObject o) {
        return (DictObject) o;
    }

    private static QueueObject queue(GuardedObject o) {
        return (QueueObject) o;
    }

    private static ArrayObject array(GuardedObject o) {
        return (ArrayObject) o;
    }

    private static Outcome bytes(byte[] b) {
        return Outcome.ofBytes(b);
    }

    private static Outcome bool(boolean b) {
        return Outcome.ofLong(b ? 1 : 0);
    }

    private static byte[] required(byte[] b) {
        if (b == null) {
            throw new IllegalArgumentException("a batch operation is missing its value");
        }
        return b;
    }

    private static int index(long x) {
        if (x != (int) x) {
            throw new IndexOutOfBoundsException("index " + x + " out of range");
        }
        return (int) x;
    }
}
