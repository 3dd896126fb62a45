package io.jmanager.cli;

import io.jmanager.shm.SharedMemory;
import io.jmanager.shm.SharedMemoryOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code shm ls}: the areas of a directory, with their sizes, objects and attached processes. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List the shared-memory areas of this host.")
final class ShmLsCommand implements Callable<Integer> {
    @Mixin
    ShmCommand.Directory directory;

    @Override
    public Integer call() throws Exception {
        SharedMemoryOptions options = directory.options();
        List<String> names = SharedMemory.list(options);
        if (names.isEmpty()) {
            System.out.println("no shared-memory areas in " + options.directory());
            return 0;
        }
        int width = Math.max(4, names.stream().mapToInt(String::length).max().orElse(4));
        System.out.printf("%-" + width + "s  %10s  %10s  %7s  %s%n", "NAME", "CAPACITY", "USED", "OBJECTS", "PROCESSES");
        for (String name : names) {
            Path file = SharedMemory.fileOf(name, options);
            try (SharedMemory shm = SharedMemory.openExisting(name, options)) {
                List<Long> pids = shm.attachedPids();
                pids.remove(ProcessHandle.current().pid());
                System.out.printf("%-" + width + "s  %10s  %10s  %7d  %s%n", name, bytes(shm.capacity()),
                        bytes(shm.used()), shm.names().size(), pids.isEmpty() ? "-" : pids);
            } catch (RuntimeException refused) {
                System.out.printf("%-" + width + "s  %10s  %s%n", name, bytes(Files.size(file)),
                        "unusable: " + refused.getMessage());
            }
        }
        return 0;
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1 << 20) {
            return String.format("%.1f KiB", n / 1024.0);
        }
        return String.format("%.1f MiB", n / (1024.0 * 1024));
    }
}
