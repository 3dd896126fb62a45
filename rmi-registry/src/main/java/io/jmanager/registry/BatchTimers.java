package io.jmanager.registry;

import io.jmanager.wire.BatchOp;
import java.lang.reflect.Method;
import java.rmi.Remote;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times each operation of a batch call as the observer times the same operation's own remote call: the timer of
 * its object's type and of the remote method it stands for ({@code DICT_PUT} on a dict is {@code put} of
 * {@code dict}). So the status page and {@code /metrics} count batched operations, including synchronous calls
 * that shared a batch, like single calls. Thread-safe; used only when the observer times operations.
 */
final class BatchTimers {
    private static final RegistryObserver.OperationTimer UNTIMED = (nanos, failure) -> { };
    private final RegistryObserver observer;
    /** Per object type label, the timers by {@link BatchOp#ordinal()}, filled as operations come. */
    private final Map<String, RegistryObserver.OperationTimer[]> byType = new ConcurrentHashMap<>();

    BatchTimers(RegistryObserver observer) {
        this.observer = observer;
    }

    /** The timer for {@code op} on {@code target}. */
    RegistryObserver.OperationTimer timer(GuardedObject target, BatchOp op) {
        String type = TimedRemote.typeOf(target);
        RegistryObserver.OperationTimer[] timers = byType.computeIfAbsent(type,
                t -> new RegistryObserver.OperationTimer[BatchOp.values().length]);
        RegistryObserver.OperationTimer timer = timers[op.ordinal()];
        if (timer == null) {
            Method method = remoteMethod(target, methodName(op));
            timer = method == null ? null : observer.timer(type, method);
            timer = timer == null ? UNTIMED : timer;
            timers[op.ordinal()] = timer; // a race computes the same timer twice, harmlessly
        }
        return timer;
    }

    /** The name of the remote method whose call {@code op} stands for. */
    static String methodName(BatchOp op) {
        return switch (op) {
            case DICT_GET, LIST_GET, ARRAY_GET -> "get";
            case DICT_PUT -> "put";
            case DICT_PUT_IF_ABSENT -> "putIfAbsent";
            case DICT_REMOVE -> "remove";
            case DICT_CONTAINS_KEY -> "containsKey";
            case DICT_INCREMENT -> "increment";
            case LIST_APPEND -> "append";
            case LIST_SIZE -> "size";
            case QUEUE_OFFER -> "offer";
            case QUEUE_POLL -> "poll";
            case ARRAY_SET -> "set";
            case ARRAY_ADD_AND_GET -> "addAndGet";
            case ARRAY_COMPARE_AND_SET -> "compareAndSet";
            case ARRAY_GET_AND_SET -> "getAndSet";
        };
    }

    /** The method named {@code name} of one of the object's remote interfaces, or null. */
    private static Method remoteMethod(Object target, String name) {
        for (Class<?> c = target.getClass(); c != null; c = c.getSuperclass()) {
            for (Class<?> i : c.getInterfaces()) {
                if (Remote.class.isAssignableFrom(i)) {
                    for (Method m : i.getMethods()) {
                        if (m.getName().equals(name)) {
                            return m;
                        }
                    }
                }
            }
        }
        return null;
    }
}
