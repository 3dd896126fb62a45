package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jmanager.RegistryLimitException;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.ValueCodec;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The limits on the state machines themselves, without RMI. */
class RegistryLimitsTest {
    @Test
    void sessionsBeyondTheLimitAreRefusedAfterExpiredOnesMakeRoom() throws Exception {
        SessionTable table = new SessionTable((id, how) -> { }, 2);
        table.open("h", 1, TimeUnit.HOURS.toNanos(1));
        long shortLived = table.open("h", 2, TimeUnit.MILLISECONDS.toNanos(1)).id;
        Thread.sleep(5);
        table.open("h", 3, TimeUnit.HOURS.toNanos(1)); // the expired one made room
        assertThrows(io.jmanager.SessionExpiredException.class, () -> table.check(shortLived));
        RegistryLimitException e = assertThrows(RegistryLimitException.class,
                () -> table.open("h", 4, TimeUnit.HOURS.toNanos(1)));
        assertContains(e.getMessage(), "--max-sessions");
        assertEquals(2, table.size());
    }

    @Test
    void cancelsOfWaitsThatNeverArriveKeepABoundedMemory() {
        Waiters waiters = new Waiters();
        for (int i = 0; i < Waiters.MAX_TOMBSTONES * 3; i++) {
            assertFalse(waiters.cancel(1, i));
        }
        assertFalse(waiters.takeTombstone(1, 0), "the oldest were forgotten");
        int kept = 0;
        for (int i = Waiters.MAX_TOMBSTONES * 2; i < Waiters.MAX_TOMBSTONES * 3; i++) {
            kept += waiters.takeTombstone(1, i) ? 1 : 0;
        }
        assertEquals(Waiters.MAX_TOMBSTONES, kept, "the newest are kept");
    }

    @Test
    void batchesAboveTheItemLimitAreRefusedWhole() {
        try (Fixture f = new Fixture()) {
            RegistryContext small = new RegistryContext(Fixture.MAX_VALUE, Fixture.MAX_BATCH, f.context.waitSliceNanos(),
                    f.sessions, f.context.locks(), 3, 2);
            DictObject dict = f.add(new DictObject("d", ObjectSpec.of(ObjectType.DICT), small));
            byte[][] four = {ValueCodec.encode(1, null), ValueCodec.encode(2, null), ValueCodec.encode(3, null),
                    ValueCodec.encode(4, null)};
            RegistryLimitException e = assertThrows(RegistryLimitException.class, () -> dict.putAll(four, four));
            assertContains(e.getMessage(), "--max-batch-size", "'d'");
            assertEquals(0, dict.size());
            assertThrows(RegistryLimitException.class, () -> dict.getAll(four));
            ListObject list = f.add(new ListObject("l", ObjectSpec.of(ObjectType.LIST), small));
            assertThrows(RegistryLimitException.class, () -> list.extend(four));
            assertThrows(RegistryLimitException.class, () -> list.removeMatching(four, false));
            assertEquals(0, list.size());
        }
    }
}
