package io.jmanager.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.ManagerOptions;
import io.jmanager.RefusedValue;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedNamespace;
import io.jmanager.SharedQueue;
import io.jmanager.TestRegistry;
import io.jmanager.ValueClassRefusedException;
import java.io.Serializable;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Worker-to-worker code execution in one JVM: an attacker manager stores a {@link Canary} (its {@code readObject}
 * counts) and a victim manager with default options reads it every way a worker reads values. Each read fails with
 * {@link ValueClassRefusedException} naming the class, and the canary never runs; reads that need no value
 * ({@code keySet}, {@code containsKey}, {@code size}, {@code isEmpty}) never decode one, even for a worker that
 * allows the canary. See {@code WorkerToWorkerProcessTest} for the same with separate processes.
 */
class WorkerValueFilterTest {
    record Order(String id, LocalDate due) implements Serializable {
    }

    static TestRegistry registry;
    static Manager attacker;
    static Manager victim;
    static Manager trusting;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        attacker = registry.connect();
        victim = Manager.connect(registry.url(), ManagerOptions.defaults());
        trusting = Manager.connect(registry.url(), ManagerOptions.defaults().allowClasses(Canary.class));
    }

    @AfterAll
    static void stop() {
        victim.close();
        trusting.close();
        registry.close();
    }

    @BeforeEach
    void resetCanary() {
        Canary.RUNS.set(0);
    }

    private static void refused(String what, Supplier<?> read) {
        ValueClassRefusedException e = assertThrows(ValueClassRefusedException.class, read::get, what);
        assertEquals(Canary.class.getName(), e.refusedClass(), what);
        assertTrue(e.getMessage().contains("allowClasses(Canary.class)"), what + ": " + e.getMessage());
        assertEquals(0, Canary.RUNS.get(), what + " ran the canary's readObject");
    }

    @Test
    void everyReadOfAGadgetIsRefusedAndNoneRunsIt() {
        String name = TestRegistry.uniqueName("gadget");
        SharedDict<String, Object> stored = attacker.dict(name);
        stored.put("plain", 7);
        stored.put("gadget", new Canary("dict"));
        SharedDict<String, Object> d = victim.dict(name);
        refused("get", () -> d.get("gadget"));
        refused("getOrDefault", () -> d.getOrDefault("gadget", "x"));
        refused("values", () -> new ArrayList<>(d.values()));
        refused("entrySet", () -> new ArrayList<>(d.entrySet()));
        refused("copy", d::copy);
        refused("getAll", () -> d.getAll(List.of("gadget")));
        refused("equals", () -> d.equals(Map.of("plain", 7, "gadget", "x")));
        refused("hashCode", d::hashCode);
        refused("computeIfPresent", () -> d.computeIfPresent("gadget", (k, v) -> v));
        assertEquals("{plain=7, gadget=<refused: " + Canary.class.getName() + ">}", d.toString());
        assertEquals(7, d.get("plain"), "the other values read as before");
        assertEquals(2, d.size());

        SharedList<Object> list = attacker.list(name + "-list");
        list.add("first");
        list.add(new Canary("list"));
        SharedList<Object> l = victim.list(name + "-list");
        refused("list get", () -> l.get(1));
        refused("list copy", l::copy);
        refused("list iterator", () -> new ArrayList<>(l));
        assertEquals("[first, <refused: " + Canary.class.getName() + ">]", l.toString());
        assertEquals("first", l.get(0));

        SharedQueue<Object> queue = attacker.queue(name + "-queue");
        queue.add(new Canary("queue"));
        SharedQueue<Object> q = victim.queue(name + "-queue");
        refused("queue peek", q::peek);
        refused("queue poll", q::poll);

        SharedNamespace ns = attacker.namespace(name + "-ns");
        ns.set("gadget", new Canary("namespace"));
        SharedNamespace n = victim.namespace(name + "-ns");
        refused("namespace get", () -> n.get("gadget"));
        refused("namespace get with default", () -> n.get("gadget", "x"));
        refused("namespace asMap", n::asMap);
        assertEquals(Set.of("gadget"), n.attributes());
        assertEquals("Namespace{gadget=<refused: " + Canary.class.getName() + ">}", n.toString());
    }

    @Test
    void keyOnlyOperationsNeverDecodeAValueEvenWhenItIsAllowed() {
        String name = TestRegistry.uniqueName("keys");
        SharedDict<String, Object> stored = attacker.dict(name);
        stored.put("a", new Canary("a"));
        stored.put("b", new Canary("b"));
        SharedDict<String, Object> d = trusting.dict(name);
        assertEquals(Set.of("a", "b"), new HashSet<>(d.keySet()));
        assertTrue(d.containsKey("a"));
        assertTrue(d.keySet().contains("b"));
        assertEquals(2, d.size());
        assertEquals(2, d.keySet().size());
        assertFalse(d.isEmpty());
        assertFalse(d.keySet().isEmpty());
        assertEquals(List.of("a", "b"), List.of(d.keySet().toArray()));
        Iterator<String> it = d.keySet().iterator();
        assertEquals("a", it.next());
        it.remove();
        assertTrue(d.keySet().remove("b"));
        assertTrue(d.isEmpty());
        SharedNamespace ns = attacker.namespace(name + "-ns");
        ns.set("x", new Canary("x"));
        assertEquals(Set.of("x"), trusting.namespace(name + "-ns").attributes());
        assertTrue(trusting.namespace(name + "-ns").has("x"));
        assertEquals(0, Canary.RUNS.get(), "a key-only operation decoded a value");

        // the control: this worker does read the canary when it reads a value
        ns.set("y", new Canary("y"));
        assertInstanceOf(Canary.class, trusting.namespace(name + "-ns").get("y"));
        assertEquals(1, Canary.RUNS.get());
    }

    @Test
    void declaredClassesAndPackagesAreRead() {
        String name = TestRegistry.uniqueName("declared");
        Order order = new Order("o-1", LocalDate.of(2025, 1, 31));
        attacker.dict(name).put("order", order);
        attacker.dict(name).put("orders", new TreeMap<>(Map.of("o-1", order)));
        SharedDict<String, Object> undeclared = victim.dict(name);
        ValueClassRefusedException e = assertThrows(ValueClassRefusedException.class, () -> undeclared.get("order"));
        assertEquals(Order.class.getName(), e.refusedClass());
        try (Manager byClass = Manager.connect(registry.url(), ManagerOptions.defaults().allowClasses(Order.class));
             Manager byPackage = Manager.connect(registry.url(),
                     ManagerOptions.defaults().allowPackages("io.jmanager.security.*"))) {
            assertEquals(order, byClass.dict(name).get("order"));
            assertEquals(Map.of("o-1", order), byPackage.dict(name).get("orders"));
        }
    }

    @Test
    void placeholdersForToolsNameTheRefusedClassInsteadOfFailing() {
        String name = TestRegistry.uniqueName("placeholders");
        attacker.dict(name).put("gadget", new Canary("p"));
        attacker.dict(name).put("plain", "text");
        try (Manager tool = Manager.connect(registry.url(),
                ManagerOptions.defaults().withRefusedAsPlaceholders(true))) {
            Map<String, Object> copy = tool.<String, Object>dict(name).copy();
            RefusedValue refused = assertInstanceOf(RefusedValue.class, copy.get("gadget"));
            assertEquals(Canary.class.getName(), refused.className());
            assertTrue(refused.refused());
            assertTrue(refused.reason().contains("allowClasses(Canary.class)"), refused.reason());
            assertEquals("text", copy.get("plain"));
        }
        assertEquals(0, Canary.RUNS.get());
    }
}
