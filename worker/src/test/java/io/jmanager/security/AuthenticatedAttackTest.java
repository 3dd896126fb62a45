package io.jmanager.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.RegistryLimitException;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedQueue;
import io.jmanager.TestKeys;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import io.jmanager.registry.RegistryConfig;
import io.jmanager.wire.ClientSocketFactory;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteDict;
import io.jmanager.wire.RemoteManager;
import io.jmanager.wire.SessionGrant;
import io.jmanager.wire.SessionInfo;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.rmi.ServerException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.ObjID;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The attacks of an authenticated client that wants the registry down, each against an in-JVM registry with small
 * limits: it is refused with the option that bounds it, and a good worker is answered within a second after
 * (during, where the attack goes on). {@code RegistryMemoryAttackTest} repeats the memory attacks against a
 * registry process and checks its RSS.
 */
class AuthenticatedAttackTest {
    /** How fast the registry must answer a good worker after an attack. */
    static final long ANSWER_MILLIS = 1_000;

    /** A good worker's round trip: connect, create, write, read. Returns its milliseconds. */
    static long goodWorkerMillis(String url) {
        long start = System.nanoTime();
        try (Manager m = Manager.connect(url)) {
            SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("good"));
            d.put("k", 1);
            assertEquals(2, d.increment("k", 1));
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    static void assertAnsweredWithinASecond(String url) {
        goodWorkerMillis(url); // the first one loads this JVM's classes: not the registry's answer time
        long took = goodWorkerMillis(url);
        assertTrue(took < Timing.millis(ANSWER_MILLIS), "a good worker took " + took + " ms");
    }

    static RemoteManager root(int port) throws Exception {
        Registry rmi = LocateRegistry.getRegistry("127.0.0.1", port, new ClientSocketFactory());
        return (RemoteManager) rmi.lookup(RemoteManager.BINDING);
    }

    /** The messages of {@code t} and its causes, joined. */
    static String messages(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            out.append(c).append(" | ");
        }
        return out.toString();
    }

