package io.jmanager.registry;

import static io.jmanager.registry.Fixture.LONG_WAIT;
import static io.jmanager.registry.Fixture.assertContains;
import static io.jmanager.registry.Fixture.awaitWaiting;
import static io.jmanager.registry.Fixture.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.ObjectTypeMismatchException;
import io.jmanager.SessionExpiredException;
import io.jmanager.wire.ObjectHandle;
import io.jmanager.wire.ObjectInfo;
import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.RemoteLock;
import io.jmanager.wire.SessionGrant;
import java.rmi.AccessException;
import java.rmi.AlreadyBoundException;
import java.rmi.NotBoundException;
import java.rmi.Remote;
import java.rmi.RemoteException;
import java.rmi.registry.Registry;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The manager without RMI: an exporter that hands out the objects themselves and an in-memory registry. */
class ManagerServiceTest {
    /** Exports objects as themselves and remembers what is exported. */
    static final class FakeExporter implements ManagerService.Exporter {
        final Set<Remote> exported = ConcurrentHashMap.newKeySet();

        @Override
        public Remote export(Remote object) {
            assertTrue(exported.add(object), "exported twice: " + object);
            return object;
        }

        @Override
        public void unexport(Remote object) {
            exported.remove(object);
        }
    }

    /** An RMI registry as a map; rebinds fail while {@link #failRebind} is set. */
    static final class FakeRegistry implements Registry {
        final Map<String, Remote> bindings = new ConcurrentHashMap<>();
        volatile boolean failRebind;

        @Override
        public Remote lookup(String name) throws NotBoundException {
            Remote r = bindings.get(name);
            if (r == null) {
                throw new NotBoundException(name);
            }
            return r;
        }

        @Override
        public void bind(String name, Remote obj) throws AlreadyBoundException {
            if (bindings.putIfAbsent(name, obj) != null) {
                throw new AlreadyBoundException(name);
            }
        }

        @Override
        public void unbind(String name) throws NotBoundException {
            if (bindings.remove(name) == null) {
                throw new NotBoundException(name);
            }
        }

        @Override
        public void rebind(String name, Remote obj) throws RemoteException {
            if (failRebind) {
                throw new AccessException("rebind refused for the test");
            }
            bindings.put(name, obj);
        }

        @Override
        public String[] list() {
            return bindings.keySet().toArray(new String[0]);
        }
    }

    private final Fixture fx = new Fixture();
    private final FakeExporter exporter = new FakeExporter();
    private final FakeRegistry registry = new FakeRegistry();
    private final ManagerService[] ref = new ManagerService[1];
    private final SessionTable sessions = new SessionTable((id, how) -> ref[0].sessionEnded(id, how));
    private final RegistryContext context = new RegistryContext(1024, 4096, TimeUnit.SECONDS.toNanos(60), sessions,
            name -> ref[0].lock(name));
    private final ManagerService service = new ManagerService(context, exporter, registry, 42, 5_000);

    {
        ref[0] = service;
    }

    @AfterEach
    void close() throws InterruptedException {
        fx.close();
    }

    @Test
    void openSessionGrantsTheLimitsAndTheEpoch() {
        SessionGrant g = service.openSession("host", 7, 0);
        assertEquals(42, g.epoch());
        assertEquals(5_000, g.leaseMillis(), "the default lease");
        assertEquals(1024, g.maxValueBytes());
        assertNotNull(g.registryVersion());
        assertEquals(2_000, service.openSession("host", 7, 2_000).leaseMillis());
        assertEquals(42, service.renewSession(g.sessionId()));
        service.closeSession(g.sessionId());
        service.closeSession(g.sessionId());
        assertThrows(SessionExpiredException.class, () -> service.renewSession(g.sessionId()));
        assertEquals(42, service.epoch());
    }

    @Test
    void getOrCreateCreatesOnceAndBindsTheName() throws Exception {
        long s = service.openSession("h", 1, 0).sessionId();
        ObjectHandle h1 = service.getOrCreate(s, "d", ObjectSpec.of(ObjectType.DICT));
        ObjectHandle h2 = service.getOrCreate(s, "d", ObjectSpec.of(ObjectType.DICT));
        assertSame(h1.stub(), h2.stub());
        assertInstanceOf(DictObject.class, h1.stub());
        assertEquals(ObjectType.DICT, h1.type());
        assertSame(h1.stub(), registry.lookup("d"));
        assertSame(h1.stub(), service.lookup("d").stub());
        assertEquals(1, exporter.exported.size());
    }

