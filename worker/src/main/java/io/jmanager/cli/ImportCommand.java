package io.jmanager.cli;

import io.jmanager.Manager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code import FILE}: creates every object of an export file in an empty registry; all or nothing. */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Create every object of an export file in"
        + " this registry, which must be empty. The registry checks the whole file first: a damaged or truncated"
        + " file imports nothing.")
final class ImportCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "FILE", description = "a file written by `export` ('-' for standard input)")
    String file;

    @Override
    public Integer call() throws IOException {
        try (Manager m = connection.connect(); InputStream in = open()) {
            Manager.Transfer done = m.importState(in);
            System.out.println("imported " + done.objects() + " objects (" + done.records() + " records, "
                    + done.bytes() + " bytes) from " + file);
            return 0;
        }
    }

    private InputStream open() throws IOException {
        if (file.equals("-")) {
            return System.in;
        }
        try {
            return Files.newInputStream(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new CliException("no such file: " + file);
        }
    }
}
