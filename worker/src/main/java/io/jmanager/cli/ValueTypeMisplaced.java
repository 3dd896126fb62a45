package io.jmanager.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --as} given to {@code get} or {@code del}, which read no value from the command line: a usage error that
 * points to {@code --key-as}, the option for the key's type (a newcomer's {@code get dic 0 --as int}).
 */
final class ValueTypeMisplaced {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--as", hidden = true, paramLabel = "TYPE")
    String given;

    /** Throws the usage error if {@code --as} was given. */
    void check(String command) {
        if (given != null) {
            throw new CommandLine.ParameterException(mixee.commandLine(), command + " has no --as: --as is the type"
                    + " of a value given on the command line (put, push); the key's type is --key-as, e.g. `" + command
                    + " DICT 0 --key-as " + given + "`");
        }
    }
}