    @Test
    void getOrCreateChecksNamesSpecsAndTypes() throws Exception {
        long s = service.openSession("h", 1, 0).sessionId();
        assertThrows(IllegalArgumentException.class, () -> service.getOrCreate(s, "bad name", ObjectSpec.of(ObjectType.DICT)));
        assertThrows(IllegalArgumentException.class, () -> service.getOrCreate(s, "jmanager", ObjectSpec.of(ObjectType.DICT)));
        assertThrows(IllegalArgumentException.class, () -> service.getOrCreate(s, "n", null));
        assertThrows(IllegalArgumentException.class,
                () -> service.getOrCreate(s, "q", ObjectSpec.sized(ObjectType.QUEUE, -1)));
        service.getOrCreate(s, "q", ObjectSpec.sized(ObjectType.QUEUE, 3));
        ObjectTypeMismatchException e = assertThrows(ObjectTypeMismatchException.class,
                () -> service.getOrCreate(s, "q", ObjectSpec.of(ObjectType.LIST)));
        assertContains(e.getMessage(), "queue", "list");
        assertThrows(ObjectTypeMismatchException.class,
                () -> service.getOrCreate(s, "q", ObjectSpec.sized(ObjectType.QUEUE, 4)));
        assertEquals(1, exporter.exported.size(), "failed requests export nothing");
        assertEquals(Set.of("q"), registry.bindings.keySet());
    }

    @Test
    void aConditionCreatesItsRlockOrUsesAnExistingLock() throws Exception {
        long s = service.openSession("h", 1, 0).sessionId();
        ObjectHandle c = service.getOrCreate(s, "c", ObjectSpec.condition("c-lock"));
        assertInstanceOf(ConditionObject.class, c.stub());
        assertEquals(ObjectType.RLOCK, service.lookup("c-lock").type());

        service.getOrCreate(s, "plain", ObjectSpec.of(ObjectType.LOCK));
        ObjectHandle c2 = service.getOrCreate(s, "c2", ObjectSpec.condition("plain"));
        RemoteLock lock = (RemoteLock) service.lookup("plain").stub();
        assertTrue(lock.acquire(s, 1, 1, 0) > 0);
        ((ConditionObject) c2.stub()).awaitBegin(s, 1, 2);
        assertFalse(lock.isLocked(), "the condition is bound to the existing lock");

        service.getOrCreate(s, "dict", ObjectSpec.of(ObjectType.DICT));
        ObjectTypeMismatchException e = assertThrows(ObjectTypeMismatchException.class,
                () -> service.getOrCreate(s, "c3", ObjectSpec.condition("dict")));
        assertContains(e.getMessage(), "'c3'", "'dict'", "dict");
        assertThrows(IllegalArgumentException.class, () -> service.getOrCreate(s, "c4", ObjectSpec.condition("no way")));
    }

    @Test
    void aConditionCannotBeItsOwnLock() throws Exception {
        long s = service.openSession("h", 1, 0).sessionId();
        assertThrows(IllegalArgumentException.class, () -> service.getOrCreate(s, "self", ObjectSpec.condition("self")));
        assertEquals(0, service.list().length);
        assertTrue(exporter.exported.isEmpty(), "nothing leaked: " + exporter.exported);
        assertTrue(registry.bindings.isEmpty());
    }

    @Test
    void aFailedBindingUnexportsTheNewObject() throws Exception {
        long s = service.openSession("h", 1, 0).sessionId();
        registry.failRebind = true;
        assertThrows(RemoteException.class, () -> service.getOrCreate(s, "d", ObjectSpec.of(ObjectType.DICT)));
        assertTrue(exporter.exported.isEmpty());
        assertThrows(NoSuchSharedObjectException.class, () -> service.lookup("d"));
        registry.failRebind = false;
        assertNotNull(service.getOrCreate(s, "d", ObjectSpec.of(ObjectType.DICT)));
    }

    @Test
    void listIsSortedWithSummaries() throws Exception {
        long s = service.openSession("h", 1, 0).sessionId();
        service.getOrCreate(s, "zeta", ObjectSpec.of(ObjectType.LIST));
        service.getOrCreate(s, "alpha", ObjectSpec.of(ObjectType.DICT));
        service.getOrCreate(s, "mid", ObjectSpec.of(ObjectType.EVENT));
        ObjectInfo[] infos = service.list();
        assertEquals(List.of("alpha", "mid", "zeta"), Arrays.stream(infos).map(ObjectInfo::name).toList());
        assertEquals("0 entries", infos[0].summary());
        assertEquals("clear, 0 waiting", infos[1].summary());
        assertEquals("0 items", infos[2].summary());
    }

