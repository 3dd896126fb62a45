package io.jmanager.cli;

import io.jmanager.shm.SharedMemory;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code shm rm AREA...}: removes areas, like {@code ipcrm}; exit 1 if one did not exist. */
@Command(name = "rm", mixinStandardHelpOptions = true, description = "Remove shared-memory areas. Processes that"
        + " have one open keep their mapping; the next open creates a new area.")
final class ShmRmCommand implements Callable<Integer> {
    @Mixin
    ShmCommand.Directory directory;

    @Parameters(arity = "1..*", paramLabel = "AREA")
    List<String> areas;

    @Override
    public Integer call() {
        int missing = 0;
        for (String area : areas) {
            if (!SharedMemory.destroy(area, directory.options())) {
                System.err.println("worker.jar: no shared-memory area '" + area + "' in "
                        + directory.options().directory());
                missing++;
            }
        }
        return missing == 0 ? 0 : 1;
    }
}
