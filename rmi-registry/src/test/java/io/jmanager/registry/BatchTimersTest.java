package io.jmanager.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.StructLayout;
import io.jmanager.wire.BatchCodec.Call;
import io.jmanager.wire.BatchCodec.Outcome;
import io.jmanager.wire.BatchOp;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.ValueCodec;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Batched operations are timed like their own remote calls (the status page and {@code /metrics} count them): per
 * object type and remote method, ok or failed; an operation on a missing object is timed by nothing (its own call
 * would not have reached an object either).
 */
class BatchTimersTest {
    private final Fixture fx = new Fixture();

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    /** Counts calls per "type method outcome", like the metrics' labels. */
    private static final class CountingObserver implements RegistryObserver {
        final Map<String, Integer> counts = new TreeMap<>();

        @Override
        public boolean timesOperations() {
            return true;
        }

        @Override
        public OperationTimer timer(String objectType, Method method) {
            return (nanos, failure) -> {
                synchronized (counts) {
                    counts.merge(objectType + " " + method.getName() + " "
                            + (failure == null ? "ok" : failure.getClass().getSimpleName()), 1, Integer::sum);
                }
            };
        }
    }

    private static byte[] encode(Object v) {
        return ValueCodec.encode(v, null);
    }

    @Test
    void eachBatchedOperationIsTimedAsItsOwnCallWouldBe() {
        DictObject dict = fx.add(new DictObject("d", ObjectSpec.of(ObjectType.DICT), fx.context));
        ArrayObject value = fx.add(new ArrayObject("v", ObjectSpec.typed(ObjectType.VALUE, "q", 1, new long[] {0}),
                fx.context, StructLayout.parse("q")));
        Map<String, GuardedObject> objects = Map.of("d", dict, "v", value);
        BatchRunner.Targets targets = (name, op) -> {
            GuardedObject o = objects.get(name);
            if (o == null) {
                throw new NoSuchSharedObjectException("no shared object named '" + name + "'");
            }
            return o;
        };
        CountingObserver observer = new CountingObserver();
        List<Call> calls = List.of(
                new Call("d", BatchOp.DICT_PUT, encode("k"), encode(1L), 0, 0, 0),
                new Call("d", BatchOp.DICT_PUT, encode("k"), encode("text"), 0, 0, 0),
                new Call("d", BatchOp.DICT_GET, encode("k"), null, 0, 0, 0),
                new Call("d", BatchOp.DICT_INCREMENT, encode("k"), encode(1L), 0, 0, 0),
                new Call("v", BatchOp.ARRAY_ADD_AND_GET, null, null, 0, 5, 0),
                new Call("v", BatchOp.ARRAY_GET, null, null, 3, 0, 0),
                new Call("missing", BatchOp.DICT_GET, encode("k"), null, 0, 0, 0));
        List<Outcome> out = BatchRunner.run(calls, fx.session(), targets, Durability.IN_MEMORY,
                new BatchTimers(observer));
        assertNull(out.get(0).error());
        assertEquals(IllegalArgumentException.class, out.get(3).error().getClass(), "increment of a string");
        assertEquals(5, out.get(4).number());
        assertEquals(NoSuchSharedObjectException.class, out.get(6).error().getClass());
        assertEquals(Map.of(
                "dict get ok", 1,
                "dict increment IllegalArgumentException", 1,
                "dict put ok", 2,
                "value addAndGet ok", 1,
                "value get " + out.get(5).error().getClass().getSimpleName(), 1), observer.counts);
    }

    @Test
    void everyOperationNamesAMethodOfItsObjectsRemoteInterface() {
        for (BatchOp op : BatchOp.values()) {
            Class<?> remote = op.appliesTo(ObjectType.DICT) ? io.jmanager.wire.RemoteDict.class
                    : op.appliesTo(ObjectType.LIST) ? io.jmanager.wire.RemoteList.class
                    : op.appliesTo(ObjectType.QUEUE) ? io.jmanager.wire.RemoteQueue.class
                    : io.jmanager.wire.RemoteArray.class;
            String name = BatchTimers.methodName(op);
            assertEquals(true, java.util.Arrays.stream(remote.getMethods()).anyMatch(m -> m.getName().equals(name)),
                    op + " -> " + remote.getSimpleName() + "." + name);
        }
    }
}
