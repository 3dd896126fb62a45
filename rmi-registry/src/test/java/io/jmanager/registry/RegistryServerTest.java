package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.ObjectTypeMismatchException;
import io.jmanager.SessionExpiredException;
import io.jmanager.ValueTooLargeException;
import io.jmanager.wire.ClientSocketFactory;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteDict;
import io.jmanager.wire.RemoteLock;
import io.jmanager.wire.RemoteManager;
import io.jmanager.wire.ValueCodec;
import io.jmanager.wire.WireFilter;
import java.io.ObjectInputFilter;
import java.rmi.NoSuchObjectException;
import java.rmi.RemoteException;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** End to end over RMI on a free loopback port (never 1099). */
class RegistryServerTest {
    private static RegistryServer server;
    private static RemoteManager manager;
    private static final int MAX_VALUE = 4096;

    @BeforeAll
    static void start() throws Exception {
        server = RegistryServer.start(RegistryConfig.defaults().withPort(0).withBindAddress("127.0.0.1")
                .withAdvertiseHost("127.0.0.1").withMaxValueBytes(MAX_VALUE).withWaitSliceMillis(200)
                .withLeaseMillis(10_000).withAuthKey(Fixture.AUTH_KEY));
        Registry registry = LocateRegistry.getRegistry("127.0.0.1", server.port(), new ClientSocketFactory());
        manager = (RemoteManager) registry.lookup(RemoteManager.BINDING);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
            server.close();
        }
    }

    private static byte[] enc(Object v) {
        return ValueCodec.encode(v, null);
    }

    @Test
    void serverAnswersOnItsPort() throws Exception {
        assertNotEquals(1099, server.port());
        assertEquals("rmi://127.0.0.1:" + server.port(), server.url());
        assertEquals(server.epoch(), manager.epoch());
    }

    @Test
    void dictOverRmi() throws Exception {
        long s = manager.openSession("test", 1, 0).sessionId();
        RemoteDict d = (RemoteDict) manager.getOrCreate(s, "e2e-dict", ObjectSpec.of(ObjectType.DICT)).stub();
        assertNull(d.put(enc("k"), enc(1)));
        assertArrayEquals(enc(1), d.get(enc("k")));
        assertArrayEquals(enc(3), d.increment(enc("k"), enc(2)));
        ValueTooLargeException big = assertThrows(ValueTooLargeException.class,
                () -> d.put(enc("k"), new byte[MAX_VALUE + 1]));
        assertContains(big.getMessage(), "nothing was stored");
        assertThrows(IllegalArgumentException.class, () -> d.increment(enc("k"), enc("x")));
        assertThrows(ObjectTypeMismatchException.class,
                () -> manager.getOrCreate(s, "e2e-dict", ObjectSpec.of(ObjectType.LIST)));
        assertEquals(1, d.size());
        manager.closeSession(s);
    }

    @Test
    void theWireFilterRefusesOverlongArraysBeforeTheCall() throws Exception {
        long s = manager.openSession("test", 1, 0).sessionId();
        RemoteDict d = (RemoteDict) manager.getOrCreate(s, "e2e-filtered", ObjectSpec.of(ObjectType.DICT)).stub();
        byte[] huge = new byte[(1 << 20) + 1];
        // refused while unmarshalling (the client sees the refusal, or a broken pipe if it was still sending):
        // had the call reached put, it would have failed with ValueTooLargeException, which is no RemoteException
        assertThrows(RemoteException.class, () -> d.put(enc("k"), huge));
        assertEquals(0, d.size());
        manager.closeSession(s);
    }

    @Test
    void lockErrorsCrossAsThemselves() throws Exception {
        long s1 = manager.openSession("test", 1, 0).sessionId();
        long s2 = manager.openSession("test", 2, 0).sessionId();
        RemoteLock lock = (RemoteLock) manager.getOrCreate(s1, "e2e-lock", ObjectSpec.of(ObjectType.LOCK)).stub();
        assertTrue(lock.acquire(s1, 1, 1, 0) > 0);
        IllegalMonitorStateException e = assertThrows(IllegalMonitorStateException.class,
                () -> lock.release(s2, 1));
        assertContains(e.getMessage(), "held by session " + s1);
        long start = System.nanoTime();
        assertEquals(0, lock.acquire(s2, 1, 2, Long.MAX_VALUE), "the registry waits one slice at most");
        assertTrue(System.nanoTime() - start < 5_000_000_000L * (long) Math.ceil(Fixture.FACTOR));
        manager.closeSession(s1);
        assertThrows(SessionExpiredException.class, () -> lock.acquire(s1, 1, 3, 0));
        assertTrue(lock.acquire(s2, 1, 4, 0) > 0, "closing s1 released its lock");
        manager.closeSession(s2);
    }

    @Test
    void anUnrenewedLeaseEndsAndReleasesTheLock() throws Exception {
        long s1 = manager.openSession("test", 1, 150).sessionId();
        long s2 = manager.openSession("test", 2, 0).sessionId();
        RemoteLock lock = (RemoteLock) manager.getOrCreate(s2, "e2e-lease", ObjectSpec.of(ObjectType.LOCK)).stub();
        assertTrue(lock.acquire(s1, 1, 1, 0) > 0);
        Fixture.eventually("the reaper ends the silent session", () -> {
            try {
                return !lock.isLocked();
            } catch (RemoteException e) {
                throw new AssertionError(e);
            }
        });
        assertThrows(SessionExpiredException.class, () -> manager.renewSession(s1));
        manager.closeSession(s2);
    }

    @Test
    void destroyedObjectsAreUnexported() throws Exception {
        long s = manager.openSession("test", 1, 0).sessionId();
        RemoteDict d = (RemoteDict) manager.getOrCreate(s, "e2e-doomed", ObjectSpec.of(ObjectType.DICT)).stub();
        d.put(enc(1), enc(2));
        assertTrue(manager.destroy("e2e-doomed"));
        assertThrows(NoSuchObjectException.class, d::size);
        assertThrows(NoSuchSharedObjectException.class, () -> manager.lookup("e2e-doomed"));
        assertFalse(manager.destroy("e2e-doomed"));
        manager.closeSession(s);
    }

    /** A filter question about a call stream of the given size and shape. */
    private static ObjectInputFilter.FilterInfo info(long streamBytes, long arrayLength, long references) {
        return new ObjectInputFilter.FilterInfo() {
            @Override
            public Class<?> serialClass() {
                return byte[].class;
            }

            @Override
            public long arrayLength() {
                return arrayLength;
            }

            @Override
            public long depth() {
                return 2;
            }

            @Override
            public long references() {
                return references;
            }

            @Override
            public long streamBytes() {
                return streamBytes;
            }
        };
    }

    @Test
    void everyBatchWithinTheRegistryLimitsPassesTheWireFilter() {
        for (int maxValue : new int[] {1024, 4096, 16 << 20, Integer.MAX_VALUE - 1024}) {
            long maxBatch = RegistryServer.maxBatchBytes(maxValue);
            WireFilter filter = RegistryServer.wireFilter(maxValue);
            // putAll at the batch limit: keys and values of 10,000 entries, with the stream's per-array overhead
            long stream = maxBatch + 2 * 10_000 * 16L + 4096;
            assertEquals(ObjectInputFilter.Status.ALLOWED, filter.checkInput(info(stream, 10_000, 20_010)),
                    "max value " + maxValue);
            assertEquals(ObjectInputFilter.Status.ALLOWED, filter.checkInput(info(stream, maxValue, 3)),
                    "one value of the largest size, max value " + maxValue);
        }
    }
}
