package io.jmanager.it.containers;

import io.jmanager.SharedDict;
import io.jmanager.SharedList;

/**
 * {@code EchoJob URL INDEX}: reads {@code greetings["host"]} (written by the test JVM on the host), stores
 * {@code greetings["w<INDEX>"] = <that> + " / echoed by w<INDEX>"} and appends INDEX to list {@code echoed}.
 */
public final class EchoJob {
    public static void main(String[] args) {
        Job.run(args, (m, a) -> {
            SharedDict<String, String> greetings = m.dict("greetings");
            String host = greetings.get("host");
            if (host == null) {
                throw new IllegalStateException("no greeting from the host in " + greetings);
            }
            greetings.put("w" + a[1], host + " / echoed by w" + a[1]);
            SharedList<Integer> echoed = m.list("echoed");
            echoed.add(Integer.parseInt(a[1]));
            Job.say("echoed " + host);
        });
    }
}
