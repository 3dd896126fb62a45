package io.jmanager.contract;

import io.jmanager.SharedLock;
import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.SharedMemoryOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.locks.Lock;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** {@link LockContract} against shared-memory locks: a fresh area (and handle) per test. */
abstract class ShmLockContractBase extends LockContract {
    private Path dir;
    SharedMemory shm;

    @BeforeEach
    void openArea() throws IOException {
        Path base = Path.of("/dev/shm");
        dir = Files.isDirectory(base) && Files.isWritable(base)
                ? Files.createTempDirectory(base, "jmanager-contract-") : Files.createTempDirectory("jmanager-contract-");
        shm = SharedMemory.open("contract", SharedMemoryOptions.defaults().withDirectory(dir).withCapacity(1 << 20));
    }

    @AfterEach
    void removeArea() throws IOException {
        shm.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Override
    protected int holdCount(Lock lock) {
        return ((SharedLock) lock).getHoldCount();
    }
}
