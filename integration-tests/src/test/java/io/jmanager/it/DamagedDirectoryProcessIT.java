package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The damaged-copy cases of a data directory written by real worker processes, started on with the packaged
 * {@code registry.jar} as an operator would: {@code worker.jar bench --fork} runs three client JVMs doing dict puts,
 * counter increments and queue round trips against {@code registry.jar --data-dir}, which is then killed with
 * SIGKILL (the log not all checkpointed). Copies of that directory are damaged (truncated anywhere and at the tail,
 * random bytes, zeroed 4 KiB blocks, flipped bits in the headers and anywhere, a deleted store or witness, the
 * store of another registry) and {@code registry.jar} is started on each: it must exit 1 with one
 * {@code registry.jar:} line (and at most a {@code details:} line) leaving every file byte-identical, or start with
 * exactly the undamaged directory's state ({@code worker.jar export}, byte for byte). Offsets come from one seed,
 * printed; {@code -Djmanager.test.damageSeed=S} replays it. The larger in-process matrix is
 * {@code DamagedDataDirectoryTest}'s.
 */
@Timeout(600)
class DamagedDirectoryProcessIT {
    private static final String STORE = "registry.mv.db";
    private static final String WITNESS = "registry.commit";

    @TempDir
    Path tmp;

    @Test
    void everyDamagedCopyIsRefusedUntouchedOrStartsWithTheWrittenState() throws Exception {
        long seed = Long.getLong("jmanager.test.damageSeed", ThreadLocalRandom.current().nextLong());
        System.out.println("DamagedDirectoryProcessIT: seed " + seed + " (replay with -Djmanager.test.damageSeed="
                + seed + ")");
        Random random = new Random(seed);
        Path written = tmp.resolve("written");
        int port = RegistryJar.freePort();
        try (RegistryJar.Started registry = new RegistryJar.Started("--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--advertise", "127.0.0.1", "--data-dir", written.toString())) {
            RegistryJar.Result bench = RegistryJar.runJar(RegistryJar.workerJar(), "bench", "-u", registry.url,
                    "--op", "put,incr,queue", "--fork", "--clients", "3", "--duration", "1", "--warmup", "0.5",
                    "--op-warmup", "0", "--keys", "2000", "--keep");
            assertEquals(0, bench.code(), bench.output());
            registry.process.destroyForcibly(); // SIGKILL: the directory as a crash leaves it
            assertTrue(registry.process.waitFor(RegistryJar.millis(10_000), TimeUnit.MILLISECONDS));
        }
        byte[] reference = exportOf(copy(written, tmp.resolve("reference")));
        assertTrue(reference.length > 4_000, "the workers wrote state: an export of " + reference.length
                + " bytes (gzip: 2,000 dict entries, a counter, a queue)");
        Path foreign = tmp.resolve("foreign");
        try (RegistryJar.Started other = new RegistryJar.Started("--port", String.valueOf(RegistryJar.freePort()),
                "--bind", "127.0.0.1", "--advertise", "127.0.0.1", "--data-dir", foreign.toString())) {
            other.process.destroyForcibly();
            other.process.waitFor(RegistryJar.millis(10_000), TimeUnit.MILLISECONDS);
        }

        long storeLength = Files.size(written.resolve(STORE));
        List<String> kinds = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            kinds.add("truncated anywhere");
            kinds.add("256 random bytes");
            kinds.add("zeroed 4 KiB block");
            kinds.add("flipped bit");
        }
        kinds.addAll(List.of("truncated tail", "truncated tail", "flipped bit in a header", "flipped bit in a header",
                "deleted store", "deleted witness", "store of another registry", "zero-length store"));
        Map<String, int[]> outcomes = new TreeMap<>();
        int caseNumber = 0;
        for (String kind : kinds) {
            Path dir = copy(written, tmp.resolve("case-" + caseNumber++));
            Path store = dir.resolve(STORE);
            String what = kind + damage(kind, dir, store, storeLength, random, foreign);
            Map<String, String> before = hashes(dir);
            Outcome outcome = start(dir);
            int[] counts = outcomes.computeIfAbsent(kind, k -> new int[2]);
            if (outcome.refusal != null) {
                assertOneLineRefusal(what, outcome.refusal);
                assertEquals(before, hashes(dir), what + ": a refused directory must be left byte-identical");
                counts[0]++;
            } else {
                assertArrayEquals(reference, outcome.export, what + ": a start that is not refused must serve"
                        + " exactly the state written; its output: " + outcome.output);
                counts[1]++;
            }
        }
        System.out.println("DamagedDirectoryProcessIT: seed " + seed + ", store of " + storeLength
                + " bytes; outcomes (refused / started with the written state):");
        outcomes.forEach((k, c) -> System.out.printf("  %-28s refused %2d  exact %2d%n", k, c[0], c[1]));
    }

    /** Damages the copy in {@code dir} as {@code kind} says; returns where, for messages. */
    private static String damage(String kind, Path dir, Path store, long length, Random random, Path foreign)
            throws IOException {
        byte[] bytes = Files.exists(store) ? Files.readAllBytes(store) : new byte[0];
        switch (kind) {
            case "truncated anywhere" -> {
                int at = random.nextInt((int) length);
                Files.write(store, java.util.Arrays.copyOf(bytes, at));
                return " at " + at;
            }
            case "truncated tail" -> {
                int cut = 1 + random.nextInt(4096);
                Files.write(store, java.util.Arrays.copyOf(bytes, (int) Math.max(0, length - cut)));
                return " by " + cut;
            }
            case "256 random bytes" -> {
                int at = random.nextInt((int) Math.max(1, length - 256));
                byte[] noise = new byte[256];
                random.nextBytes(noise);
                System.arraycopy(noise, 0, bytes, at, 256);
                Files.write(store, bytes);
                return " at " + at;
            }
            case "zeroed 4 KiB block" -> {
                int at = 4096 * random.nextInt((int) (length / 4096));
                java.util.Arrays.fill(bytes, at, Math.min(bytes.length, at + 4096), (byte) 0);
                Files.write(store, bytes);
                return " at " + at;
            }
            case "flipped bit" -> {
                int at = random.nextInt((int) length);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                Files.write(store, bytes);
                return " at " + at;
            }
            case "flipped bit in a header" -> {
                int at = (random.nextBoolean() ? 0 : 4096) + random.nextInt(256);
                bytes[at] ^= (byte) (1 << random.nextInt(8));
                Files.write(store, bytes);
                return " at " + at;
            }
            case "deleted store" -> Files.delete(store);
            case "deleted witness" -> Files.delete(dir.resolve(WITNESS));
            case "zero-length store" -> Files.write(store, new byte[0]);
            case "store of another registry" -> Files.copy(foreign.resolve(STORE), store,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            default -> fail("no damage " + kind);
        }
        return "";
    }

    /** What a start on a directory did: its one-line refusal, or the export of the state it served. */
    private record Outcome(String refusal, byte[] export, String output) {
    }

    private Outcome start(Path dir) throws Exception {
        int port = RegistryJar.freePort();
        Path log = Files.createTempFile(tmp, "registry", ".log");
        Process p = new ProcessBuilder(RegistryJar.javaBin(), "-jar", RegistryJar.registryJar().toString(),
                "--port", String.valueOf(port), "--bind", "127.0.0.1", "--advertise", "127.0.0.1", "--data-dir",
                dir.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RegistryJar.millis(20_000));
            while (System.nanoTime() < deadline) {
                String output = Files.readString(log, StandardCharsets.UTF_8);
                if (output.contains("jmanager registry ready at ")) {
                    Path file = tmp.resolve("export-" + port + ".jms");
                    RegistryJar.Result export = RegistryJar.runJar(RegistryJar.workerJar(), "export", "-u",
                            "rmi://127.0.0.1:" + port, file.toString());
                    assertEquals(0, export.code(), "export of a started registry: " + export.output());
                    return new Outcome(null, Files.readAllBytes(file), output);
                }
                if (p.waitFor(20, TimeUnit.MILLISECONDS)) {
                    output = Files.readString(log, StandardCharsets.UTF_8);
                    assertEquals(1, p.exitValue(), "a refused start exits 1: " + output);
                    return new Outcome(output, null, output);
                }
            }
            fail("registry.jar neither started nor exited on " + dir + ": " + Files.readString(log,
                    StandardCharsets.UTF_8));
            return null;
        } finally {
            p.destroyForcibly().waitFor(RegistryJar.millis(10_000), TimeUnit.MILLISECONDS);
        }
    }

    private static void assertOneLineRefusal(String what, String output) {
        List<String> lines = output.strip().lines().toList();
        for (String line : lines) {
            assertTrue(line.startsWith("registry.jar: "), what + ": not a registry.jar line (a stack trace?): "
                    + line + "\n" + output);
        }
        assertEquals(1, lines.stream().filter(l -> !l.startsWith("registry.jar: details: ")).count(),
                what + ": one line saying what is wrong and what to do: " + output);
    }

    private byte[] exportOf(Path dir) throws Exception {
        Outcome o = start(dir);
        assertTrue(o.refusal == null, "the undamaged directory starts: " + o.refusal);
        return o.export;
    }

    private static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> files = Files.list(from)) {
            for (Path f : files.toList()) {
                if (!f.getFileName().toString().equals("registry.owner")) {
                    Files.copy(f, to.resolve(f.getFileName()));
                }
            }
        }
        return to;
    }

    private static Map<String, String> hashes(Path dir) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                out.put(f.getFileName().toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
            }
        }
        return out;
    }
}
