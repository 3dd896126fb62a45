package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code del DICT KEY [--key-as TYPE]}: removes a key; exit 1 if it was missing. */
@Command(name = "del", mixinStandardHelpOptions = true, description = "Remove a dict key.")
final class DelCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Mixin
    DictKey key;

    @Mixin
    ValueTypeMisplaced misplaced;

    @Parameters(index = "0", paramLabel = "DICT")
    String name;

    @Parameters(index = "1", paramLabel = "KEY")
    String keyText;

    @Override
    public Integer call() {
        misplaced.check("del");
        try (Manager m = connection.connect()) {
            SharedDict<Object, Object> dict = Dicts.existing(m, name);
            if (dict.remove(key.parse(keyText)) == null) {
                throw key.missing(dict, name, keyText);
            }
            return 0;
        }
    }
}
