package io.jmanager.cli;

/**
 * {@code java -jar worker.jar}: the command-line client. This first version only says how to use the library;
 * the commands ({@code ls}, {@code get}, {@code bench}, ...) come with the CLI work.
 */
public final class WorkerMain {
    private WorkerMain() {
    }

    public static void main(String[] args) {
        System.out.println("jmanager worker library: use io.jmanager.Manager.connect(\"rmi://host:1099\") from"
                + " your code; the command-line client is not available yet.");
    }
}
