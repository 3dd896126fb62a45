package io.jmanager.process;

import io.jmanager.SharedDict;
import io.jmanager.SharedLock;

/**
 * {@code LoadWorker URL TAG PUTS LOCKS}: puts {@code PUTS} entries {@code TAG-i} into dict {@code load-dict}, then
 * locks and unlocks lock {@code load-lock} {@code LOCKS} times (putting one entry {@code TAG-lock-i} under it each
 * time), prints {@code done} and closes its manager. {@code LoadWorker URL TAG hold} instead locks
 * {@code load-held}, prints {@code holding} and waits to be killed.
 */
public final class LoadWorker {
    public static void main(String[] args) {
        Workers.run(args, (m, a) -> {
            String tag = a[1];
            if (a[2].equals("hold")) {
                m.lock("load-held").lock();
                System.out.println("holding");
                System.out.flush();
                Thread.sleep(Workers.STEP_TIMEOUT_MILLIS);
                throw new IllegalStateException("not killed in time");
            }
            int puts = Integer.parseInt(a[2]);
            int locks = Integer.parseInt(a[3]);
            SharedDict<String, Integer> dict = m.dict("load-dict");
            for (int i = 0; i < puts; i++) {
                dict.put(tag + "-" + i, i);
            }
            SharedLock lock = m.lock("load-lock");
            SharedDict<String, Integer> locked = m.dict("load-locked");
            for (int i = 0; i < locks; i++) {
                lock.lock();
                try {
                    locked.put(tag + "-lock-" + i, i);
                } finally {
                    lock.unlock();
                }
            }
            System.out.println("done");
        });
    }
}
