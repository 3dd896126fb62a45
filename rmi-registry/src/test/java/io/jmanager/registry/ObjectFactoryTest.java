package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jmanager.ObjectTypeMismatchException;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectFactoryTest {
    private final Fixture fx = new Fixture();

    private GuardedObject create(ObjectSpec spec) {
        return ObjectFactory.create("x", spec, fx.context, null);
    }

    @Test
    void createsTheStateMachineOfEveryType() {
        assertInstanceOf(DictObject.class, create(ObjectSpec.of(ObjectType.DICT)));
        assertInstanceOf(DictObject.class, create(ObjectSpec.of(ObjectType.NAMESPACE)));
        assertInstanceOf(ListObject.class, create(ObjectSpec.of(ObjectType.LIST)));
        assertInstanceOf(QueueObject.class, create(ObjectSpec.sized(ObjectType.QUEUE, 0)));
        assertInstanceOf(EventObject.class, create(ObjectSpec.of(ObjectType.EVENT)));
        assertInstanceOf(BarrierObject.class, create(ObjectSpec.sized(ObjectType.BARRIER, 2)));
        assertInstanceOf(SemaphoreObject.class, create(ObjectSpec.sized(ObjectType.SEMAPHORE, 0)));
        assertInstanceOf(SemaphoreObject.class, create(ObjectSpec.sized(ObjectType.BOUNDED_SEMAPHORE, 3)));
        LockObject lock = (LockObject) create(ObjectSpec.of(ObjectType.LOCK));
        assertInstanceOf(LockObject.class, create(ObjectSpec.of(ObjectType.RLOCK)));
        assertInstanceOf(ConditionObject.class,
                ObjectFactory.create("c", ObjectSpec.condition("x"), fx.context, lock));
        ArrayObject value = (ArrayObject) create(ObjectSpec.typed(ObjectType.VALUE, "d", 1, null));
        assertEquals(1, value.slots());
        ArrayObject array = (ArrayObject) create(ObjectSpec.typed(ObjectType.ARRAY, "x:i,y:d", 4, null));
        assertEquals(8, array.slots());
        assertEquals(0, ((ArrayObject) create(ObjectSpec.typed(ObjectType.ARRAY, "i", 0, null))).slots());
    }

    @Test
    void invalidParametersAreRefusedNamingTheSpec() {
        IllegalArgumentException queue = assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.sized(ObjectType.QUEUE, -1)));
        assertContains(queue.getMessage(), "'x'", "maxsize");
        assertThrows(IllegalArgumentException.class, () -> create(ObjectSpec.sized(ObjectType.QUEUE, 1L << 32)));
        assertThrows(IllegalArgumentException.class, () -> create(ObjectSpec.sized(ObjectType.SEMAPHORE, -1)));
        assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.sized(ObjectType.BOUNDED_SEMAPHORE, 1L << 31)));
        IllegalArgumentException barrier = assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.sized(ObjectType.BARRIER, 0)));
        assertContains(barrier.getMessage(), "barrier(parties=0)", "at least 1");
        assertThrows(IllegalArgumentException.class, () -> create(ObjectSpec.typed(ObjectType.VALUE, "i", 2, null)));
        assertThrows(IllegalArgumentException.class, () -> create(ObjectSpec.typed(ObjectType.VALUE, "i", 0, null)));
        assertThrows(IllegalArgumentException.class, () -> create(ObjectSpec.typed(ObjectType.ARRAY, "i", -1, null)));
        assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.typed(ObjectType.ARRAY, "i", ObjectFactory.MAX_SLOTS + 1, null)));
        assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.typed(ObjectType.ARRAY, "x:i,y:i", ObjectFactory.MAX_SLOTS / 2 + 1, null)));
        assertThrows(IllegalArgumentException.class, () -> create(ObjectSpec.typed(ObjectType.ARRAY, "z", 1, null)));
        assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.typed(ObjectType.ARRAY, "x:i,x:d", 1, null)));
        assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.typed(ObjectType.ARRAY, "b", 2, new long[] {1, 300})));
        assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.typed(ObjectType.ARRAY, "b", 2, new long[] {1})));
    }

    @ParameterizedTest
    @ValueSource(longs = {Long.MAX_VALUE, Long.MAX_VALUE / 2 + 1, 1L << 62, (1L << 32) + 1, Integer.MAX_VALUE + 1L})
    void hugeArrayLengthsAreRefusedNotWrapped(long length) {
        assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.typed(ObjectType.ARRAY, "x:i,y:i", length, null)));
        assertThrows(IllegalArgumentException.class,
                () -> create(ObjectSpec.typed(ObjectType.ARRAY, "i", length, null)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "A9", "name.with_all-the:allowed/chars", "0"})
    void validNames(String name) {
        assertDoesNotThrow(() -> ObjectFactory.checkName(name));
        assertDoesNotThrow(() -> ObjectFactory.checkName(name.repeat(200 / name.length())));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a b", "tab\t", "é", "semi;colon", "star*", "new\nline", "back\\slash"})
    void invalidNames(String name) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ObjectFactory.checkName(name));
        assertContains(e.getMessage(), "invalid shared object name", "1 to 200");
    }

    @Test
    void nullLongAndReservedNames() {
        assertContains(assertThrows(IllegalArgumentException.class, () -> ObjectFactory.checkName(null))
                .getMessage(), "null");
        assertThrows(IllegalArgumentException.class, () -> ObjectFactory.checkName("a".repeat(201)));
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> ObjectFactory.checkName(RemoteManager.BINDING));
        assertContains(reserved.getMessage(), "reserved");
    }

    @Test
    void aNameOfAnotherTypeNamesBothTypes() {
        ObjectTypeMismatchException e = assertThrows(ObjectTypeMismatchException.class,
                () -> ObjectFactory.checkCompatible("n", ObjectSpec.of(ObjectType.DICT), ObjectSpec.of(ObjectType.LIST)));
        assertContains(e.getMessage(), "'n'", "dict", "list", "destroy('n')");
        ObjectTypeMismatchException locks = assertThrows(ObjectTypeMismatchException.class,
                () -> ObjectFactory.checkCompatible("n", ObjectSpec.of(ObjectType.LOCK), ObjectSpec.of(ObjectType.RLOCK)));
        assertContains(locks.getMessage(), "lock", "rlock");
    }

    @Test
    void differentParametersNameBothSpecs() {
        ObjectTypeMismatchException q = assertThrows(ObjectTypeMismatchException.class,
                () -> ObjectFactory.checkCompatible("q", ObjectSpec.sized(ObjectType.QUEUE, 0),
                        ObjectSpec.sized(ObjectType.QUEUE, 5)));
        assertContains(q.getMessage(), "queue (unbounded)", "queue(maxsize=5)");
        ObjectTypeMismatchException a = assertThrows(ObjectTypeMismatchException.class,
                () -> ObjectFactory.checkCompatible("a", ObjectSpec.typed(ObjectType.ARRAY, "d", 3, null),
                        ObjectSpec.typed(ObjectType.ARRAY, "i", 3, null)));
        assertContains(a.getMessage(), "array('d', 3)", "array('i', 3)");
        assertThrows(ObjectTypeMismatchException.class,
                () -> ObjectFactory.checkCompatible("a", ObjectSpec.typed(ObjectType.ARRAY, "d", 3, null),
                        ObjectSpec.typed(ObjectType.ARRAY, "d", 4, null)));
        assertThrows(ObjectTypeMismatchException.class,
                () -> ObjectFactory.checkCompatible("s", ObjectSpec.sized(ObjectType.SEMAPHORE, 1),
                        ObjectSpec.sized(ObjectType.SEMAPHORE, 2)));
        assertThrows(ObjectTypeMismatchException.class,
                () -> ObjectFactory.checkCompatible("b", ObjectSpec.sized(ObjectType.BARRIER, 2),
                        ObjectSpec.sized(ObjectType.BARRIER, 3)));
        ObjectTypeMismatchException c = assertThrows(ObjectTypeMismatchException.class,
                () -> ObjectFactory.checkCompatible("c", ObjectSpec.condition("l1"), ObjectSpec.condition("l2")));
        assertContains(c.getMessage(), "condition(lock='l1')", "condition(lock='l2')");
    }

    @Test
    void sameParametersAreCompatible() {
        assertDoesNotThrow(() -> ObjectFactory.checkCompatible("q", ObjectSpec.sized(ObjectType.QUEUE, 5),
                ObjectSpec.sized(ObjectType.QUEUE, 5)));
        assertDoesNotThrow(() -> ObjectFactory.checkCompatible("d", ObjectSpec.of(ObjectType.DICT),
                ObjectSpec.of(ObjectType.DICT)));
        assertDoesNotThrow(() -> ObjectFactory.checkCompatible("a",
                ObjectSpec.typed(ObjectType.ARRAY, "x:d,y:d", 2, new long[] {0, 0, 0, 0}),
                ObjectSpec.typed(ObjectType.ARRAY, "x:d,y:d", 2, null)), "initial contents are not compared");
        assertDoesNotThrow(() -> ObjectFactory.checkCompatible("a",
                ObjectSpec.typed(ObjectType.ARRAY, "x:d,y:d", 2, null),
                ObjectSpec.typed(ObjectType.ARRAY, " x : d , y : d ", 2, null)), "the same layout, spelt differently");
        assertDoesNotThrow(() -> ObjectFactory.checkCompatible("c", ObjectSpec.condition("l"),
                ObjectSpec.condition("l")));
    }
}
