package io.jmanager.process;

import io.jmanager.Manager;

/**
 * {@code AuthWorker URL}: connects with no key given in code (so the key comes from the environment or the default
 * key file, or is missing), writes one value, and prints {@code connected}; or prints {@code refused <exception>:
 * <message>} on one line. Exits with 0 either way: the test reads the line.
 */
public final class AuthWorker {
    public static void main(String[] args) {
        try (Manager m = Manager.connect(args[0])) {
            m.dict("auth-worker").put("pid", ProcessHandle.current().pid());
            System.out.println("connected");
        } catch (RuntimeException e) {
            System.out.println("refused " + e.getClass().getName() + ": " + e.getMessage().replace('\n', ' '));
        }
        System.out.flush();
        System.exit(0);
    }
}