    @Test
    void destroyUnbindsUnexportsAndFailsWaiters() throws Exception {
        long s1 = service.openSession("h", 1, 0).sessionId();
        long s2 = service.openSession("h", 2, 0).sessionId();
        LockObject lock = (LockObject) service.getOrCreate(s1, "l", ObjectSpec.of(ObjectType.LOCK)).stub();
        lock.acquire(s1, 1, 1, 0);
        Future<Long> waiter = fx.async(() -> lock.acquire(s2, 1, 2, LONG_WAIT));
        awaitWaiting(lock, 1);
        assertTrue(service.destroy("l"));
        assertThrows(NoSuchSharedObjectException.class, () -> get(waiter));
        assertFalse(service.destroy("l"));
        assertThrows(NoSuchSharedObjectException.class, () -> service.lookup("l"));
        assertTrue(exporter.exported.isEmpty());
        assertFalse(registry.bindings.containsKey("l"));
        LockObject fresh = (LockObject) service.getOrCreate(s1, "l", ObjectSpec.of(ObjectType.LOCK)).stub();
        assertFalse(fresh.isLocked(), "a new object under the old name");
    }

    @Test
    void killingASessionReleasesItsHoldsInEveryObject() throws Exception {
        long s1 = service.openSession("h", 1, 0).sessionId();
        long s2 = service.openSession("h", 2, 0).sessionId();
        LockObject l1 = (LockObject) service.getOrCreate(s1, "l1", ObjectSpec.of(ObjectType.LOCK)).stub();
        LockObject l2 = (LockObject) service.getOrCreate(s1, "l2", ObjectSpec.of(ObjectType.RLOCK)).stub();
        SemaphoreObject sem = (SemaphoreObject) service.getOrCreate(s1, "s",
                ObjectSpec.sized(ObjectType.SEMAPHORE, 2)).stub();
        l1.acquire(s1, 1, 1, 0);
        l2.acquire(s1, 1, 2, 0);
        l2.acquire(s1, 1, 3, 0);
        sem.acquire(s1, 4, 2, 0);
        Future<Long> waiter = fx.async(() -> l1.acquire(s2, 1, 5, LONG_WAIT));
        awaitWaiting(l1, 1);
        assertTrue(service.killSession(s1));
        assertTrue(get(waiter) > 0);
        assertFalse(l2.isLocked());
        assertEquals(2, sem.availablePermits(), "an abandoned session's permits return");
        assertFalse(service.killSession(s1), "already ended");
    }

    @Test
    void closingASessionReleasesItsLocksButKeepsConsumedPermitsConsumed() throws Exception {
        long s1 = service.openSession("h", 1, 0).sessionId();
        LockObject l = (LockObject) service.getOrCreate(s1, "cl", ObjectSpec.of(ObjectType.LOCK)).stub();
        SemaphoreObject sem = (SemaphoreObject) service.getOrCreate(s1, "cs",
                ObjectSpec.sized(ObjectType.SEMAPHORE, 2)).stub();
        l.acquire(s1, 1, 1, 0);
        sem.acquire(s1, 2, 2, 0);
        service.closeSession(s1);
        assertFalse(l.isLocked());
        assertEquals(0, sem.availablePermits(), "a clean close may have consumed its permits as signals");
    }

    @Test
    void unexportAllDestroysEverything() throws Exception {
        long s = service.openSession("h", 1, 0).sessionId();
        DictObject d = (DictObject) service.getOrCreate(s, "d", ObjectSpec.of(ObjectType.DICT)).stub();
        service.getOrCreate(s, "c", ObjectSpec.condition("l"));
        service.unexportAll();
        assertTrue(exporter.exported.isEmpty());
        assertEquals(0, service.list().length);
        assertThrows(NoSuchSharedObjectException.class, d::size);
    }

    @Test
    void concurrentGetOrCreateMakesOneObject() throws Exception {
        long s = service.openSession("h", 1, 0).sessionId();
        List<Future<ObjectHandle>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 16; i++) {
            all.add(fx.async(() -> service.getOrCreate(s, "shared", ObjectSpec.sized(ObjectType.QUEUE, 2))));
        }
        Set<Remote> stubs = new HashSet<>();
        for (Future<ObjectHandle> f : all) {
            stubs.add(get(f).stub());
        }
        assertEquals(1, stubs.size());
        assertEquals(1, exporter.exported.size());
    }
}
