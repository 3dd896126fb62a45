package io.jmanager.cli;

import io.jmanager.Manager;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code destroy NAME}: removes an object from the registry; exit 1 if there was none. */
@Command(name = "destroy", mixinStandardHelpOptions = true, description = "Destroy a shared object; its waiters"
        + " fail.")
final class DestroyCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            if (!m.destroy(name)) {
                throw new CliException("no shared object named '" + name + "'");
            }
            return 0;
        }
    }
}
