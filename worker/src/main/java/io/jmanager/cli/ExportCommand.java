package io.jmanager.cli;

import io.jmanager.Manager;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code export FILE}: writes the registry's whole state to a portable file (a backup, or a move to another
 * registry with {@code import}). The file appears only when complete: it is written beside it and renamed.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write the registry's whole state (every"
        + " object with its contents) to a portable file, for a backup or for `import` into another registry.")
final class ExportCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "FILE", description = "the file to write ('-' for standard output)")
    String file;

    @Option(names = "--force", description = "replace FILE if it exists")
    boolean force;

    @Override
    public Integer call() throws IOException {
        try (Manager m = connection.connect()) {
            if (file.equals("-")) {
                m.exportState(System.out);
                System.out.flush();
                return 0;
            }
            Path target = Path.of(file);
            if (Files.exists(target) && !force) {
                throw new CliException(file + " exists; give another file, or --force to replace it");
            }
            Path parent = target.toAbsolutePath().getParent();
            Path partial = Files.createTempFile(parent, target.getFileName() + ".", ".partial");
            Manager.Transfer done;
            try (OutputStream out = Files.newOutputStream(partial)) {
                done = m.exportState(out);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(partial);
                throw e;
            }
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            System.out.println("exported " + done.objects() + " objects (" + done.records() + " records, "
                    + done.bytes() + " bytes) to " + file);
            return 0;
        }
    }
}
