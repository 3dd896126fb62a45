package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedValue;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code value get|set|add NAME [V]}: reads, writes or atomically adds to a typed value. */
@Command(name = "value", mixinStandardHelpOptions = true, description = "get, set or add to a typed value:"
        + " value get NAME | value set NAME V | value add NAME DELTA")
final class ValueCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "get|set|add")
    String action;

    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Parameters(index = "2", paramLabel = "V", arity = "0..1")
    String argument;

    @Override
    public Integer call() {
        if (!action.equals("get") && !action.equals("set") && !action.equals("add")) {
            throw new CliException("unknown value action '" + action + "': use get, set or add");
        }
        if (!action.equals("get") && argument == null) {
            throw new CliException("value " + action + " needs a value: value " + action + " " + name + " V");
        }
        try (Manager m = connection.connect()) {
            @SuppressWarnings("unchecked")
            SharedValue<Object> value = Connection.attach(m, name, SharedValue.class, "a value",
                    "values are created by programs (Manager.value) with their typecode");
            switch (action) {
                case "get":
                    System.out.println(Show.typed(value.get()));
                    break;
                case "set":
                    value.set(parse(value, argument));
                    break;
                default:
                    Object delta = parse(value, argument);
                    if (!(delta instanceof Number n)) {
                        throw new CliException("value '" + name + "' of typecode '" + value.typeCode().code()
                                + "' cannot be added to");
                    }
                    System.out.println(Show.typed(value.addAndGet(n)));
            }
            return 0;
        }
    }

    /** Parses the argument as the value's typecode's Java type. */
    private static Object parse(SharedValue<Object> value, String text) {
        Class<?> type = value.typeCode().javaType();
        try {
            if (type == Integer.class) {
                return Integer.parseInt(text);
            } else if (type == Long.class) {
                return Long.parseLong(text);
            } else if (type == Float.class) {
                return Float.parseFloat(text);
            } else if (type == Double.class) {
                return Double.parseDouble(text);
            } else if (type == Byte.class) {
                if (text.length() != 1) {
                    throw new NumberFormatException();
                }
                return (byte) text.charAt(0);
            }
            if (text.length() != 1) {
                throw new NumberFormatException();
            }
            return text.charAt(0);
        } catch (NumberFormatException e) {
            throw new CliException("'" + text + "' is not a value of typecode '" + value.typeCode().code() + "' ("
                    + type.getSimpleName() + ")");
        }
    }
}
