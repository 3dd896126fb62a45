package io.jmanager.registry;

import static io.jmanager.registry.Fixture.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

/** Option parsing only: no test here starts a registry (and none on 1099). */
class RegistryMainTest {
    private final RegistryMain.SizeConverter sizes = new RegistryMain.SizeConverter();

    @ParameterizedTest
    @CsvSource({
        "16MiB, 16777216", "16mib, 16777216", "16m, 16777216", "16MB, 16777216", "' 16 MiB ', 16777216",
        "512KiB, 524288", "512k, 524288", "512kb, 524288", "1g, 1073741824", "1GiB, 1073741824",
        "1024, 1024", "1KiB, 1024", "2097150k, 2147481600", "65536, 65536"})
    void sizes(String text, int bytes) {
        assertEquals(bytes, sizes.convert(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "abc", "16 XB", "1.5m", "-1m", "0", "1023", "2g", "2GiB", "3000000k", "m",
            "9223372036854775807", "17179869185g", "17592186044417m", "18014398509481985k", "8796093022209m"})
    void badSizes(String text) {
        CommandLine.TypeConversionException e = assertThrows(CommandLine.TypeConversionException.class,
                () -> sizes.convert(text));
        assertContains(e.getMessage(), "'" + text + "'");
    }

    /**
     * Runs the command line with stdout and stderr captured; returns {exit code, stderr, stdout}. The call runs on
     * its own thread with a bounded wait: if a bad command line were accepted, the registry it starts would block
     * {@code run}, and the test must fail rather than hang.
     */
    private static Object[] run(String... args) throws Exception {
        PrintStream oldErr = System.err;
        PrintStream oldOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "registry-main-test");
            t.setDaemon(true);
            return t;
        });
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            Future<Integer> code = thread.submit(() -> RegistryMain.run(args));
            try {
                return new Object[] {code.get(Fixture.TIMEOUT_MILLIS, TimeUnit.MILLISECONDS),
                        err.toString(StandardCharsets.UTF_8), out.toString(StandardCharsets.UTF_8)};
            } catch (TimeoutException e) {
                throw new AssertionError("registry.jar " + String.join(" ", args) + " started a registry: "
                        + out.toString(StandardCharsets.UTF_8));
            }
        } finally {
            System.setErr(oldErr);
            System.setOut(oldOut);
            thread.shutdown();
        }
    }

    /** Bad group options (docs/group.md): refused before anything listens, each saying what is wrong. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--group r1=127.0.0.1:1,r2=127.0.0.1:3,r3=127.0.0.1:5 --id r1                 | --group needs --data-dir",
        "--group r1=127.0.0.1:1,r2=127.0.0.1:3 --id r1 --data-dir d                    | at least 3",
        "--group r1=127.0.0.1:1,r2=127.0.0.1:3,r3=127.0.0.1:5 --data-dir d             | --group needs --id",
        "--group r1=127.0.0.1:1,r2=127.0.0.1:3,r3=127.0.0.1:5 --id r9 --data-dir d     | --id r9 is not one of",
        "--group r1=127.0.0.1:1,r2=127.0.0.1:3,r3=127.0.0.1:5 --id r1 --data-dir d --snapshot-every 3 | --snapshot-every 3 is too small",
        "--group r1=127.0.0.1:1,r1=127.0.0.1:3,r3=127.0.0.1:5 --id r1 --data-dir d     | appears twice",
        "--group r1=127.0.0.1:1,r2=127.0.0.1:2,r3=127.0.0.1:5 --id r1 --data-dir d     | reuses a host:port",
        "--group r1=127.0.0.1:x,r2=127.0.0.1:3,r3=127.0.0.1:5 --id r1 --data-dir d     | a port is a number",
        "--group r1=127.0.0.1,r2=127.0.0.1:3,r3=127.0.0.1:5 --id r1 --data-dir d       | is not id=host:port",
        "--id r1                                                                        | --group is empty",
        "--rejoin                                                                       | they need --group and --id",
        "--group r1=127.0.0.1:1,r2=127.0.0.1:3,r3=127.0.0.1:5 --id r1 --data-dir d --unauthenticated-group-traffic --port 5000 | leave out --port",
        "--group r1=127.0.0.1:1,r2=127.0.0.1:3,r3=127.0.0.1:5 --id r1 --data-dir d --fsync interval=50 | not a group member's"})
    void badGroupOptionsExitWithCode2AndSayWhy(String args, String expected) throws Exception {
        Object[] result = run(args.trim().split("\\s+"));
        assertEquals(2, result[0], "exit code; stderr: " + result[1]);
        assertContains((String) result[1], "registry.jar: ", expected.trim(), "Usage:");
    }

    /** Bad port options: all refused before anything listens, so no port is at stake. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--port abc                      | abc",
        "--port 70000                    | --port must be 0..65535",
        "--port -1                       | --port must be 0..65535",
        "--port                          | --port"})
    void badPortsExitWithCode2AndSayWhy(String args, String expected) throws Exception {
        Object[] result = run(args.trim().split("\\s+"));
        assertEquals(2, result[0], "exit code; stderr: " + result[1]);
        assertContains((String) result[1], "registry.jar: ", expected.trim(), "Usage:");
    }

    /**
     * Other bad options. A free loopback port is given as well, so that even a wrongly accepted command line
     * would never listen on 1099 or on a public interface.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--no-such-option                | --no-such-option",
        "--lease 99                      | --lease must be at least 100",
        "--lease soon                    | soon",
        "--max-value-size 10             | between 1KiB and 2GiB",
        "--max-value-size lots           | is not a size",
        "--max-value-size 17179869185g   | 17179869185g",
        "--max-objects 0                 | --max-objects must be positive",
        "--max-sessions -1               | --max-sessions must be positive",
        "--max-waiters-per-object 0      | --max-waiters-per-object must be positive",
        "--max-batch-size 0              | --max-batch-size must be positive",
        "--handshake-timeout 0           | --handshake-timeout must be positive",
        "--max-pending-handshakes 0      | --max-pending-handshakes must be positive",
        "--tls                           | --tls needs --tls-keystore",
        "--tls-keystore x.p12            | need --tls",
        "--tls --tls-keystore x.p12 --tls-mutual | --tls-mutual needs --tls-truststore",
        "--skip-damaged-records          | need --data-dir",
        "--accept-rollback               | need --data-dir",
        "--http web                      | --http web: 'web' is not a port number",
        "--http 0.0.0.0:99999            | port 99999 is not in 0..65535",
        "extra-argument                  | extra-argument"})
    void badOptionsExitWithCode2AndSayWhy(String args, String expected) throws Exception {
        String[] bad = args.trim().split("\\s+");
        String[] all = new String[bad.length + 4];
        all[0] = "--port";
        all[1] = "0";
        all[2] = "--bind";
        all[3] = "127.0.0.1";
        System.arraycopy(bad, 0, all, 4, bad.length);
        Object[] result = run(all);
        assertEquals(2, result[0], "exit code; stderr: " + result[1]);
        assertContains((String) result[1], "registry.jar: ", expected.trim(), "Usage:");
    }

    @Test
    void helpAndVersionExitWith0() throws Exception {
        Object[] help = run("--help");
        assertEquals(0, help[0]);
        assertContains((String) help[2], "--max-value-size", "--port", "--lease", "--authkey-file", "--tls",
                "--tls-mutual", "--max-objects", "--max-sessions", "--max-waiters-per-object", "--max-batch-size",
                "--handshake-timeout", "--data-dir", "--fsync", "--skip-damaged-records", "--accept-rollback");
        Object[] version = run("--version");
        assertEquals(0, version[0]);
        assertContains((String) version[2], "jmanager registry");
    }

    @Test
    void aKeyFileOthersCanReadStopsTheRegistryWithCode1(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path key = dir.resolve("authkey");
        java.nio.file.Files.writeString(key, io.jmanager.AuthKey.generateText() + "\n");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.getFileAttributeView(key,
                java.nio.file.attribute.PosixFileAttributeView.class) != null, "POSIX permissions");
        java.nio.file.Files.setPosixFilePermissions(key,
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        Object[] result = run("--port", "0", "--bind", "127.0.0.1", "--authkey-file", key.toString());
        assertEquals(1, result[0], "exit code; stderr: " + result[1]);
        assertContains((String) result[1], "cannot use the authentication key", key.toString(), "chmod 600");
    }

    @Test
    void anUnreadableTlsKeyStoreStopsTheRegistryWithCode1(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        Object[] result = run("--port", "0", "--bind", "127.0.0.1", "--tls", "--tls-keystore",
                dir.resolve("missing.p12").toString());
        assertEquals(1, result[0], "exit code; stderr: " + result[1]);
        assertContains((String) result[1], "missing.p12");
    }

    @Test
    void theHelpExampleSizesAreAccepted() {
        String usage = new CommandLine(new RegistryMain()).getUsageMessage();
        String line = usage.substring(usage.indexOf("largest value accepted"));
        String examples = line.substring(line.indexOf("e.g.") + 4, line.indexOf("(default")).replace("\n", " ");
        for (String example : examples.split(",")) {
            String size = example.trim();
            if (!size.isEmpty()) {
                sizes.convert(size);
            }
        }
    }

    /**
     * A damaged data directory, the way an operator meets it: exit code 1, one {@code registry.jar:} line that
     * names the file, the object and the record and says what to do, one {@code registry.jar: details:} line, and
     * no stack trace; the files unchanged. With {@code --skip-damaged-records} it starts, listing what it skipped.
     */
    @Test
    void aDamagedRecordIsOneLineWithWhatToDoNeverAStackTrace(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp)
            throws Exception {
        java.nio.file.Path dir = tmp.resolve("data");
        try (DurableHarness h = DurableHarness.open(dir)) {
            DictObject d = h.get("dur.dict", io.jmanager.wire.ObjectSpec.of(io.jmanager.wire.ObjectType.DICT));
            for (int i = 0; i < 50; i++) {
                d.put(Fixture.enc("k" + i), Fixture.enc("value-number-" + i + "-of-fifty"));
            }
        }
        java.nio.file.Path store = dir.resolve(MvStoreDurability.STORE_FILE);
        byte[] bytes = java.nio.file.Files.readAllBytes(store);
        byte[] needle = "value-number-17-of-fifty".getBytes(StandardCharsets.UTF_8);
        int flipped = 0;
        for (int i = 0; i + needle.length <= bytes.length; i++) {
            if (java.util.Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
                bytes[i + 6] ^= 0x01; // "value-" -> "value,": a value nobody wrote
                flipped++;
            }
        }
        assertEquals(true, flipped > 0, "the value is in the file");
        java.nio.file.Files.write(store, bytes);
        byte[] witness = java.nio.file.Files.readAllBytes(dir.resolve(CommitWitness.FILE));

        Object[] result = run("--port", "0", "--bind", "127.0.0.1", "--data-dir", dir.toString());
        assertEquals(1, result[0], "exit code; stderr: " + result[1]);
        String err = (String) result[1];
        String[] lines = err.strip().split("\\R");
        assertEquals(1, java.util.Arrays.stream(lines).filter(l -> l.startsWith("registry.jar: ")
                && !l.startsWith("registry.jar: details: ")).count(), err);
        assertContains(lines[0], "registry.jar: data file " + store, "record", "dict 'dur.dict'",
                "fails its checksum", "did not start and did not modify", "worker.jar import",
                "--skip-damaged-records");
        for (String line : lines) {
            assertEquals(true, line.startsWith("registry.jar: "), "a line that is not registry.jar's: " + line
                    + "\nin:\n" + err);
        }
        assertEquals(true, java.util.Arrays.equals(bytes, java.nio.file.Files.readAllBytes(store)), "modified");
        assertEquals(true, java.util.Arrays.equals(witness,
                java.nio.file.Files.readAllBytes(dir.resolve(CommitWitness.FILE))), "witness modified");

        RegistryConfig skip = RegistryConfig.defaults().withPort(0).withBindAddress("127.0.0.1")
                .withAdvertiseHost("127.0.0.1").withAuthKey(Fixture.AUTH_KEY).withDataDir(dir)
                .withRecovery(new RecoveryOptions(true, false));
        try (RegistryServer server = RegistryServer.start(skip)) {
            assertEquals(1, server.recovery().objects());
            assertEquals(49, server.recovery().records(), "one entry skipped");
            String notes = String.join("\n", server.recovery().notes());
            assertContains(notes, "skipped record", "of dict 'dur.dict': it fails its checksum",
                    "runs on a repaired copy", "next start is clean");
        }
        try (RegistryServer again = RegistryServer.start(skip.withRecovery(RecoveryOptions.NONE))) {
            assertEquals(49, again.recovery().records());
            assertEquals(java.util.List.of(), again.recovery().notes());
        }
    }
}
