package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import io.jmanager.it.containers.SharedMemoryJob;
import io.jmanager.shm.MappedValue;
import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.SharedMemoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * Two worker containers share one same-host shared-memory area through a shared tmpfs directory, and their counts
 * add up: each makes N locked increments (a read-modify-write under the area's lock) and N lock-free
 * {@code addAndGet}; the test JVM on the host then opens the same area file and finds exactly 2N of each.
 *
 * <p>The shared directory is a fresh directory under the host's {@code /dev/shm} (tmpfs), bind-mounted at
 * {@code /shm} into both containers. A Docker volume of type tmpfs would be shared as well, but its content lives
 * only while a container has it mounted (the local driver unmounts it after the last one), so only a container
 * running at the same time could read the result, and it would be one more Docker object to remove by hand (Ryuk
 * is off). A host directory keeps the area after the workers exit, lets the test JVM read it directly (across pid
 * namespaces: the host, and each container's own), and is removed with the test's files.
 *
 * <p>The area file is created 0600 and a file of another user is refused, so both containers run as the test JVM's
 * user ({@code --user UID:GID}; the image's default is 10001), and the host can open the file they created.
 */
@Timeout(120)
class SharedMemoryContainerIT {
    static final int ITERATIONS = Integer.getInteger("jmanager.it.shmIterations", 100_000);
    static final int PARTIES = 2;
    static final Duration JOB_TIMEOUT = Duration.ofSeconds(90);
    static final String AREA = "counters";
    /** Where the containers see the shared directory. */
    static final String MOUNT = "/shm";

    private Path shared;
    private final Map<GenericContainer<?>, String> containers = new LinkedHashMap<>();

    @BeforeEach
    void docker() throws IOException {
        DockerGuard.assumeContainersCanRun(); // per test, so that each one is reported as skipped or failed
        shared = Files.createTempDirectory(Path.of("/dev/shm"), "jmanager-it-shm-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }

    @AfterEach
    void removeContainersAndFiles() throws IOException {
        for (GenericContainer<?> c : containers.keySet()) {
            try {
                c.stop();
            } catch (RuntimeException e) {
                System.err.println("could not remove container " + containers.get(c) + ": " + e);
            }
        }
        if (shared != null) {
            try (Stream<Path> files = Files.walk(shared)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** The test JVM's uid and gid, which the containers run as. */
    private static String user() throws IOException {
        Path self = Path.of("/proc/self");
        return Files.getAttribute(self, "unix:uid") + ":" + Files.getAttribute(self, "unix:gid");
    }

    /** A worker container running {@link SharedMemoryJob} on the shared directory; exits with 0 when done. */
    private GenericContainer<?> job(String name, String user) {
        Path classes = Path.of(System.getProperty("jmanager.it.testClasses", "target/test-classes"))
                .resolve(Cluster.CONTAINERS_PACKAGE);
        List<String> command = new ArrayList<>(Cluster.WORKER_JVM);
        command.addAll(List.of("-cp", "/app/lib/*:/app/classes", SharedMemoryJob.class.getName(), MOUNT, AREA,
                String.valueOf(ITERATIONS), String.valueOf(PARTIES)));
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(DockerGuard.WORKER_IMAGE))
                .withImagePullPolicy(image -> false)
                .withLabel(Cluster.LABEL, "true")
                .withCopyFileToContainer(MountableFile.forHostPath(Cluster.jar("jmanager.worker.jar")),
                        "/app/lib/worker.jar")
                .withCopyFileToContainer(MountableFile.forHostPath(classes),
                        "/app/classes/" + Cluster.CONTAINERS_PACKAGE)
                .withCreateContainerCmdModifier(cmd -> {
                    cmd.withEntrypoint("java").withUser(user);
                    cmd.getHostConfig().withBinds(new Bind(shared.toString(), new Volume(MOUNT), AccessMode.rw));
                })
                .withCommand(command.toArray(String[]::new))
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(JOB_TIMEOUT));
        containers.put(c, name);
        return c;
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (var c : containers.entrySet()) {
            out.append("---- ").append(c.getValue()).append(" ----\n");
            try {
                out.append(c.getKey().getLogs());
            } catch (RuntimeException e) {
                out.append("(no logs: ").append(e).append(")\n");
            }
        }
        return out.toString();
    }

    @Test
    void twoContainersCountIntoOneAreaExactly() throws Exception {
        long start = System.nanoTime();
        String user = user();
        List<GenericContainer<?>> jobs = List.of(job("shm-a", user), job("shm-b", user));
        try {
            Startables.deepStart(jobs).get(JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("a container failed: " + e.getCause() + "\n" + logs(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("containers not done within " + JOB_TIMEOUT + "\n" + logs(), e);
        }
        for (GenericContainer<?> c : jobs) {
            String done = Cluster.value(c, "done");
            assertEquals(String.valueOf(ITERATIONS), done == null ? null : done.split(" ")[0],
                    "the job finished its increments:\n" + logs());
            System.out.println("shared-memory job in its own pid namespace as " + Cluster.value(c, "pid") + ": done "
                    + done);
        }
        Path file = SharedMemory.fileOf(AREA, SharedMemoryOptions.defaults().withDirectory(shared));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "created owner-only by a container");
        try (SharedMemory shm = SharedMemory.openExisting(AREA, SharedMemoryOptions.defaults().withDirectory(shared))) {
            MappedValue<?> locked = (MappedValue<?>) shm.attach("locked");
            MappedValue<?> atomic = (MappedValue<?>) shm.attach("atomic");
            MappedValue<?> started = (MappedValue<?>) shm.attach("started");
            assertEquals((long) PARTIES, started.get(), "jobs that started");
            assertEquals((long) PARTIES * ITERATIONS, locked.get(), "locked increments");
            assertEquals((long) PARTIES * ITERATIONS, atomic.get(), "lock-free increments");
            assertFalse(shm.lock("counter-lock").isLocked(), "the lock is free at the end");
            assertEquals(List.of(ProcessHandle.current().pid()), shm.attachedPids(),
                    "the containers closed the area: only the test JVM has it open");
        }
        assertTrue(Files.exists(file));
        System.out.printf("[timing] shared memory across %d containers (%d locked + %d lock-free each): %.1f s%n",
                PARTIES, ITERATIONS, ITERATIONS, (System.nanoTime() - start) / 1e9);
    }
}
