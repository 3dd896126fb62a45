package io.jmanager.process;

import io.jmanager.ManagerOptions;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedNamespace;
import io.jmanager.SharedQueue;
import io.jmanager.ValueClassRefusedException;
import java.util.ArrayList;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Worker-to-worker code execution, both sides. {@code store PREFIX}: the attacker, a key holder, stores a
 * {@link MarkingCanary} (next to harmless values) in a dict, a list, a queue and a namespace named after
 * PREFIX. {@code read PREFIX}: the victim reads them every way a worker does and prints one line per read:
 * {@code <read> refused <class>} or {@code <read> ok <value>}; it ends with {@code done}.
 */
public final class GadgetWorker {
    private GadgetWorker() {
    }

    public static void main(String[] args) throws Exception {
        if (Boolean.getBoolean("gadget.deserializeFirst")) {
            // the application deserialized something before it connected: too late for a filter factory
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject("early");
            }
            new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())).readObject();
        }
        if (args[1].equals("probe")) {
            // connects and reads the canary; prints the outcome instead of failing
            try (io.jmanager.Manager m = io.jmanager.Manager.connect(args[0])) {
                SharedDict<String, Object> dict = m.dict(args[2] + "-dict");
                report("dict.get", () -> dict.get("gadget"));
                report("dict.get harmless", () -> dict.get("harmless"));
            } catch (io.jmanager.JManagerException e) {
                System.out.println("connect failed: " + e.getMessage());
            }
            System.exit(0);
        }
        Workers.run(args, ManagerOptions.defaults(), (m, a) -> {
            String prefix = a[2];
            SharedDict<String, Object> dict = m.dict(prefix + "-dict");
            SharedList<Object> list = m.list(prefix + "-list");
            SharedQueue<Object> queue = m.queue(prefix + "-queue");
            SharedNamespace ns = m.namespace(prefix + "-ns");
            if (a[1].equals("store")) {
                dict.put("harmless", "plain text");
                dict.put("gadget", new MarkingCanary("dict"));
                dict.put("nested", new ArrayList<>(java.util.List.of(1, new MarkingCanary("nested"))));
                list.add(new MarkingCanary("list"));
                queue.put(new MarkingCanary("queue"));
                ns.set("gadget", new MarkingCanary("namespace"));
                System.out.println("stored");
                return;
            }
            report("dict.get", () -> dict.get("gadget"));
            report("dict.get nested", () -> dict.get("nested"));
            report("dict.getOrDefault", () -> dict.getOrDefault("gadget", "default"));
            report("dict.values", () -> new ArrayList<>(dict.values()));
            report("dict.entrySet", () -> new ArrayList<>(dict.entrySet()));
            report("dict.copy", dict::copy);
            report("dict.toString", dict::toString);
            report("dict.keySet", () -> new java.util.TreeSet<>(dict.keySet()));
            report("dict.containsKey", () -> dict.containsKey("gadget"));
            report("dict.size", dict::size);
            report("dict.get harmless", () -> dict.get("harmless"));
            report("list.get", () -> list.get(0));
            report("list.toString", list::toString);
            report("queue.poll", queue::poll);
            report("namespace.get", () -> ns.get("gadget"));
            report("namespace.attributes", ns::attributes);
            System.out.println("done");
        });
    }

    private static void report(String what, Callable<Object> read) throws Exception {
        try {
            Object value = read.call();
            System.out.println(what + " ok " + (value instanceof Map<?, ?> map ? map.keySet() : value));
        } catch (ValueClassRefusedException e) {
            System.out.println(what + " refused " + e.refusedClass());
            if (!e.getMessage().contains("allowClasses(MarkingCanary.class)")
                    && !(e.byJvmFilter() && e.getMessage().contains("-Djdk.serialFilter"))) {
                throw new AssertionError("the refusal does not say how to allow the class: " + e.getMessage(), e);
            }
        }
    }
}
