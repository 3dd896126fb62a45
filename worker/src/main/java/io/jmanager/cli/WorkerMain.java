package io.jmanager.cli;

import io.jmanager.JManagerException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar worker.jar}: the command-line client and load generator, like {@code redis-cli} and
 * {@code redis-benchmark}. Exit codes: 0 ok, 1 error (one line on stderr), 2 usage. The connection options
 * ({@link Connection}) are accepted before the command and after it.
 */
@Command(name = "java -jar worker.jar", mixinStandardHelpOptions = true, versionProvider = Version.class,
        synopsisSubcommandLabel = "COMMAND",
        description = "jmanager command-line client: inspect and change a registry's shared objects, and"
                + " benchmark it.%nConnection options (--url, --authkey-file) go before the command or after it:"
                + " `--url URL ls` is `ls --url URL`.",
        subcommands = {LsCommand.class, GetCommand.class, PutCommand.class, DelCommand.class, PushCommand.class,
            PopCommand.class, LenCommand.class, ValueCommand.class, ShowCommand.class, DestroyCommand.class,
            LocksCommand.class, SessionsCommand.class, KillSessionCommand.class, ExportCommand.class,
            ImportCommand.class, BenchCommand.class, ShmCommand.class, GroupCommand.class,
            CommandLine.HelpCommand.class})
public final class WorkerMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The connection options given before the command ({@code worker.jar --url URL ls}); commands read them. */
    @CommandLine.Mixin
    Connection connection;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new WorkerMain()).setCaseInsensitiveEnumValuesAllowed(true);
        cli.setParameterExceptionHandler((e, args) -> {
            PrintWriter err = e.getCommandLine().getErr();
            err.println("worker.jar: " + e.getMessage());
            e.getCommandLine().usage(err);
            return 2;
        });
        cli.setExecutionExceptionHandler((e, c, parsed) -> {
            c.getErr().println("worker.jar: " + message(e));
            return 1;
        });
        return cli;
    }

    private static String message(Exception e) {
        if (e instanceof JManagerException || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException || e instanceof CliException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command: try ls, show NAME, bench,"
                + " or --help");
    }
}
