package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedDict;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code put DICT KEY VALUE [--key-as TYPE] [--as TYPE]}: stores a value (creating the dict if it does not exist). */
@Command(name = "put", mixinStandardHelpOptions = true, description = "Store a value under a dict key (the dict is"
        + " created if missing).")
final class PutCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Mixin
    DictKey key;

    @Parameters(index = "0", paramLabel = "DICT")
    String name;

    @Parameters(index = "1", paramLabel = "KEY")
    String keyText;

    @Parameters(index = "2", paramLabel = "VALUE")
    String value;

    @Option(names = "--as", paramLabel = "TYPE", completionCandidates = ValueType.Names.class,
            description = "the value's type: ${COMPLETION-CANDIDATES}"
            + " (default: string)")
    ValueType valueType = ValueType.STRING;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            SharedDict<Object, Object> dict = m.dict(name);
            dict.put(key.parse(keyText), valueType.parse(value));
            return 0;
        }
    }
}
