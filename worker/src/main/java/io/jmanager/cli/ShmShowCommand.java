package io.jmanager.cli;

import io.jmanager.shm.SharedMemory;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code shm show AREA}: every object of an area with its value, lock and holder. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Show the objects of a shared-memory area,"
        + " their values and lock holders.")
final class ShmShowCommand implements Callable<Integer> {
    @Mixin
    ShmCommand.Directory directory;

    @Parameters(index = "0", paramLabel = "AREA")
    String area;

    @Option(names = "--elements", paramLabel = "N", defaultValue = "20", description = "array elements shown"
            + " (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        try (SharedMemory shm = SharedMemory.openExisting(area, directory.options())) {
            List<Long> pids = shm.attachedPids();
            pids.remove(ProcessHandle.current().pid());
            System.out.println(shm.path() + ": " + ShmLsCommand.bytes(shm.used()) + " used of "
                    + ShmLsCommand.bytes(shm.capacity()) + ", processes " + (pids.isEmpty() ? "-" : pids));
            List<SharedMemory.ObjectInfo> objects = shm.objects(limit);
            int width = Math.max(4, objects.stream().mapToInt(o -> o.name().length()).max().orElse(4));
            System.out.printf("%-" + width + "s  %-28s  %-" + width + "s  %s%n", "NAME", "TYPE", "LOCK", "VALUE");
            for (SharedMemory.ObjectInfo o : objects) {
                System.out.printf("%-" + width + "s  %-28s  %-" + width + "s  %s%n", o.name(), o.description(),
                        o.lock() == null ? "-" : o.lock(), o.preview());
            }
            return 0;
        }
    }

}
