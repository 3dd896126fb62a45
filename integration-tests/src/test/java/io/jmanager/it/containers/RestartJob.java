package io.jmanager.it.containers;

import io.jmanager.RegistryUnavailableException;
import io.jmanager.SessionExpiredException;
import io.jmanager.SharedDict;
import io.jmanager.SharedLock;

/**
 * {@code RestartJob URL INDEX}: stores {@code state["w<INDEX>"] = "before"}, prints {@code ready}, then reads its
 * entry every 100 ms while the test restarts the registry container. Unreachable registry: goes on. The first
 * {@link SessionExpiredException}: prints {@code SessionExpiredException: <message>}; then, in the new session,
 * with the same proxies, reads its entry (the registry's state is in memory, so it must be gone: prints
 * {@code after-restart <value>}), stores {@code "after"}, takes and releases lock {@code restart-lock}, and prints
 * {@code recovered session <id>}.
 */
public final class RestartJob {
    public static void main(String[] args) {
        Job.run(args, (m, a) -> {
            String key = "w" + a[1];
            SharedDict<String, String> state = m.dict("state");
            SharedLock lock = m.lock("restart-lock");
            state.put(key, "before");
            long firstSession = m.sessionId();
            Job.say("ready in session " + firstSession);
            long deadline = System.nanoTime() + 120_000_000_000L;
            int unreachable = 0;
            while (true) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("no SessionExpiredException within 120 s");
                }
                Job.sleep(100);
                try {
                    String v = state.get(key);
                    if (!"before".equals(v)) {
                        throw new IllegalStateException("state[" + key + "] = " + v + " without a session change");
                    }
                } catch (RegistryUnavailableException e) {
                    if (unreachable++ == 0) {
                        Job.say("unreachable " + e.getMessage());
                    }
                } catch (SessionExpiredException e) {
                    Job.say("unreachable-calls " + unreachable);
                    Job.say("SessionExpiredException: " + e.getMessage());
                    break;
                }
            }
            Job.say("after-restart " + state.get(key));
            state.put(key, "after");
            lock.lock();
            lock.unlock();
            Job.say("recovered session " + m.sessionId() + " (was " + firstSession + ")");
        });
    }
}
