package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedArray;
import io.jmanager.SharedObject;
import io.jmanager.SharedStructArray;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code len NAME}: the size of a list, queue, dict or array. */
@Command(name = "len", mixinStandardHelpOptions = true, description = "Print the size of a list, queue, dict or array.")
final class LenCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            SharedObject object = Connection.attach(m, name, "check the name");
            int size;
            if (object instanceof Collection<?> c) {
                size = c.size();
            } else if (object instanceof Map<?, ?> map) {
                size = map.size();
            } else if (object instanceof SharedArray<?> a) {
                size = a.length();
            } else if (object instanceof SharedStructArray<?> a) {
                size = a.length();
            } else {
                throw new CliException("'" + name + "' is a " + Connection.typeName(object) + ", which has no length");
            }
            System.out.println(size);
            return 0;
        }
    }
}
