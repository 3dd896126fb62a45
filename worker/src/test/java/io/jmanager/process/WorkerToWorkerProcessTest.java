package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Timing;
import io.jmanager.cli.WorkerMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker-to-worker code execution with real processes: an attacker worker (a key holder) stores a
 * {@link MarkingCanary} in a dict, a list, a queue and a namespace; a victim worker and the operator's
 * {@code worker.jar} read them. Neither the canary's static initializer nor its {@code readObject} may run in
 * them (marker files), every read of the canary fails with {@code ValueClassRefusedException} naming it, reads
 * that need no value (keySet, containsKey, size) work, and the CLI shows the canary as refused and the other
 * values as they are.
 */
class WorkerToWorkerProcessTest {
    static RegistryProcess registry;
    static final String PREFIX = "w2w";
    static final String CANARY = MarkingCanary.class.getName();

    @TempDir
    static Path markers;

    @BeforeAll
    static void storeTheGadgets() {
        registry = RegistryProcess.start();
        WorkerProcess attacker = WorkerProcess.start(GadgetWorker.class, registry.url(), "store", PREFIX);
        assertEquals(List.of("stored"), attacker.awaitSuccess(Timing.seconds(60)));
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static List<String> markerFlags() {
        return List.of("-D" + MarkingCanary.DIR_PROPERTY + "=" + markers);
    }

    private static void assertNoMarkers() throws IOException {
        try (Stream<Path> files = Files.list(markers)) {
            List<Path> found = files.toList();
            assertTrue(found.isEmpty(), "code of the canary ran in a reader: " + found);
        }
    }

    @Test
    void aVictimWorkerRefusesTheGadgetOnEveryReadAndRunsNoneOfIt() throws Exception {
        WorkerProcess victim = WorkerProcess.startWith(Map.of(), markerFlags(), GadgetWorker.class, registry.url(),
                "read", PREFIX);
        List<String> out = victim.awaitSuccess(Timing.seconds(60));
        assertNoMarkers();
        assertEquals(victimLines(), out);
    }

    /** What the victim prints: every read of the canary refused, the reads that need no value answered. */
    static List<String> victimLines() {
        String refused = " refused " + CANARY;
        return List.of(
                "dict.get" + refused,
                "dict.get nested" + refused,
                "dict.getOrDefault" + refused,
                "dict.values" + refused,
                "dict.entrySet" + refused,
                "dict.copy" + refused,
                "dict.toString ok {harmless=plain text, gadget=<refused: " + CANARY + ">, nested=<refused: " + CANARY
                        + ">}",
                "dict.keySet ok [gadget, harmless, nested]",
                "dict.containsKey ok true",
                "dict.size ok 3",
                "dict.get harmless ok plain text",
                "list.get" + refused,
                "list.toString ok [<refused: " + CANARY + ">]",
                "queue.poll" + refused,
                "namespace.get" + refused,
                "namespace.attributes ok [gadget]",
                "done");
    }

    @Test
    void aStrictJvmWideFilterKeepsTheWorkersOwnRmiWorking() throws Exception {
        // java.base/*;!* rejects RMI's stub classes and jmanager's wire classes: the worker could not even connect
        List<String> flags = new java.util.ArrayList<>(markerFlags());
        flags.add("-Djdk.serialFilter=java.base/*;!*");
        storeFor(PREFIX + "-strict");
        WorkerProcess victim = WorkerProcess.startWith(Map.of(), flags, GadgetWorker.class, registry.url(),
                "read", PREFIX + "-strict");
        assertEquals(victimLines(), victim.awaitSuccess(Timing.seconds(60)));
        assertNoMarkers();
    }

    @Test
    void aStrictFilterAfterAnEarlyDeserializationNeedsTheFactoryOnTheCommandLineAndSaysSo() throws Exception {
        List<String> flags = new java.util.ArrayList<>(markerFlags());
        flags.add("-Djdk.serialFilter=java.base/*;!*");
        flags.add("-Dgadget.deserializeFirst=true");
        List<String> tooLate = WorkerProcess.startWith(Map.of(), flags, GadgetWorker.class, registry.url(), "probe",
                PREFIX).awaitSuccess(Timing.seconds(60));
        assertEquals(1, tooLate.size(), tooLate.toString());
        assertTrue(tooLate.get(0).startsWith("connect failed: this JVM's deserialization filter (-Djdk.serialFilter)"
                + " rejected the answer of the registry") && tooLate.get(0).contains(
                "-Djdk.serialFilterFactory=io.jmanager.wire.WorkerSerialFilterFactory"), tooLate.toString());
        flags.add("-Djdk.serialFilterFactory=io.jmanager.wire.WorkerSerialFilterFactory");
        List<String> named = WorkerProcess.startWith(Map.of(), flags, GadgetWorker.class, registry.url(), "probe",
                PREFIX).awaitSuccess(Timing.seconds(60));
        assertEquals(List.of("dict.get refused " + CANARY, "dict.get harmless ok plain text"), named);
        assertNoMarkers();
    }

    /** The attacker stores again under {@code prefix} (the queue's canary is consumed by each victim). */
    private static void storeFor(String prefix) {
        WorkerProcess attacker = WorkerProcess.start(GadgetWorker.class, registry.url(), "store", prefix);
        assertEquals(List.of("stored"), attacker.awaitSuccess(Timing.seconds(60)));
    }

    @Test
    void theOperatorsCliShowsTheGadgetAsRefusedAndTheOtherValues() throws Exception {
        String dict = PREFIX + "-dict";
        List<String> get = cli("get", dict, "gadget");
        assertEquals(1, get.size(), get.toString());
        assertTrue(get.get(0).startsWith("<refused: " + CANARY + " (not a JDK value type; to read it, allow it"
                + " with java -Djdk.serialFilter=" + CANARY), get.toString());
        assertEquals(List.of("\"plain text\""), cli("get", dict, "harmless"));
        List<String> show = cli("show", dict);
        assertEquals(dict + " (dict)", show.get(0), show.toString());
        assertEquals("  3 entries", show.get(1), show.toString());
        assertEquals("  \"harmless\" = \"plain text\"", show.get(2), show.toString());
        assertTrue(show.get(3).startsWith("  \"gadget\" = <refused: " + CANARY + " "), show.toString());
        assertTrue(show.get(4).startsWith("  \"nested\" = <refused: " + CANARY + " "), show.toString());
        List<String> list = cli("show", PREFIX + "-list");
        assertTrue(list.get(2).startsWith("  [0] <refused: " + CANARY + " "), list.toString());
        List<String> ns = cli("show", PREFIX + "-ns");
        assertTrue(ns.get(1).startsWith("  gadget = <refused: " + CANARY + " "), ns.toString());
        assertNoMarkers();
    }

    private static List<String> cli(String... args) {
        List<Object> all = new java.util.ArrayList<>(List.of((Object[]) args));
        all.add("--url");
        all.add(registry.url());
        WorkerProcess p = WorkerProcess.startWith(Map.of(), markerFlags(), WorkerMain.class, all.toArray());
        return p.awaitSuccess(Timing.seconds(60));
    }
}
