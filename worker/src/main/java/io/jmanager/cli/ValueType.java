package io.jmanager.cli;

import java.util.Locale;

/**
 * How a command-line argument is turned into a stored key or value: {@code --key-as} and {@code --as}
 * {@code string|int|long|double|bool}.
 */
enum ValueType {
    STRING, INT, LONG, DOUBLE, BOOL;

    Object parse(String text) {
        try {
            switch (this) {
                case INT: return Integer.parseInt(text);
                case LONG: return Long.parseLong(text);
                case DOUBLE: return Double.parseDouble(text);
                case BOOL:
                    if (!text.equalsIgnoreCase("true") && !text.equalsIgnoreCase("false")) {
                        throw new NumberFormatException();
                    }
                    return Boolean.parseBoolean(text);
                default: return text;
            }
        } catch (NumberFormatException e) {
            throw new CliException("'" + text + "' is not " + (this == INT ? "an " : "a ") + cliName());
        }
    }

    /** The names the options take, for their help ({@code completionCandidates}): string, int, long, double, bool. */
    static final class Names implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(values()).map(ValueType::cliName).iterator();
        }
    }

    /** The name the options take ({@code --as int}). */
    String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
