package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code get DICT KEY}: prints the value, exit 1 if the key is missing. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Print the value of a dict key.")
final class GetCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "DICT")
    String name;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Option(names = "--key-as", paramLabel = "TYPE", description = "key type: ${COMPLETION-CANDIDATES}"
            + " (default: string)")
    ValueType keyType = ValueType.STRING;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            SharedDict<Object, Object> dict = Connection.attach(m, name, SharedDict.class, "a dict");
            Object value = dict.get(keyType.parse(key));
            if (value == null) {
                throw new CliException("dict '" + name + "' has no key " + key);
            }
            System.out.println(Show.format(value));
            return 0;
        }
    }
}
