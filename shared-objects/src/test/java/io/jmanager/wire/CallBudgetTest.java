package io.jmanager.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.RegistryLimitException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The per-call budget: bytes counted at the socket, array allocations declared to the filter, the memory budget. */
class CallBudgetTest {
    private static final WireFilter FILTER = new WireFilter(1L << 30, 1L << 30);

    @AfterEach
    void leave() {
        CallBudget.leave();
    }

    private static Object readThroughTheFilter(Object o) throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(buffer.toByteArray()))) {
            in.setObjectInputFilter(FILTER);
            return in.readObject();
        }
    }

    private static String refusal(Object o) {
        InvalidClassException e = assertThrows(InvalidClassException.class, () -> readThroughTheFilter(o));
        assertTrue(e.getMessage().contains("REJECTED"), e.getMessage());
        assertInstanceOf(RegistryLimitException.class, e.getCause());
        return e.getCause().getMessage();
    }

    @Test
    void arraysWithinTheCallPassAndTheirAllocationIsCounted() throws Exception {
        new CallBudget(4096, MemoryBudget.unlimited()).enter();
        assertArrayEquals(new long[100], (long[]) readThroughTheFilter(new long[100]));
        // 800 bytes declared so far; another 3,400 of longs would fit in the stream but not in the allocation
        assertTrue(refusal(new long[425]).contains("--max-call-bytes"));
    }

    @Test
    void anArrayWhoseContentCannotFitInTheCallIsRefusedBeforeAllocation() {
        new CallBudget(4096, MemoryBudget.unlimited()).enter();
        String why = refusal(new byte[5000]);
        assertTrue(why.contains("--max-call-bytes") && why.contains("before anything was allocated"), why);
    }

    @Test
    void referencesCountEightBytesInMemory() {
        new CallBudget(4096, MemoryBudget.unlimited()).enter();
        assertTrue(refusal(new byte[600][]).contains("--max-call-bytes")); // 600 in the stream, 4,800 in memory
    }

    @Test
    void withoutABudgetOnTheThreadOnlyTheFiltersOwnLimitsApply() throws Exception {
        assertNull(CallBudget.current());
        assertEquals(5000, ((byte[]) readThroughTheFilter(new byte[5000])).length);
    }

    @Test
    void bytesReadAreCountedPerCallAndResetByTheAnswer() throws IOException {
        MemoryBudget memory = new MemoryBudget(1 << 20);
        CallBudget budget = new CallBudget(4096, memory);
        budget.read(4000);
        assertEquals(4000, memory.used(), "a call being read is charged to the memory budget");
        CallBudget.CallTooLargeException e = assertThrows(CallBudget.CallTooLargeException.class,
                () -> budget.read(100));
        assertTrue(e.getMessage().contains("--max-call-bytes"), e.getMessage());
        assertInstanceOf(RegistryLimitException.class, e.getCause());
        budget.reset();
        assertEquals(0, memory.used(), "the answer gives the call's charge back");
        assertTrue(budget.takeAnsweredRefusal(), "the refused call was answered: the rest is to be dropped");
        assertTrue(!budget.takeAnsweredRefusal());
        budget.read(4000); // the next call starts from zero
        budget.close();
        assertEquals(0, memory.used(), "a closed connection gives its call's charge back");
        budget.read(10); // a read racing with the close charges nothing
        assertEquals(0, memory.used());
    }

    @Test
    void callsOverTheMemoryBudgetAreRefusedExceptTheirFirstBytes() throws IOException {
        MemoryBudget memory = new MemoryBudget(100_000);
        memory.charge(100_000, "everything stored");
        CallBudget small = new CallBudget(1 << 20, memory);
        small.read(CallBudget.FREE_BYTES); // a small call still gets through, charged all the same
        assertEquals(100_000 + CallBudget.FREE_BYTES, memory.used());
        CallBudget.CallTooLargeException e = assertThrows(CallBudget.CallTooLargeException.class,
                () -> small.read(1));
        assertTrue(e.getMessage().contains("--memory-budget"), e.getMessage());
        small.reset();
        assertEquals(100_000, memory.used());
    }
}
