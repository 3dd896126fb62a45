package io.jmanager.registry;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.wire.ObjectSpec;
import io.jmanager.wire.ObjectType;
import io.jmanager.wire.ValueCodec;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * Registry state machines without RMI: a session table whose ended sessions are dispatched to every object made
 * here (as {@link ManagerService} does), a context with small limits, and a thread pool for blocking calls.
 * Timeouts only bound how long a failing test waits; they scale with {@code -Djmanager.test.timeFactor}.
 */
final class Fixture implements AutoCloseable {
    static final double FACTOR = factor();
    static final int MAX_VALUE = 1024;
    static final long MAX_BATCH = 4096;
    /**
     * The key of the registries the tests of this module start over RMI; this JVM authenticates with it (it is
     * never the user's {@code ~/.jmanager/authkey}).
     */
    static final io.jmanager.AuthKey AUTH_KEY = io.jmanager.AuthKey.generate();

    static {
        io.jmanager.wire.ClientTransport.addAuthKey(AUTH_KEY);
    }

    final List<GuardedObject> objects = new CopyOnWriteArrayList<>();
    final SessionTable sessions = new SessionTable((id, how) -> objects.forEach(o -> o.endSession(id, how)));
    final RegistryContext context;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fixture");
        t.setDaemon(true);
        return t;
    });

    /** A fixture whose wait slice is longer than any test waits, so blocked calls stay blocked until granted. */
    Fixture() {
        this(TimeUnit.SECONDS.toNanos(60));
    }

    Fixture(long waitSliceNanos) {
        this.context = new RegistryContext(MAX_VALUE, MAX_BATCH, waitSliceNanos, sessions, this::findLock);
    }

    private static double factor() {
        String value = System.getProperty("jmanager.test.timeFactor", System.getenv("JMANAGER_TEST_TIME_FACTOR"));
        try {
            return value == null || value.isBlank() ? 1.0 : Math.max(0.1, Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return 1.0;
        }
    }

    static long millis(long millis) {
        return (long) (millis * FACTOR);
    }

    static long nanos(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis(millis));
    }

    /** How long a test waits at most for something that should happen promptly. */
    static final long TIMEOUT_MILLIS = millis(10_000);
    /** A wait budget that must never run out in a passing test. */
    static final long LONG_WAIT = TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS * 3);

    long session() {
        return sessions.open("test-host", 4242, TimeUnit.HOURS.toNanos(1)).id;
    }

    <T extends GuardedObject> T add(T object) {
        objects.add(object);
        return object;
    }

    /** The lock made here under {@code name}, for fenced writes. */
    LockObject findLock(String name) {
        for (GuardedObject o : objects) {
            if (o instanceof LockObject l && l.name.equals(name)) {
                return l;
            }
        }
        throw new io.jmanager.NoSuchSharedObjectException("no lock '" + name + "' in this fixture");
    }

    LockObject lock(String name) {
        return add(new LockObject(name, ObjectSpec.of(ObjectType.LOCK), context));
    }

    LockObject rlock(String name) {
        return add(new LockObject(name, ObjectSpec.of(ObjectType.RLOCK), context));
    }

    static byte[] enc(Object value) {
        return ValueCodec.encode(value, null);
    }

    static Object dec(byte[] bytes) {
        return bytes == null ? null : ValueCodec.decode(bytes, null);
    }

    <T> Future<T> async(Callable<T> call) {
        return pool.submit(call);
    }

    /** The result of a future that must complete within the timeout; rethrows its failure's cause. */
    static <T> T get(Future<T> future) throws Exception {
        try {
            return future.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AssertionError("a blocked call did not return within " + TIMEOUT_MILLIS + " ms", e);
        }
    }

    /** Waits (bounded) until {@code condition} holds. */
    static void eventually(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** The number of calls registered as waiting on {@code object} (read under its mutex). */
    static int waiting(GuardedObject object) {
        object.mutex.lock();
        try {
            return object.waiters.size();
        } finally {
            object.mutex.unlock();
        }
    }

    /** Waits (bounded) until exactly {@code n} calls are parked in a wait on {@code object}. */
    static void awaitWaiting(GuardedObject object, int n) {
        eventually(n + " waiters on '" + object.name + "'", () -> waiting(object) == n);
    }

    static void assertContains(String message, String... parts) {
        for (String part : parts) {
            assertTrue(message != null && message.contains(part), "expected '" + part + "' in: " + message);
        }
    }

    /**
     * Stops the fixture's threads and fails if they do not stop in time. Does not throw
     * {@link InterruptedException} (a resource's {@code close()} should not): an interrupt while waiting fails the
     * test, with the thread's interrupt status kept.
     */
    @Override
    public void close() {
        pool.shutdownNow();
        try {
            assertTrue(pool.awaitTermination(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS), "fixture threads did not stop");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the fixture threads to stop", e);
        }
    }
}