    static void assertContains(String text, String part) {
        assertTrue(text.contains(part), "expected '" + part + "' in: " + text);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Leases without bound

    @Test
    void requestedLeasesAreCappedAndAnExitedAttackersSessionsExpireWithinOneLease() throws Exception {
        long lease = Timing.millis(1_000);
        long maxLease = 3 * lease;
        RegistryConfig config = RegistryConfig.defaults().withLeaseMillis(lease)
                .withLimits(RegistryConfig.Limits.defaults().withMaxSessions(3))
                .withProtection(RegistryConfig.Protection.defaults().withMaxLeaseMillis(maxLease));
        try (TestRegistry registry = TestRegistry.start(config)) {
            RemoteManager root = root(registry.server().port());
            long opened = System.nanoTime();
            for (int i = 0; i < 3; i++) {
                SessionGrant grant = root.openSession("attacker", 1, Long.MAX_VALUE / 2);
                assertEquals(maxLease, grant.leaseMillis(), "the requested lease is capped at --max-lease");
            }
            // the attacker exits: no renewal, no liveness connection. A good worker is answered at once ...
            long start = System.nanoTime();
            RegistryLimitException full = assertThrows(RegistryLimitException.class, () -> Manager.connect(
                    registry.url()));
            assertContains(full.getMessage(), "--max-sessions");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < Timing.millis(ANSWER_MILLIS), "refused after " + took + " ms");
            // ... and gets in once the attacker's sessions ran out their (default) lease, not their requested one
            Manager in = null;
            long deadline = opened + TimeUnit.MILLISECONDS.toNanos(Timing.millis(10_000) + maxLease);
            while (in == null) {
                try {
                    in = Manager.connect(registry.url(), ManagerOptions.defaults().withLease(Duration.ofHours(1)));
                } catch (RegistryLimitException e) {
                    assertTrue(System.nanoTime() < deadline, "the attacker's sessions never expired");
                    Thread.sleep(20);
                }
            }
            long after = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
            try (Manager m = in) {
                assertTrue(after < lease + Timing.millis(1_000), "the sessions without liveness expired after "
                        + after + " ms, more than one lease (" + lease + " ms)");
                // the good worker's own lease is capped too, and its session keeps it: it has its liveness
                SessionInfo own = m.sessions().stream().filter(s -> s.id() == m.sessionId()).findFirst()
                        .orElseThrow();
                assertEquals(maxLease, own.leaseMillis());
                assertEquals(maxLease, m.leaseMillis());
                assertTrue(own.liveConnection(), "the worker's liveness connection is attached");
                // the attacker's other sessions (each expires on its own) are gone within the lease too
                while (m.sessions().size() > 1) {
                    assertTrue(System.nanoTime() - opened < TimeUnit.MILLISECONDS.toNanos(lease
                            + Timing.millis(1_000)), "the attacker's sessions outlived one lease: " + m.sessions());
                    Thread.sleep(20);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Strings no filter sees; calls over the per-call budget

    private static final long MAX_CALL = 1 << 20;

    private static RegistryConfig smallCalls() {
        return RegistryConfig.defaults().withMaxValueBytes(256 << 10)
                .withProtection(RegistryConfig.Protection.defaults().withMaxCallBytes(MAX_CALL));
    }

    @Test
    void aHugeStringNameIsRefusedAtTheSocketAfterTheCallBudget() throws Exception {
        try (TestRegistry registry = TestRegistry.start(smallCalls())) {
            int port = registry.server().port();
            RemoteManager root = root(port);
            long session = root.openSession("attacker", 1, 0).sessionId();
            ObjID rootId = RawJrmp.objectId(root);
            long getOrCreate = RawJrmp.methodHash(RemoteManager.class.getMethod("getOrCreate", long.class,
                    String.class, ObjectSpec.class));
            byte[] head = RawJrmp.callBody(rootId, -1, getOrCreate, out -> out.writeLong(session));
            long used = registry.server().memory().used();
            try (RawJrmp raw = RawJrmp.connect(port, TestKeys.key())) {
                raw.header();
                // a name that says it has 512 MiB, of which this sends up to 4 MiB: the registry stops at 1 MiB
                CompletableFuture<Long> sent = sendInBackground(raw.socket.getOutputStream(), longStringCall(head),
                        4L << 20);
                Object answer = raw.answer();
                assertInstanceOf(RawJrmp.Thrown.class, answer, String.valueOf(answer));
                Throwable refused = ((RawJrmp.Thrown) answer).exception();
                assertInstanceOf(ServerException.class, refused);
                assertContains(messages(refused), "--max-call-bytes");
                long bytes = sent.get(Timing.millis(20_000), TimeUnit.MILLISECONDS);
                assertTrue(bytes > MAX_CALL, "the registry read " + bytes + " bytes of it before refusing");
                raw.readToEnd(); // and then closes the connection
            }
            long now = registry.server().memory().used();
            assertTrue(Math.abs(now - used) < 1024, "the call's charge was given back: before " + used + ", now "
                    + now);
            assertAnsweredWithinASecond(registry.url());
        }
    }

    /**
     * A JRMP call (0x50) of {@code head} whose next argument is a string declaring 512 MiB (TC_LONGSTRING and its
     * length), of which nothing follows yet: {@link #sendInBackground} sends its content.
     */
    static byte[] longStringCall(byte[] head) throws IOException {
        ByteArrayOutputStream call = new ByteArrayOutputStream();
        call.write(0x50);
        call.write(head);
        DataOutputStream d = new DataOutputStream(call);
        d.writeByte(0x7C); // TC_LONGSTRING
        d.writeLong(512L << 20);
        return call.toByteArray();
    }

    /** Writes {@code head}, then {@code 'a'} bytes up to {@code total}, until done or the connection breaks. */
    static CompletableFuture<Long> sendInBackground(OutputStream out, byte[] head, long total) {
        return CompletableFuture.supplyAsync(() -> {
            long sent = 0;
            try {
                out.write(head);
                sent = head.length;
                byte[] chunk = new byte[64 << 10];
                Arrays.fill(chunk, (byte) 'a');
                while (sent < total) {
                    out.write(chunk);
                    sent += chunk.length;
                }
                out.flush();
            } catch (IOException e) {
                // the registry closed the connection
            }
            return sent;
        });
    }

    /**
     * The worker knows the registry's call budget from its session grant and refuses a batch certainly above it
     * before sending any of it: sending it would meet a connection the registry closes mid-call (a broken pipe, not
     * the reason). The registry's own refusal of an over-budget call is tested with raw calls above.
     */
    @Test
    void aWorkersBatchOverTheCallBudgetIsRefusedWholeNamingTheOption() throws Exception {
        try (TestRegistry registry = TestRegistry.start(smallCalls())) {
            Manager m = registry.connect();
            SharedList<String> list = m.list(TestRegistry.uniqueName("batch"));
            List<String> big = new ArrayList<>();
            // 20 x 200 KB: four times the 1 MiB call budget, far beyond what the registry drains after refusing
            for (int i = 0; i < 20; i++) {
                big.add(String.valueOf((char) ('a' + i)).repeat(200_000)); // each under --max-value-size
            }
            for (int round = 0; round < 3; round++) {
                RegistryLimitException e = assertThrows(RegistryLimitException.class, () -> list.addAll(big));
                assertContains(e.getMessage(), "--max-call-bytes");
                assertContains(e.getMessage(), "nothing of it was done");
            }
            assertEquals(0, list.size(), "nothing was stored");
            list.addAll(big.subList(0, 2));
            assertEquals(2, list.size());

            SharedDict<String, String> dict = m.dict(TestRegistry.uniqueName("batch"));
            Map<String, String> entries = new java.util.LinkedHashMap<>();
            big.forEach(v -> entries.put(v.substring(0, 1), v));
            assertContains(assertThrows(RegistryLimitException.class, () -> dict.putAll(entries)).getMessage(),
                    "--max-call-bytes");
            assertEquals(0, dict.size(), "nothing was stored");
            SharedQueue<String> queue = m.queue(TestRegistry.uniqueName("batch"));
            assertContains(assertThrows(RegistryLimitException.class, () -> queue.addAll(big)).getMessage(),
                    "--max-call-bytes");
            assertEquals(0, queue.size(), "nothing was stored");
            assertAnsweredWithinASecond(registry.url());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Declared-size amplification

    /** A dict's put whose value is a {@code long[outer][]} whose first element declares {@code long[inner]}. */
    static byte[] amplifyingPut(ObjID dict, int outer, int inner) throws Exception {
        long put = RawJrmp.methodHash(RemoteDict.class.getMethod("put", byte[].class, byte[].class));
        byte[] body = RawJrmp.callBody(dict, -1, put, out -> {
            out.writeObject(new byte[] {1});
            out.writeObject(new long[][] {new long[] {0x0102030405060708L}});
        });
        byte[] marker = {0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8};
        int at = indexOf(body, marker, 0);
        assertTrue(at > 0, "the inner long[] in the stream");
        int outerAt = lastIndexOf(body, new byte[] {0, 0, 0, 1, 0x75}, at);
        assertTrue(outerAt > 0, "the outer array's length in the stream");
        byte[] call = Arrays.copyOf(body, at + 4); // then silence: none of the content follows
        writeInt(call, outerAt, outer);
        writeInt(call, at, inner);
        return call;
    }

    private static void writeInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle, int before) {
        int found = -1;
        for (int i = indexOf(haystack, needle, 0); i >= 0 && i < before; i = indexOf(haystack, needle, i + 1)) {
            found = i;
        }
        return found;
    }

    @Test
    void arraysDeclaringMoreThanTheCallCanCarryAreRefusedBeforeAllocation() throws Exception {
        try (TestRegistry registry = TestRegistry.start(smallCalls())) {
            int port = registry.server().port();
            Manager m = registry.connect();
            String name = TestRegistry.uniqueName("amplified");
            m.dict(name);
            ObjID dict = RawJrmp.objectId(root(port).lookup(name).stub());
            long used = registry.server().memory().used();
            // 33 connections of the 128-byte call (long[16777280][] whose first is long[16777280]), and
            // one whose arrays each fit in the call but not together (800 KB of references, then 960 KB)
            List<byte[]> calls = new ArrayList<>();
            for (int i = 0; i < 33; i++) {
                calls.add(amplifyingPut(dict, 16_777_280, 16_777_280));
            }
            calls.add(amplifyingPut(dict, 100_000, 120_000));
            List<RawJrmp> open = new ArrayList<>();
            try {
                for (byte[] call : calls) {
                    RawJrmp raw = RawJrmp.connect(port, TestKeys.key());
                    open.add(raw);
                    raw.header();
                    raw.send(call);
                }
                for (RawJrmp raw : open) {
                    Object answer = raw.answer();
                    assertInstanceOf(RawJrmp.Thrown.class, answer, String.valueOf(answer));
                    String why = messages(((RawJrmp.Thrown) answer).exception());
                    assertContains(why, "REJECTED");
                    assertContains(why, "--max-call-bytes");
                }
                // each call's charge was given back when it was answered (a few bytes of DGC acknowledgements,
                // which get no answer, may stay charged to their connection until its next call)
                long now = registry.server().memory().used();
                assertTrue(Math.abs(now - used) < 1024, "charged before " + used + ", now " + now);
                assertAnsweredWithinASecond(registry.url());
                for (RawJrmp raw : open) {
                    raw.readToEnd(); // the registry closes each (after a second of silence)
                }
            } finally {
                for (RawJrmp raw : open) {
                    raw.close();
                }
            }
            assertEquals(0, m.<String, Integer>dict(name).size());
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // One small request, a huge object; the memory budget

    @Test
    void createsAndGrowsAreChargedToTheMemoryBudget() throws Exception {
        long budget = 16 << 20;
        RegistryConfig config = RegistryConfig.defaults().withMaxValueBytes(1 << 20)
                .withProtection(RegistryConfig.Protection.defaults().withMemoryBudget(budget));
        try (TestRegistry registry = TestRegistry.start(config)) {
            Manager m = registry.connect();
            for (int i = 0; i < 10; i++) { // 2^26 slots: 512 MiB from a 100-byte request, ten times
                String name = TestRegistry.uniqueName("huge");
                RegistryLimitException e = assertThrows(RegistryLimitException.class,
                        () -> m.array(name, 'q', 1 << 26));
                assertContains(e.getMessage(), "--memory-budget");
                assertTrue(!m.names().contains(name), "not created");
            }
            assertAnsweredWithinASecond(registry.url());
            assertTrue(registry.server().memory().used() < budget / 4, "the refused arrays charged nothing: "
                    + registry.server().memory().used());
            m.array(TestRegistry.uniqueName("small"), 'q', 1000); // what fits is created
            assertEquals(budget, m.memory().budget(), "operators see the budget and its use");
            assertTrue(m.memory().used() >= 8000 && m.memory().used() < budget / 4, String.valueOf(m.memory()));

            // grow a dict until refused; nothing of the refused put is stored; removing gives room back
            String name = TestRegistry.uniqueName("filled");
            SharedDict<Integer, String> d = m.dict(name);
            String value = "v".repeat(512 << 10);
            int stored = 0;
            RegistryLimitException full = null;
            while (full == null) {
                try {
                    d.put(stored, value);
                    stored++;
                } catch (RegistryLimitException e) {
                    full = e;
                }
                assertTrue(stored < 100, "a 16 MiB budget held " + stored + " values of 512 KiB");
            }
            assertContains(full.getMessage(), "--memory-budget");
            assertTrue(stored >= 20, "only " + stored + " values of 512 KiB fit in 16 MiB");
            assertEquals(stored, d.size());
            assertTrue(registry.server().memory().used() <= budget);
            assertAnsweredWithinASecond(registry.url());
            d.remove(0);
            d.put(stored, value); // room again
            long full1 = registry.server().memory().used();
            assertTrue(m.destroy(name));
            assertTrue(registry.server().memory().used() < full1 - (stored - 1) * (512L << 10),
                    "a destroyed object gives its memory back: " + registry.server().memory().used());
            SharedList<String> l = m.list(TestRegistry.uniqueName("after"));
            for (int i = 0; i < 20; i++) {
                l.add(value);
            }
            l.clear();
            assertTrue(registry.server().memory().used() < budget / 4, "clear gives it back too");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Unbinding the root

    @Test
    void nobodyCanUnbindTheRootSoNewWorkersAlwaysFindIt() throws Exception {
        try (TestRegistry registry = TestRegistry.start()) {
            Registry rmi = LocateRegistry.getRegistry("127.0.0.1", registry.server().port(),
                    new ClientSocketFactory());
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger refused = new AtomicInteger();
            AtomicInteger unbound = new AtomicInteger();
            CompletableFuture<Void> attacker = CompletableFuture.runAsync(() -> {
                while (!stop.get()) {
                    try {
                        rmi.unbind(RemoteManager.BINDING);
                        unbound.incrementAndGet();
                    } catch (ServerException e) {
                        if (e.getCause() instanceof java.rmi.AccessException) {
                            refused.incrementAndGet();
                        }
                    } catch (Exception e) {
                        // counted as neither
                    }
                    try {
                        Thread.sleep(5); // the 5 ms loop
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                for (int i = 0; i < 16; i++) {
                    goodWorkerMillis(registry.url());
                }
            } finally {
                stop.set(true);
                attacker.get(Timing.millis(10_000), TimeUnit.MILLISECONDS);
            }
            assertEquals(0, unbound.get(), "an unbind succeeded");
            assertTrue(refused.get() > 0, "the attacker's unbinds were refused");
            assertTrue(Arrays.asList(rmi.list()).contains(RemoteManager.BINDING));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Idle authenticated connections; connections per peer

    @Test
    void authenticatedConnectionsAreBoundedPerPeer() throws Exception {
        int perPeer = 10;
        RegistryConfig config = RegistryConfig.defaults().withProtection(RegistryConfig.Protection.defaults()
                .withMaxConnectionsPerPeer(perPeer));
        InetAddress attackerAddress = InetAddress.getByName("127.0.0.2"); // another peer than the workers
        try (TestRegistry registry = TestRegistry.start(config)) {
            int port = registry.server().port();
            registry.connect();
            long connectionThreadsBefore = connectionThreads();
            List<RawJrmp> held = new ArrayList<>();
            int refused = 0;
            try {
                for (int i = 0; i < perPeer + 5; i++) {
                    RawJrmp raw = RawJrmp.connect(port, TestKeys.key(), attackerAddress);
                    try {
                        raw.header(); // authenticated, the JRMP header, then nothing
                        held.add(raw);
                    } catch (IOException e) {
                        refused++; // closed right after its handshake
                        raw.close();
                    }
                }
                assertEquals(perPeer, held.size(), "connections admitted from one peer");
                assertEquals(5, refused);
                assertContains(String.valueOf(registry.server().lastRefusal()), "--max-connections-per-peer");
                assertTrue(connectionThreads() <= connectionThreadsBefore + perPeer + 5 + 2,
                        "threads: " + connectionThreads() + ", before " + connectionThreadsBefore);
                // another peer (this JVM's workers, from 127.0.0.1) is served meanwhile
                assertAnsweredWithinASecond(registry.url());
            } finally {
                for (RawJrmp raw : held) {
                    raw.close();
                }
            }
            // once its connections are closed, the peer may connect again
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Timing.millis(10_000));
            while (true) {
                try (RawJrmp again = RawJrmp.connect(port, TestKeys.key(), attackerAddress)) {
                    again.header();
                    break;
                } catch (IOException e) {
                    assertTrue(System.nanoTime() < deadline, "the peer's closed connections still count");
                    Thread.sleep(20);
                }
            }
        }
    }

    @Test
    void idleAuthenticatedConnectionsAreClosedButNotTheLivenessConnection() throws Exception {
        int idle = (int) Timing.millis(1_500);
        RegistryConfig config = RegistryConfig.defaults().withProtection(RegistryConfig.Protection.defaults()
                .withIdleTimeoutMillis(idle));
        try (TestRegistry registry = TestRegistry.start(config)) {
            int port = registry.server().port();
            Manager worker = registry.connect();
            List<RawJrmp> idleOnes = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    RawJrmp raw = RawJrmp.connect(port, TestKeys.key());
                    idleOnes.add(raw);
                    raw.header(); // authenticated, the JRMP header, then nothing
                }
                long opened = System.nanoTime();
                for (RawJrmp raw : idleOnes) {
                    raw.readToEnd(); // closed by the registry
                }
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - opened);
                assertTrue(took < idle + Timing.millis(3_000), "idle connections closed after " + took + " ms");
            } finally {
                for (RawJrmp raw : idleOnes) {
                    raw.close();
                }
            }
            // the worker's session outlived the idle timeout: its liveness connection is never cut
            SessionInfo own = worker.sessions().stream().filter(s -> s.id() == worker.sessionId()).findFirst()
                    .orElseThrow(() -> new AssertionError("the worker's session ended"));
            assertTrue(own.liveConnection(), "the liveness connection is still attached");
            SharedDict<String, Integer> d = worker.dict(TestRegistry.uniqueName("after-idle"));
            d.put("k", 1); // its RMI connections may have been closed while idle: it opens new ones
            assertEquals(1, d.get("k"));
            assertAnsweredWithinASecond(registry.url());
        }
    }

    /** Threads RMI serves connections on, busy or idle in its pool. */
    private static long connectionThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith("RMI TCP Connection")).count();
    }

    @Test
    void aCallSilentInTheMiddleIsCutAfterTheIdleTimeout() throws Exception {
        int idle = (int) Timing.millis(1_000);
        RegistryConfig config = RegistryConfig.defaults().withProtection(RegistryConfig.Protection.defaults()
                .withIdleTimeoutMillis(idle));
        try (TestRegistry registry = TestRegistry.start(config)) {
            int port = registry.server().port();
            RemoteManager root = root(port);
            long getOrCreate = RawJrmp.methodHash(RemoteManager.class.getMethod("getOrCreate", long.class,
                    String.class, ObjectSpec.class));
            byte[] head = RawJrmp.callBody(RawJrmp.objectId(root), -1, getOrCreate, out -> out.writeLong(1));
            try (RawJrmp raw = RawJrmp.connect(port, TestKeys.key())) {
                raw.header();
                raw.send(head); // half a call, then silence
                long start = System.nanoTime();
                Object answer = raw.answer();
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertInstanceOf(RawJrmp.Thrown.class, answer);
                assertContains(messages(((RawJrmp.Thrown) answer).exception()), "Timeout");
                assertTrue(took >= idle / 2 && took < idle + Timing.millis(3_000), "answered after " + took + " ms");
                raw.readToEnd();
            } catch (IOException e) {
                fail("expected an answer, then the end", e);
            }
            assertAnsweredWithinASecond(registry.url());
        }
    }
}
