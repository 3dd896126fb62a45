package io.jmanager.registry;

import io.jmanager.wire.ObjectSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.rmi.RemoteException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A registry on a data directory without RMI, for durability tests: an {@link MvStoreDurability}, a
 * {@link ManagerService} on it with the fake exporter and RMI registry of {@link ManagerServiceTest}, and its
 * session table. {@link #open} restores the directory's objects exactly as {@link RegistryServer#start} does.
 *
 * <p>Two ways to stop: {@link #close()} (a clean stop: the store is closed) and {@link #crashImage(Path)}, which
 * copies the store file while the store is still open and in use, which is exactly what a {@code kill -9} leaves
 * on disk once every call answered (each call waited for its commit and fsync).
 */
final class DurableHarness implements AutoCloseable {
    final Path dir;
    final MvStoreDurability durability;
    final SessionTable sessions;
    final RegistryContext context;
    final ManagerService service;
    final ManagerServiceTest.FakeExporter exporter = new ManagerServiceTest.FakeExporter();
    final ManagerServiceTest.FakeRegistry registry = new ManagerServiceTest.FakeRegistry();
    /** What {@link ManagerService#restoreAll()} returned: objects, records. */
    final long[] restored;
    private boolean closed;

    private DurableHarness(Path dir, FsyncPolicy fsync, RecoveryOptions options) throws IOException {
        this.dir = dir;
        this.durability = MvStoreDurability.open(dir, fsync, options);
        ManagerService[] ref = new ManagerService[1];
        this.sessions = new SessionTable((id, how) -> ref[0].sessionEnded(id, how));
        this.context = new RegistryContext(1 << 16, 1 << 22, TimeUnit.SECONDS.toNanos(60), sessions,
                name -> ref[0].lock(name));
        this.service = new ManagerService(context, exporter, registry, 7, 10_000, Integer.MAX_VALUE, durability);
        ref[0] = service;
        try {
            this.restored = service.restoreAll();
        } catch (RuntimeException | AssertionError | OutOfMemoryError | StackOverflowError e) {
            durability.abandon();
            throw MvStoreDurability.startFailure(dir, e); // as RegistryServer.start reports it
        } catch (RemoteException e) {
            durability.abandon();
            throw e;
        }
    }

    static DurableHarness open(Path dir) throws IOException {
        return new DurableHarness(dir, FsyncPolicy.ALWAYS, RecoveryOptions.NONE);
    }

    static DurableHarness open(Path dir, FsyncPolicy fsync) throws IOException {
        return new DurableHarness(dir, fsync, RecoveryOptions.NONE);
    }

    static DurableHarness open(Path dir, RecoveryOptions options) throws IOException {
        return new DurableHarness(dir, FsyncPolicy.ALWAYS, options);
    }

    /** A new session with a long lease. */
    long session() {
        return sessions.open("durable-test", 4242, TimeUnit.HOURS.toNanos(1)).id;
    }

    /** Gets or creates an object and returns the state machine itself (the fake exporter exports objects as is). */
    @SuppressWarnings("unchecked")
    <T extends GuardedObject> T get(String name, ObjectSpec spec) throws RemoteException {
        return (T) service.getOrCreate(session(), name, spec).stub();
    }

    /** The restored (or created) object under {@code name}. */
    @SuppressWarnings("unchecked")
    <T extends GuardedObject> T object(String name) {
        return (T) service.lookup(name).stub();
    }

    /** The names in the catalog, sorted. */
    List<String> names() {
        List<String> out = new ArrayList<>();
        for (io.jmanager.wire.ObjectInfo info : service.list()) {
            out.add(info.name());
        }
        return out;
    }

    /**
     * Copies the store file, as it is now on disk, into {@code crashDir} (created) while this store stays open:
     * a {@code kill -9} image. Returns {@code crashDir}.
     */
    Path crashImage(Path crashDir) throws IOException {
        Files.createDirectories(crashDir);
        // the witness first: it never names a version the store file (copied after it) does not hold
        Files.copy(dir.resolve(CommitWitness.FILE), crashDir.resolve(CommitWitness.FILE));
        Files.copy(dir.resolve(MvStoreDurability.STORE_FILE), crashDir.resolve(MvStoreDurability.STORE_FILE));
        return crashDir;
    }

    /** A crash ({@link #crashImage}) then a start on the image. This harness stays open: close it too. */
    DurableHarness crashAndRestart(Path crashDir) throws IOException {
        return open(crashImage(crashDir));
    }

    /** A clean stop then a start on the same directory. */
    DurableHarness restart() throws IOException {
        close();
        return open(dir);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            service.unexportAll();
            durability.close();
        }
    }
}
