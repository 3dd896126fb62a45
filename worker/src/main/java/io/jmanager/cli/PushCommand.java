package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.NoSuchSharedObjectException;
import io.jmanager.SharedList;
import io.jmanager.SharedObject;
import io.jmanager.SharedQueue;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code push NAME VALUE... [--as TYPE] [--queue [--maxsize N]]}: appends to a list or queue; a missing name is
 * created as a list, or with {@code --queue} as a queue (as {@code put} creates a dict).
 */
@Command(name = "push", mixinStandardHelpOptions = true, description = "Append values to a list or queue; a"
        + " missing NAME is created as a list (with --queue: a queue).")
final class PushCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1..*", paramLabel = "VALUE", arity = "1..*")
    List<String> values;

    @Option(names = "--as", paramLabel = "TYPE", completionCandidates = ValueType.Names.class,
            description = "the values' type: ${COMPLETION-CANDIDATES}"
            + " (default: string)")
    ValueType valueType = ValueType.STRING;

    @Option(names = "--queue", description = "NAME must be a queue; create a queue if missing")
    boolean queue;

    @Option(names = "--maxsize", paramLabel = "N", description = "with --queue: the capacity of a queue created"
            + " here (default: 0, unbounded)")
    int maxsize;

    @Override
    @SuppressWarnings("unchecked")
    public Integer call() {
        if (maxsize < 0) {
            throw new CliException("--maxsize must be 0 (unbounded) or more, not " + maxsize);
        }
        if (maxsize > 0 && !queue) {
            throw new CliException("--maxsize is the capacity of a queue: add --queue");
        }
        List<Object> parsed = values.stream().map(valueType::parse).toList();
        try (Manager m = connection.connect()) {
            SharedObject object = existingOrCreated(m);
            if (object instanceof SharedList<?> list && !queue) {
                ((SharedList<Object>) list).extend(parsed);
            } else if (object instanceof SharedQueue<?> q) {
                for (Object v : parsed) {
                    if (!((SharedQueue<Object>) q).offer(v)) {
                        throw new CliException("queue '" + name + "' is full; " + Show.format(v) + " and later"
                                + " values were not pushed");
                    }
                }
            } else {
                throw new CliException("'" + name + "' is a " + Connection.typeName(object) + ", not "
                        + (queue ? "a queue (--queue)" : "a list or queue"));
            }
            return 0;
        }
    }

    /** The object {@code name}, created as a list (or a queue) when there is none, saying so on stderr. */
    private SharedObject existingOrCreated(Manager m) {
        try {
            return m.attach(name);
        } catch (NoSuchSharedObjectException missing) {
            SharedObject created = queue ? m.queue(name, maxsize) : m.list(name);
            System.err.println("push: created " + (queue ? "queue" : "list") + " '" + name + "'"
                    + (queue ? (maxsize > 0 ? " of maxsize " + maxsize : "") : " (--queue creates a queue)"));
            return created;
        }
    }
}
