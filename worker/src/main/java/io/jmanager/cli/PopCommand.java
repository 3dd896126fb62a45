package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedList;
import io.jmanager.SharedObject;
import io.jmanager.SharedQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code pop NAME}: removes and prints the last list element or the queue's head. */
@Command(name = "pop", mixinStandardHelpOptions = true, description = "Remove and print the last element of a list,"
        + " or the head of a queue.")
final class PopCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--wait", paramLabel = "SECONDS", description = "for a queue: wait up to this long for an item")
    double waitSeconds;

    @Override
    public Integer call() throws InterruptedException {
        try (Manager m = connection.connect()) {
            SharedObject object = Connection.attach(m, name, "`push " + name + " VALUE` creates a list, `push --queue "
                    + name + " VALUE` a queue");
            Object value;
            if (object instanceof SharedList<?> list) {
                if (list.isEmpty()) {
                    throw new CliException("list '" + name + "' is empty");
                }
                value = list.pop();
            } else if (object instanceof SharedQueue<?> queue) {
                value = queue.poll((long) (waitSeconds * 1000), TimeUnit.MILLISECONDS);
                if (value == null) {
                    throw new CliException("queue '" + name + "' is empty");
                }
            } else {
                throw new CliException("'" + name + "' is a " + Connection.typeName(object)
                        + ", not a list or queue");
            }
            System.out.println(Show.format(value));
            return 0;
        }
    }
}
