package io.jmanager.cli;

import io.jmanager.shm.SharedMemoryOptions;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code shm}: the same-host shared-memory areas of this host ({@code /dev/shm/jmanager.*}), like {@code ipcs} and
 * {@code ipcrm} for POSIX shared memory. No registry is involved.
 */
@Command(name = "shm", mixinStandardHelpOptions = true, description = "List, show, remove and benchmark the"
        + " shared-memory areas of this host (no registry involved).",
        subcommands = {ShmLsCommand.class, ShmShowCommand.class, ShmRmCommand.class, ShmBenchCommand.class,
            CommandLine.HelpCommand.class})
final class ShmCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try shm ls, shm show NAME,"
                + " shm rm NAME, shm bench, or shm --help");
    }

    /** The {@code --dir} option every {@code shm} command takes. */
    static final class Directory {
        @Option(names = "--dir", paramLabel = "DIR", description = "directory of the area files (default: "
                + "$JMANAGER_SHM_DIR, else /dev/shm, else the temporary directory)")
        Path dir;

        SharedMemoryOptions options() {
            SharedMemoryOptions defaults = SharedMemoryOptions.defaults();
            return dir == null ? defaults : defaults.withDirectory(dir);
        }
    }
}
