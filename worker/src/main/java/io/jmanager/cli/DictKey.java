package io.jmanager.cli;

import io.jmanager.SharedDict;
import picocli.CommandLine.Option;

/**
 * The key of {@code get}, {@code put} and {@code del}: the same {@code --key-as TYPE} option in all three, and, when
 * a key is missing, the hint that names a key of another type that reads the same ({@code 0} where {@code "0"} was
 * asked for).
 */
final class DictKey {
    @Option(names = "--key-as", paramLabel = "TYPE", completionCandidates = ValueType.Names.class,
            description = "the key's type: ${COMPLETION-CANDIDATES} (default: string)")
    ValueType type = ValueType.STRING;

    Object parse(String text) {
        return type.parse(text);
    }

    /**
     * The error for a key {@code text} that {@code dict} does not have: it names the key's type, and a key of
     * another type that the command line can name and that reads the same, with the option that reaches it (one
     * {@code containsKey} round trip per other type; values are never read).
     */
    CliException missing(SharedDict<Object, Object> dict, String dictName, String text) {
        Object asked = parse(text);
        String message = "dict '" + dictName + "' has no key " + Show.format(asked) + " (" + article(asked) + ")";
        for (ValueType other : ValueType.values()) {
            if (other == type) {
                continue;
            }
            Object candidate;
            try {
                candidate = other.parse(text);
            } catch (CliException notThatType) {
                continue;
            }
            if (dict.containsKey(candidate)) {
                return new CliException(message + "; there is a key " + Show.format(candidate) + " ("
                        + article(candidate) + "): use --key-as " + other.cliName());
            }
        }
        return new CliException(message);
    }

    /** "a String", "an Integer": the value's class, as the message's reader knows it. */
    static String article(Object value) {
        String name = value.getClass().getSimpleName();
        return ("AEIOU".indexOf(name.charAt(0)) >= 0 ? "an " : "a ") + name;
    }
}
