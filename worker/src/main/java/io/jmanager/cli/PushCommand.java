package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedList;
import io.jmanager.SharedObject;
import io.jmanager.SharedQueue;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code push NAME VALUE...}: appends to an existing list or queue. */
@Command(name = "push", mixinStandardHelpOptions = true, description = "Append values to a list or queue.")
final class PushCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1..*", paramLabel = "VALUE", arity = "1..*")
    List<String> values;

    @Option(names = "--as", paramLabel = "TYPE", description = "value type: ${COMPLETION-CANDIDATES}")
    ValueType valueType = ValueType.STRING;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        try (Manager m = connection.connect()) {
            SharedObject object = m.attach(name);
            List<Object> parsed = values.stream().map(valueType::parse).toList();
            if (object instanceof SharedList<?> list) {
                ((SharedList<Object>) list).extend(parsed);
            } else if (object instanceof SharedQueue<?> queue) {
                for (Object v : parsed) {
                    if (!((SharedQueue<Object>) queue).offer(v)) {
                        throw new CliException("queue '" + name + "' is full; " + v + " and later values were not"
                                + " pushed");
                    }
                }
            } else {
                throw new CliException("'" + name + "' is a " + Connection.typeName(object)
                        + ", not a list or queue");
            }
            return 0;
        }
    }
}
