package io.jmanager.process;

/**
 * {@code HoldWorker URL}: locks {@code crash-lock}, takes a permit of semaphore {@code crash-sem} (1 permit), waits
 * at barrier {@code crash-barrier} (3 parties), prints {@code holding} and then waits for an event that never
 * comes: the test kills it, and only the registry's lease can release what it holds.
 */
public final class HoldWorker {
    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            m.lock("crash-lock").lock();
            m.semaphore("crash-sem", 1).acquire();
            System.out.println("holding");
            System.out.flush();
            m.barrier("crash-barrier", 3).await(Workers.STEP_TIMEOUT_MILLIS, Workers.MS);
            throw new IllegalStateException("the barrier tripped: this worker should have been killed");
        });
    }
}
