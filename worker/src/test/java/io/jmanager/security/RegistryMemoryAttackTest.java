package io.jmanager.security;

import static io.jmanager.security.AuthenticatedAttackTest.assertContains;
import static io.jmanager.security.AuthenticatedAttackTest.messages;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.RegistryLimitException;
import io.jmanager.SharedDict;
import io.jmanager.TestKeys;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import io.jmanager.process.RegistryProcess;
import io.jmanager.wire.ClientSocketFactory;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.RemoteManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.server.ObjID;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The memory attacks of an authenticated client against a registry process with a 1 GiB heap and a 32 MiB
 * {@code --memory-budget}: after each, a good worker is answered within a second and the process's resident set
 * ({@code VmRSS}) is within its budget: what it was once warmed up, plus the memory budget, plus a slack for the
 * JVM's own growth. Each attack, unrefused, would take at least 512 MiB.
 */
class RegistryMemoryAttackTest {
    static final long BUDGET = 32L << 20;
    static final long MAX_CALL = 4L << 20;
    /** What the JVM itself may add besides the budget (code, metadata, thread stacks, heap slack). */
    static final long SLACK = 64L << 20;
    static RegistryProcess registry;
    static long baseline;

    @BeforeAll
    static void start() throws Exception {
        registry = RegistryProcess.startWith(Map.of(), List.of("-Xmx1g"), "--memory-budget", "32MiB",
                "--max-call-bytes", "4MiB", "--max-value-size", "1MiB");
        for (int i = 0; i < 20; i++) {
            AuthenticatedAttackTest.goodWorkerMillis(registry.url()); // warm up: the registry's code, its threads
        }
        baseline = rss();
        System.out.printf("registry process: VmRSS %d MiB once warmed up (heap max 1 GiB, --memory-budget 32 MiB)%n",
                baseline >> 20);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    /** The registry process's resident set, from {@code /proc/<pid>/status}. */
    static long rss() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + registry.pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new AssertionError("no VmRSS for " + registry.pid());
    }

    /** A good worker is answered within a second, and the registry's RSS is within its budget. */
    static void afterTheAttack(String attack) throws IOException {
        AuthenticatedAttackTest.assertAnsweredWithinASecond(registry.url());
        long rss = rss();
        System.out.printf("after %s: VmRSS %d MiB (baseline %d MiB)%n", attack, rss >> 20, baseline >> 20);
        assertTrue(rss <= baseline + BUDGET + SLACK, "after " + attack + " the registry's RSS is " + (rss >> 20)
                + " MiB, above its budget: " + (baseline >> 20) + " MiB warmed up + 32 MiB + " + (SLACK >> 20)
                + " MiB slack");
    }

    @Test
    void tenHugeArraysFromSmallRequests() throws Exception {
        try (Manager m = Manager.connect(registry.url())) {
            for (int i = 0; i < 10; i++) {
                String name = TestRegistry.uniqueName("huge");
                RegistryLimitException e = assertThrows(RegistryLimitException.class,
                        () -> m.array(name, 'q', 1 << 26));
                assertContains(e.getMessage(), "--memory-budget");
            }
        }
        afterTheAttack("ten arrays of 2^26 slots");
    }

    @Test
    void declaredSizeAmplificationOver33Connections() throws Exception {
        int port = registry.port();
        RemoteManager root = (RemoteManager) LocateRegistry.getRegistry("127.0.0.1", port, new ClientSocketFactory())
                .lookup(RemoteManager.BINDING);
        String name = TestRegistry.uniqueName("amplified");
        try (Manager m = Manager.connect(registry.url())) {
            m.dict(name);
        }
        ObjID dict = RawJrmp.objectId(root.lookup(name).stub());
        List<RawJrmp> open = new ArrayList<>();
        try {
            for (int i = 0; i < 33; i++) {
                // long[16777280][] whose first element declares long[16777280], then silence; and arrays that each
                // fit in a call but not together
                byte[] call = i % 2 == 0 ? AuthenticatedAttackTest.amplifyingPut(dict, 16_777_280, 16_777_280)
                        : AuthenticatedAttackTest.amplifyingPut(dict, 400_000, 480_000);
                RawJrmp raw = RawJrmp.connect(port, TestKeys.key());
                open.add(raw);
                raw.header();
                raw.send(call);
            }
            for (RawJrmp raw : open) {
                Object answer = raw.answer();
                assertInstanceOf(RawJrmp.Thrown.class, answer, String.valueOf(answer));
                assertContains(messages(((RawJrmp.Thrown) answer).exception()), "--max-call-bytes");
            }
            afterTheAttack("33 amplifying connections");
        } finally {
            for (RawJrmp raw : open) {
                raw.close();
            }
        }
        afterTheAttack("33 amplifying connections, closed");
    }

    @Test
    void aStringNameThatSaysItHas512MiB() throws Exception {
        int port = registry.port();
        RemoteManager root = (RemoteManager) LocateRegistry.getRegistry("127.0.0.1", port, new ClientSocketFactory())
                .lookup(RemoteManager.BINDING);
        long session = root.openSession("attacker", 1, 0).sessionId();
        long getOrCreate = RawJrmp.methodHash(RemoteManager.class.getMethod("getOrCreate", long.class,
                String.class, ObjectSpec.class));
        byte[] head = RawJrmp.callBody(RawJrmp.objectId(root), -1, getOrCreate, out -> out.writeLong(session));
        List<RawJrmp> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) { // four at once: each refused at 4 MiB, all within the budget
                RawJrmp raw = RawJrmp.connect(port, TestKeys.key());
                open.add(raw);
                raw.header();
                AuthenticatedAttackTest.sendInBackground(raw.socket.getOutputStream(),
                        AuthenticatedAttackTest.longStringCall(head),
                        2 * MAX_CALL);
            }
            for (RawJrmp raw : open) {
                Object answer = raw.answer();
                assertInstanceOf(RawJrmp.Thrown.class, answer, String.valueOf(answer));
                String why = messages(((RawJrmp.Thrown) answer).exception());
                assertTrue(why.contains("--max-call-bytes") || why.contains("--memory-budget"), why);
            }
        } finally {
            for (RawJrmp raw : open) {
                raw.close();
            }
        }
        afterTheAttack("four 512 MiB string names");
    }

    @Test
    void fillingTheBudgetWithValues() throws Exception {
        try (Manager m = Manager.connect(registry.url())) {
            String name = TestRegistry.uniqueName("filled");
            SharedDict<Integer, String> d = m.dict(name);
            String value = "v".repeat(1000_000);
            RegistryLimitException full = null;
            for (int i = 0; full == null; i++) {
                assertTrue(i < 1000, "32 MiB held " + i + " values of 1 MB");
                try {
                    d.put(i, value);
                } catch (RegistryLimitException e) {
                    full = e;
                }
            }
            assertContains(full.getMessage(), "--memory-budget");
            afterTheAttack("a dict filled up to the budget");
            m.destroy(name);
        }
        afterTheAttack("the filled dict destroyed");
    }

    static long millis(long start) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }
}
