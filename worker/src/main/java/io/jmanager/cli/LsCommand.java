package io.jmanager.cli;

import io.jmanager.Manager;
import io.jmanager.wire.ObjectInfo;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ls}: every object with its type and a summary of its state. */
@Command(name = "ls", mixinStandardHelpOptions = true, description = "List objects with type and state summary.")
final class LsCommand implements Callable<Integer> {
    @Mixin
    Connection connection;

    @Option(names = "--json", description = "one JSON array, for scripts")
    boolean json;

    @Override
    public Integer call() {
        try (Manager m = connection.connect()) {
            List<ObjectInfo> objects = m.objects();
            if (json) {
                StringBuilder b = new StringBuilder("[");
                for (int i = 0; i < objects.size(); i++) {
                    ObjectInfo o = objects.get(i);
                    b.append(i == 0 ? "" : ",").append("{\"name\":").append(Json.quote(o.name()))
                            .append(",\"type\":").append(Json.quote(o.type().displayName()))
                            .append(",\"spec\":").append(Json.quote(o.spec().describe()))
                            .append(",\"summary\":").append(Json.quote(o.summary())).append('}');
                }
                System.out.println(b.append(']'));
                return 0;
            }
            int width = Math.max(4, objects.stream().mapToInt(o -> o.name().length()).max().orElse(4));
            System.out.printf("%-" + width + "s  %-26s  %s%n", "NAME", "TYPE", "STATE");
            for (ObjectInfo o : objects) {
                System.out.printf("%-" + width + "s  %-26s  %s%n", o.name(), o.spec().describe(), o.summary());
            }
            Manager.MemoryUsage memory = m.memory();
            System.out.printf("memory: %.1f MiB of %.1f MiB (--memory-budget)%n", memory.used() / 1048576.0,
                    memory.budget() / 1048576.0);
            return 0;
        }
    }
}
