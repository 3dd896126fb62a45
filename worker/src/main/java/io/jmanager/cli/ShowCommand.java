package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.SharedArray;
import io.jmanager.SharedBarrier;
import io.jmanager.SharedDict;
import io.jmanager.SharedEvent;
import io.jmanager.SharedList;
import io.jmanager.SharedLock;
import io.jmanager.SharedNamespace;
import io.jmanager.SharedObject;
import io.jmanager.SharedQueue;
import io.jmanager.SharedSemaphore;
import io.jmanager.SharedStructArray;
import io.jmanager.SharedValue;
import io.jmanager.TypeCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code show NAME}: an object's contents, bounded. */
@Command(name = "show", mixinStandardHelpOptions = true, description = "Print an object's contents (bounded).")
final class ShowCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(names = "--limit", paramLabel = "N", description = "show at most N elements (default: ${DEFAULT-VALUE})")
    int limit = 20;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            SharedObject o = Connection.attach(m, name, "check the name");
            System.out.println(name + " (" + Connection.typeName(o) + ")");
            if (o instanceof SharedDict<?, ?> d) {
                Map<?, ?> copy = d.copy();
                System.out.println("  " + copy.size() + (copy.size() == 1 ? " entry" : " entries"));
                Show.entries(copy, limit);
            } else if (o instanceof SharedList<?> l) {
                List<?> copy = l.copy();
                System.out.println("  " + items(copy.size()));
                Show.list(copy, limit);
            } else if (o instanceof SharedQueue<?> q) {
                List<?> copy = new ArrayList<>(q);
                System.out.println("  " + items(copy.size()) + ", " + q.unfinishedTasks() + " unfinished tasks");
                Show.list(copy, limit);
            } else if (o instanceof SharedNamespace ns) {
                Show.attributes(ns.asMap(), limit);
            } else if (o instanceof SharedValue<?> v) {
                System.out.println("  '" + v.typeCode().code() + "' = " + Show.format(v.get()));
            } else if (o instanceof SharedArray<?> a) {
                System.out.println("  '" + a.typeCode().code() + "' × " + a.length());
                if (a.typeCode() == TypeCode.CHAR) {
                    System.out.println("  " + Show.format(a.bytes()));
                } else {
                    Show.list(a.slice(0, Math.min(a.length(), limit)), limit);
                    if (a.length() > limit) {
                        System.out.println("  …and " + (a.length() - limit) + " more");
                    }
                }
            } else if (o instanceof SharedStructArray<?> a) {
                System.out.println("  '" + a.layout().spec() + "' × " + a.length());
                for (int i = 0; i < Math.min(a.length(), limit); i++) {
                    StringBuilder b = new StringBuilder("  [" + i + "] (");
                    for (int f = 0; f < a.layout().fieldCount(); f++) {
                        String field = a.layout().fieldName(f);
                        b.append(f == 0 ? "" : ", ").append(field).append('=').append(a.getField(i, field));
                    }
                    System.out.println(b.append(')'));
                }
                if (a.length() > limit) {
                    System.out.println("  …and " + (a.length() - limit) + " more");
                }
            } else if (o instanceof SharedLock l) {
                System.out.println("  " + (l.isLocked() ? "locked, token " + l.currentToken() : "unlocked"));
            } else if (o instanceof SharedSemaphore s) {
                System.out.println("  " + s.availablePermits() + " permits available" + (s.isBounded() ? " (bounded)"
                        : ""));
            } else if (o instanceof SharedEvent e) {
                System.out.println("  " + (e.isSet() ? "set" : "clear"));
            } else if (o instanceof SharedBarrier b) {
                System.out.println("  " + (b.isBroken() ? "broken" : b.getNumberWaiting() + "/" + b.getParties()
                        + " waiting"));
            } else {
                m.objects().stream().filter(i -> i.name().equals(name))
                        .forEach(i -> System.out.println("  " + i.summary()));
            }
            return 0;
        }
    }

    private static String items(int n) {
        return n == 1 ? "1 item" : n + " items";
    }
}
