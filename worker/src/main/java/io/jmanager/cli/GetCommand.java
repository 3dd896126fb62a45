package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code get DICT KEY [--key-as TYPE]}: prints the value as {@link Show#format} does; exit 1 if the key is missing. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Print the value of a dict key (strings in"
        + " quotes, as Python's repr).")
final class GetCommand implements Callable<Integer> {
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
        misplaced.check("get");
        try (Manager m = connection.connect()) {
            SharedDict<Object, Object> dict = Dicts.existing(m, name);
            Object value = dict.get(key.parse(keyText));
            if (value == null) {
                throw key.missing(dict, name, keyText);
            }
            System.out.println(Show.format(value));
            return 0;
        }
    }
}
