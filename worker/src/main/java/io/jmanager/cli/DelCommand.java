package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code del DICT KEY}: removes a key; exit 1 if it was missing. */
@Command(name = "del", mixinStandardHelpOptions = true, description = "Remove a dict key.")
final class DelCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "DICT")
    String name;

    @Parameters(index = "1", paramLabel = "KEY")
    String key;

    @Option(names = "--key-as", paramLabel = "TYPE", description = "key type: ${COMPLETION-CANDIDATES}")
    ValueType keyType = ValueType.STRING;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            SharedDict<Object, Object> dict = Connection.attach(m, name, SharedDict.class, "a dict");
            if (dict.remove(keyType.parse(key)) == null) {
                throw new CliException("dict '" + name + "' has no key " + key);
            }
            return 0;
        }
    }
}
