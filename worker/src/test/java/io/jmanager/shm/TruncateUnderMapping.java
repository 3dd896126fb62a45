package io.jmanager.shm;

import io.jmanager.SharedLock;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code TruncateUnderMapping DIR AREA OPERATION}: a child JVM for {@link AreaFileRefusalTest}, which runs it so that
 * a JVM killed by the fault does not take the test JVM with it. Opens the area, creates a value {@code n} with its
 * own lock, a lock-free value {@code free} and a lock {@code l}, truncates the file to 100 bytes under the live
 * mapping, runs OPERATION once and prints {@code outcome CLASS MESSAGE} (or {@code outcome returned VALUE}), then
 * closes the area and prints {@code closed} (or {@code close CLASS MESSAGE}). Exits with 0 unless the JVM dies.
 */
public final class TruncateUnderMapping {
    private TruncateUnderMapping() {
    }

    public static void main(String[] args) throws Exception {
        SharedMemoryOptions options = SharedMemoryOptions.defaults().withDirectory(Path.of(args[0]))
                .withCapacity(4 << 20);
        SharedMemory shm = SharedMemory.open(args[1], options);
        MappedValue<Integer> n = shm.value("n", 'i', 1);
        MappedValue<Long> free = shm.value("free", 'q', 2L, Locking.NONE);
        SharedLock lock = shm.lock("l");
        n.addAndGet(1);
        free.addAndGet(1L);
        lock.lock();
        lock.unlock();
        try (FileChannel channel = FileChannel.open(shm.path(), StandardOpenOption.WRITE)) {
            channel.truncate(100);
        }
        String outcome;
        try {
            Object result = switch (args[2]) {
                case "locked-get" -> n.get();
                case "locked-add" -> n.addAndGet(1);
                case "free-get" -> free.get();
                case "free-set" -> {
                    free.set(5L);
                    yield "nothing";
                }
                case "free-add" -> free.addAndGet(1L);
                case "lock" -> {
                    lock.lock();
                    yield "the lock";
                }
                case "names" -> shm.names();
                case "new-value" -> shm.value("new", 'i', 0).get();
                default -> throw new IllegalArgumentException("unknown operation " + args[2]);
            };
            outcome = "returned " + result;
        } catch (Throwable t) {
            outcome = t.getClass().getName() + " " + t.getMessage();
        }
        System.out.println("outcome " + outcome);
        try {
            shm.close();
            System.out.println("closed");
        } catch (Throwable t) {
            System.out.println("close " + t.getClass().getName() + " " + t.getMessage());
        }
        System.out.flush();
    }
}
