package io.jmanager.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.TestKeys;
import io.jmanager.TestRegistry;
import io.jmanager.Timing;
import io.jmanager.registry.RegistryConfig;
import io.jmanager.wire.ClientSocketFactory;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteManager;
import java.io.ByteArrayOutputStream;
import java.io.InvalidClassException;
import java.io.ObjectOutputStream;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.rmi.Remote;
import java.rmi.ServerException;
import java.rmi.UnmarshalException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.ObjID;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes against a registry running in this JVM (so that a {@link Canary} deserialized there would be
 * seen): JRMP without the handshake, smuggled arguments with the key, ysoserial-shaped calls at the DGC and the RMI
 * registry, and remote binding. After each, the canary has not run and the registry still serves.
 */
class HostileInputTest {
    static TestRegistry registry;
    static Manager m;
    static int port;
    static RemoteManager root;
    static long session;

    @BeforeAll
    static void start() throws Exception {
        registry = TestRegistry.start(RegistryConfig.defaults().withHandshakeTimeoutMillis((int) Timing.millis(3_000)));
        m = registry.connect();
        port = registry.server().port();
        Registry rmi = LocateRegistry.getRegistry("127.0.0.1", port, new ClientSocketFactory());
        root = (RemoteManager) rmi.lookup(RemoteManager.BINDING);
        session = root.openSession("hostile-test", 1, 0).sessionId();
    }

    @AfterAll
    static void stop() throws Exception {
        root.closeSession(session);
        registry.close();
    }

    @BeforeEach
    void resetCanary() {
        Canary.RUNS.set(0);
    }

    @AfterEach
    void theCanaryNeverRanAndTheRegistryStillServes() {
        assertEquals(0, Canary.RUNS.get(), "a class outside the allow-list was deserialized");
        SharedDict<String, Integer> d = m.dict(TestRegistry.uniqueName("still-serving"));
        d.put("k", 1);
        assertEquals(1, d.get("k"));
    }

    private static byte[] canaryCall(ObjID target, int op, long hash) throws Exception {
        return RawJrmp.callBody(target, op, hash, out -> out.writeObject(new Canary("gadget")));
    }

    // ------------------------------------------------------------------------------------------------------------
    // Without the key

    @Test
    void jrmpWithoutTheHandshakeIsDroppedBeforeAnythingIsDeserialized() throws Exception {
        ObjID rootId = RawJrmp.objectId(root);
        long getOrCreate = RawJrmp.methodHash(RemoteManager.class.getMethod("getOrCreate", long.class, String.class,
                ObjectSpec.class));
        List<byte[]> calls = List.of(
                canaryCall(RawJrmp.DGC, 1, RawJrmp.DGC_HASH),
                canaryCall(RawJrmp.REGISTRY, 2, RawJrmp.REGISTRY_HASH),
                RawJrmp.callBody(RawJrmp.REGISTRY, 0, RawJrmp.REGISTRY_HASH, out -> {
                    out.writeObject("evil");
                    out.writeObject(new Canary("bind"));
                }),
                RawJrmp.callBody(rootId, -1, getOrCreate, out -> {
                    out.writeLong(session);
                    out.writeObject("smuggled");
                    out.writeObject(new Canary("spec"));
                }));
        for (byte[] call : calls) {
            long start = System.nanoTime();
            try (RawJrmp raw = RawJrmp.connect(port, null)) {
                try {
                    raw.writeHeader();
                    raw.send(call);
                } catch (java.io.IOException e) {
                    // the registry closed already, on the first bytes that were not its handshake: fine
                }
                byte[] got = raw.readToEnd();
                // at most the registry's greeting came back, never a JRMP acknowledgement or a return
                assertTrue(got.length <= 45, "got " + got.length + " bytes");
                assertTrue(RawJrmp.ascii(got).startsWith("JMAH".substring(0, Math.min(4, got.length))),
                        RawJrmp.ascii(got));
            }
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(took < Timing.millis(2_000), "dropped at once on the wrong magic, took " + took + " ms");
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // With the key: the filters

    /** Calls getOrCreate through the root stub's own invocation handler, with any object as the spec. */
    private static Throwable smuggle(Object spec) throws Exception {
        InvocationHandler handler = Proxy.getInvocationHandler(root);
        Method getOrCreate = RemoteManager.class.getMethod("getOrCreate", long.class, String.class, ObjectSpec.class);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // a big stack: serializing a 1,000-deep map recurses deeply on this side
        Thread t = new Thread(null, () -> {
            try {
                handler.invoke(root, getOrCreate, new Object[] {session, TestRegistry.uniqueName("smuggled"), spec});
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "smuggler", 256L << 20);
        t.start();
        t.join(Timing.millis(30_000));
        assertFalse(t.isAlive(), "the call hung");
        return failure.get();
    }

    /**
     * The registry's answer to a refused call: {@code ServerException} wrapping the {@code UnmarshalException} of
     * the filter's {@code InvalidClassException ... REJECTED}.
     */
    private static void assertRefusedByTheFilter(Throwable t) {
        assertInstanceOf(ServerException.class, t, String.valueOf(t));
        assertInstanceOf(UnmarshalException.class, t.getCause());
        Throwable root = t;
        while (root.getCause() != null && !(root instanceof InvalidClassException)) {
            root = root.getCause();
        }
        assertInstanceOf(InvalidClassException.class, root);
        assertTrue(root.getMessage().contains("REJECTED"), root.getMessage());
        // the filter's own reason, when it gives one, is a limit naming its option
        if (root.getCause() != null) {
            assertInstanceOf(io.jmanager.RegistryLimitException.class, root.getCause());
            assertTrue(root.getCause().getMessage().contains("--max-call-bytes"), root.getCause().getMessage());
        }
    }

    /**
     * Like {@link #assertRefusedByTheFilter}, or, for a large payload, the connection the registry closed after
     * refusing it while this side was still sending.
     */
    /**
     * The filter's refusal, or the registry hanging up on the call while the worker still sends it: RMI reports a
     * failed write as a {@link java.rmi.MarshalException} while it marshals the arguments, and as an
     * {@link java.rmi.UnmarshalException} ("Error unmarshaling return header") when the write that fails is the
     * call's last flush, made where RMI starts reading the answer. Either way the cause is the broken connection.
     */
    private static void assertRefusedOrHungUp(Throwable t) {
        boolean brokenConnection = t != null && t.getCause() instanceof java.net.SocketException;
        if (brokenConnection && (t instanceof java.rmi.MarshalException
                || t instanceof java.rmi.UnmarshalException && String.valueOf(t.getMessage())
                        .startsWith("Error unmarshaling return header"))) {
            return;
        }
        assertRefusedByTheFilter(t);
    }

    @Test
    void aCanaryInPlaceOfAWireTypeIsRefusedUninstantiated() throws Exception {
        assertRefusedByTheFilter(smuggle(new Canary("in place of ObjectSpec")));
        assertRefusedByTheFilter(smuggle(new Object[] {new Canary("in an array")}));
        assertRefusedByTheFilter(smuggle(new HashMap<>(Map.of("k", new Canary("in a map")))));
    }

    @Test
    void aHashMapNestedAThousandDeepIsRefused() throws Exception {
        Map<String, Object> deep = new HashMap<>();
        for (int i = 0; i < 1_000; i++) {
            Map<String, Object> outer = new HashMap<>();
            outer.put("k", deep);
            deep = outer;
        }
        assertRefusedOrHungUp(smuggle(deep));
    }

    @Test
    void deepArraysOfAnAllowedTypeAreRefused() throws Exception {
        Object nested = new byte[0];
        for (int i = 0; i < 20; i++) {
            Object[] outer = (Object[]) java.lang.reflect.Array.newInstance(nested.getClass(), 1);
            outer[0] = nested;
            nested = outer;
        }
        assertRefusedByTheFilter(smuggle(nested));
    }

    @Test
    void theCallerGetsAClearErrorFromTheProxies() throws Exception {
        // what Manager's proxies turn the refusal into
        Method translate = Class.forName("io.jmanager.Rpc").getDeclaredMethod("translate", String.class,
                String.class, Exception.class);
        translate.setAccessible(true);
        RuntimeException e = (RuntimeException) translate.invoke(null, registry.url(), "the registry",
                smuggle(new Canary("for the message")));
        assertInstanceOf(IllegalArgumentException.class, e);
        assertTrue(e.getMessage().contains("deserialization filter"), e.getMessage());
    }

    /** A call whose argument is an array claiming 2^31-1 elements, with none following. */
    @Test
    void hugeArrayHeadersAreRefusedBeforeAnythingIsAllocated() throws Exception {
        ObjID rootId = RawJrmp.objectId(root);
        long getOrCreate = RawJrmp.methodHash(RemoteManager.class.getMethod("getOrCreate", long.class, String.class,
                ObjectSpec.class));
        // 1. a top-level byte[] in place of the spec: patch its length, drop its content
        byte[] body = RawJrmp.callBody(rootId, -1, getOrCreate, out -> {
            out.writeLong(session);
            out.writeObject("huge-array");
            out.writeObject(new byte[] {42});
        });
        byte[] topLevel = Arrays.copyOf(body, body.length - 1);
        assertArrayEquals(new byte[] {0, 0, 0, 1}, Arrays.copyOfRange(topLevel, topLevel.length - 4, topLevel.length));
        topLevel[topLevel.length - 4] = 0x7f;
        topLevel[topLevel.length - 3] = (byte) 0xff;
        topLevel[topLevel.length - 2] = (byte) 0xff;
        topLevel[topLevel.length - 1] = (byte) 0xff;
        assertRefusedRaw(topLevel);

        // 2. the long[] of initial values inside an otherwise valid spec
        byte[] spec = RawJrmp.callBody(rootId, -1, getOrCreate, out -> {
            out.writeLong(session);
            out.writeObject("huge-inner-array");
            out.writeObject(ObjectSpec.typed(ObjectType.ARRAY, "q", 1, new long[] {0x0102030405060708L}));
        });
        byte[] marker = {0, 0, 0, 1, 1, 2, 3, 4, 5, 6, 7, 8};
        int at = indexOf(spec, marker);
        assertTrue(at > 0, "the long[] in the stream");
        byte[] inner = Arrays.copyOf(spec, at + 4);
        inner[at] = 0x7f;
        inner[at + 1] = (byte) 0xff;
        inner[at + 2] = (byte) 0xff;
        inner[at + 3] = (byte) 0xff;
        assertRefusedRaw(inner);
    }

    private static void assertRefusedRaw(byte[] call) throws Exception {
        try (RawJrmp raw = RawJrmp.connect(port, TestKeys.key())) {
            raw.header();
            Object answer = raw.call(call);
            assertInstanceOf(RawJrmp.Thrown.class, answer);
            assertRefusedByTheFilter(((RawJrmp.Thrown) answer).exception());
        }
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    // ------------------------------------------------------------------------------------------------------------
    // ysoserial-shaped calls at the DGC and the RMI registry, with the key

    @Test
    void aCanaryAtTheDgcIsRefusedByItsFilter() throws Exception {
        for (Object payload : new Object[] {new Canary("dgc"), new Object[] {new Canary("dgc array")}}) {
            try (RawJrmp raw = RawJrmp.connect(port, TestKeys.key())) {
                raw.header();
                Object answer = raw.call(RawJrmp.callBody(RawJrmp.DGC, 1, RawJrmp.DGC_HASH, out -> {
                    out.writeObject(payload);
                    out.writeLong(1);
                    out.writeObject(null);
                }));
                assertRefusedByTheFilter(((RawJrmp.Thrown) answer).exception());
            }
        }
    }

    @Test
    void aCanaryAtTheRegistrysLookupAndBindIsRefused() throws Exception {
        for (int op : new int[] {2, 0, 3}) { // lookup(String), bind(String, Remote), rebind(String, Remote)
            try (RawJrmp raw = RawJrmp.connect(port, TestKeys.key())) {
                raw.header();
                Object answer = raw.call(RawJrmp.callBody(RawJrmp.REGISTRY, op, RawJrmp.REGISTRY_HASH, out -> {
                    if (op == 2) {
                        out.writeObject(new Canary("lookup"));
                    } else {
                        out.writeObject("evil");
                        out.writeObject(new Canary("bind"));
                    }
                }));
                assertInstanceOf(RawJrmp.Thrown.class, answer, "op " + op + ": " + answer);
                Throwable t = ((RawJrmp.Thrown) answer).exception();
                if (op == 2) {
                    // lookup reads its name as a string: an object there is refused before any filter is asked
                    assertInstanceOf(ServerException.class, t);
                    assertInstanceOf(UnmarshalException.class, t.getCause());
                } else {
                    // refused by the registry's access check, before its arguments are read
                    assertRefusedAccess(t);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Binding names

    /** The RMI registry's refusal of a bind, rebind or unbind: its access check, before reading arguments. */
    private static void assertRefusedAccess(Throwable t) {
        assertInstanceOf(ServerException.class, t, String.valueOf(t));
        assertInstanceOf(java.rmi.AccessException.class, t.getCause(), String.valueOf(t));
        assertTrue(t.getCause().getMessage().contains("disallowed; origin unknown"), t.getCause().getMessage());
    }

    @Test
    void nobodyCanBindRebindOrUnbindNamesEvenOnThisHost() throws Exception {
        // the JDK lets callers on the registry's host do all three; this registry's connections have no origin
        String name = TestRegistry.uniqueName("bound");
        m.list(name);
        Registry rmi = LocateRegistry.getRegistry("127.0.0.1", port, new ClientSocketFactory());
        Remote impostor = root; // any stub would do: the registry does not even read it
        assertRefusedAccess(assertThrows(ServerException.class, () -> rmi.rebind(RemoteManager.BINDING, impostor)));
        assertRefusedAccess(assertThrows(ServerException.class, () -> rmi.bind("evil", impostor)));
        assertRefusedAccess(assertThrows(ServerException.class, () -> rmi.unbind(RemoteManager.BINDING)));
        assertRefusedAccess(assertThrows(ServerException.class, () -> rmi.unbind(name)));
        assertFalse(Arrays.asList(rmi.list()).contains("evil"));
        assertTrue(Arrays.asList(rmi.list()).containsAll(List.of(name, RemoteManager.BINDING)));
        // lookups by name still work, for the root and for every object
        assertEquals(RawJrmp.objectId(root), RawJrmp.objectId(rmi.lookup(RemoteManager.BINDING)));
        io.jmanager.wire.RemoteList list = (io.jmanager.wire.RemoteList) rmi.lookup(name);
        assertEquals(0, list.size());
        try (Manager fresh = Manager.connect(registry.url())) {
            assertTrue(fresh.names().contains(name));
        }
    }

    @Test
    void theKeyNeverTravelsInAStub() throws Exception {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(buffer)) {
            out.writeObject(root);
            out.writeObject(LocateRegistry.getRegistry("127.0.0.1", port, new ClientSocketFactory()));
            out.writeObject(root.getOrCreate(session, TestRegistry.uniqueName("stub"), ObjectSpec.of(ObjectType.DICT)));
        }
        String stream = new String(buffer.toByteArray(), StandardCharsets.ISO_8859_1);
        String keyText = java.nio.file.Files.readString(TestKeys.file()).trim();
        assertFalse(stream.contains(keyText), "the key's text is in a stub");
        assertFalse(stream.contains(keyText.substring(0, 16)), "part of the key's text is in a stub");
        assertTrue(stream.contains("io.jmanager.wire.ClientSocketFactory"), "stubs name their factory, nothing more");
        assertEquals(CompletableFuture.completedFuture(0).get(), Canary.RUNS.get());
    }
}
