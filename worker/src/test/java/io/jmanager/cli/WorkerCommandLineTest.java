package io.jmanager.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.AuthKey;
import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedList;
import io.jmanager.SharedQueue;
import io.jmanager.TestRegistry;
import io.jmanager.registry.RegistryConfig;
import io.jmanager.registry.RegistryServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code worker.jar}'s registry commands as a newcomer uses them (issue 13), in-process against an in-JVM registry:
 * connection options before the command, the same key options in get/put/del and the hint for a key of another
 * type, repr-like output, push creating a list or queue, clear errors for missing names, bench cleaning up, and the
 * unresolvable advertised host.
 */
@Timeout(120)
class WorkerCommandLineTest {
    private static TestRegistry registry;
    private static Manager m;

    /** Exit code, standard output and standard error of one command line. */

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
        m = registry.connect();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static CommandLineRun run(String... args) {
        return CommandLineRun.of(args);
    }

    /** {@code args} after {@code --url URL}: the connection option before the command, as the README writes it. */
    private static CommandLineRun cli(String... args) {
        List<String> all = new ArrayList<>(List.of("--url", registry.url()));
        all.addAll(List.of(args));
        return run(all.toArray(String[]::new));
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void connectionOptionsWorkBeforeAndAfterTheCommand() {
        String d = unique("d");
        m.dict(d).put("k", "v");
        assertEquals(new CommandLineRun(0, "\"v\"\n", ""), run("--url", registry.url(), "get", d, "k"));
        assertEquals(new CommandLineRun(0, "\"v\"\n", ""), run("-u", registry.url(), "get", d, "k"));
        assertEquals(new CommandLineRun(0, "\"v\"\n", ""), run("get", d, "k", "--url", registry.url()));
        CommandLineRun ls = run("-u", registry.url(), "ls");
        assertEquals(0, ls.code(), ls.toString());
        assertTrue(ls.out().contains(d), ls.toString());
        CommandLineRun same = run("--url", registry.url(), "ls", "--url", registry.url());
        assertEquals(0, same.code(), same.toString());
    }

    @Test
    void theSameOptionGivenBeforeAndAfterWithDifferentValuesIsRefused() {
        CommandLineRun r = run("--url", registry.url(), "ls", "--url", "rmi://elsewhere:1099");
        assertEquals(1, r.code(), r.toString());
        assertEquals("worker.jar: --url is given before the command (" + registry.url() + ") and after it"
                + " (rmi://elsewhere:1099): give it once\n", r.err());
    }

    @Test
    void topLevelHelpShowsTheConnectionOptions() {
        CommandLineRun r = run("--help");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("-u, --url=URL"), r.out());
        assertTrue(r.out().contains("--authkey-file=FILE"), r.out());
        assertTrue(r.out().startsWith("Usage: java -jar worker.jar [-hV] [--authkey-file=FILE] [-u=URL] COMMAND\n"),
                r.out());
    }

    @Test
    void aMissingKeyNamesTheKeyOfAnotherTypeThatReadsTheSame() {
        String d = unique("dic");
        assertEquals(0, cli("put", d, "0", "a", "--key-as", "int").code());
        CommandLineRun get = cli("get", d, "0");
        assertEquals(new CommandLineRun(1, "", "worker.jar: dict '" + d + "' has no key \"0\" (a String); there is a key 0"
                + " (an Integer): use --key-as int\n"), get);
        assertEquals(new CommandLineRun(0, "\"a\"\n", ""), cli("get", d, "0", "--key-as", "int"));
        assertEquals(new CommandLineRun(1, "", "worker.jar: dict '" + d + "' has no key 0L (a Long); there is a key 0"
                + " (an Integer): use --key-as int\n"), cli("del", d, "0", "--key-as", "long"));
        assertEquals(new CommandLineRun(1, "", "worker.jar: dict '" + d + "' has no key \"7\" (a String)\n"),
                cli("get", d, "7"));
        assertEquals(new CommandLineRun(0, "", ""), cli("del", d, "0", "--key-as", "int"));
        assertFalse(m.dict(d).containsKey(0));
    }

    @Test
    void putGetAndDelTakeTheSameKeyOptionAndPutTakesTheValueType() {
        String d = unique("dic");
        assertEquals(0, cli("put", d, "7", "42", "--key-as", "long", "--as", "int").code());
        SharedDict<Object, Object> dict = m.dict(d);
        assertEquals(42, dict.get(7L));
        assertEquals(new CommandLineRun(0, "42\n", ""), cli("get", d, "7", "--key-as", "long"));
        assertEquals(new CommandLineRun(0, "", ""), cli("del", d, "7", "--key-as", "long"));
        assertTrue(dict.isEmpty());
    }

    @Test
    void getWithAsSaysThatTheKeyTypeIsKeyAs() {
        String d = unique("dic");
        m.dict(d).put(0, "a");
        CommandLineRun r = cli("get", d, "0", "--as", "int");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().startsWith("worker.jar: get has no --as: --as is the type of a value given on the command"
                + " line (put, push); the key's type is --key-as, e.g. `get DICT 0 --key-as int`\n"), r.err());
        assertEquals(2, cli("del", d, "0", "--as", "int").code());
        assertEquals("a", m.dict(d).get(0), "nothing deleted");
    }

    @Test
    void showTellsAnIntegerKeyFromAStringKeyAsPythonsReprDoes() {
        String d = unique("mixed");
        SharedDict<Object, Object> dict = m.dict(d);
        dict.put(2, "int key");
        dict.put("2", 2);
        dict.put(2L, 'c');
        dict.put("list", new ArrayList<>(List.of(1, "1", 1.5)));
        CommandLineRun r = cli("show", d);
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        assertTrue(lines.contains("  2 = \"int key\""), r.out());
        assertTrue(lines.contains("  \"2\" = 2"), r.out());
        assertTrue(lines.contains("  2L = 'c'"), r.out());
        assertTrue(lines.contains("  \"list\" = [1, \"1\", 1.5]"), r.out());
        String l = unique("lis");
        SharedList<Object> list = m.list(l);
        list.add(2);
        list.add("2");
        CommandLineRun shown = cli("show", l);
        assertEquals(new CommandLineRun(0, l + " (list)\n  2 items\n  [0] 2\n  [1] \"2\"\n", ""), shown);
        m.list(l).remove(1);
        assertEquals(new CommandLineRun(0, l + " (list)\n  1 item\n  [0] 2\n", ""), cli("show", l));
    }

    @Test
    void pushCreatesAListOrWithQueueAQueue() {
        String l = unique("jobs");
        CommandLineRun push = cli("push", l, "a", "b");
        assertEquals(new CommandLineRun(0, "", "push: created list '" + l + "' (--queue creates a queue)\n"), push);
        assertTrue(m.attach(l) instanceof SharedList<?>);
        assertEquals(new CommandLineRun(0, "", ""), cli("push", l, "c"));
        assertEquals(new CommandLineRun(0, "3\n", ""), cli("len", l));
        assertEquals(new CommandLineRun(0, "\"c\"\n", ""), cli("pop", l));
        CommandLineRun notAQueue = cli("push", "--queue", l, "x");
        assertEquals(new CommandLineRun(1, "", "worker.jar: '" + l + "' is a list, not a queue (--queue)\n"), notAQueue);

        String q = unique("work");
        assertEquals(new CommandLineRun(0, "", "push: created queue '" + q + "' of maxsize 2\n"),
                cli("push", "--queue", "--maxsize", "2", q, "1", "2", "--as", "int"));
        SharedQueue<?> queue = (SharedQueue<?>) m.attach(q);
        assertEquals(0, queue.remainingCapacity());
        assertEquals(new CommandLineRun(0, "1\n", ""), cli("pop", q));
        assertEquals(new CommandLineRun(1, "", "worker.jar: queue '" + q + "' is full; 4 and later values were not pushed\n"),
                cli("push", q, "3", "4", "--as", "int"));
        assertEquals(new CommandLineRun(1, "", "worker.jar: --maxsize is the capacity of a queue: add --queue\n"),
                cli("push", "--maxsize", "3", unique("x"), "1"));
    }

    @Test
    void popLenAndShowOfAMissingNameSayThatItDoesNotExist() {
        String nope = unique("nope");
        assertEquals(new CommandLineRun(1, "", "worker.jar: there is no object named '" + nope + "' (`worker.jar ls` lists the"
                + " objects); `push " + nope + " VALUE` creates a list, `push --queue " + nope + " VALUE` a queue\n"),
                cli("pop", nope));
        assertEquals(new CommandLineRun(1, "", "worker.jar: there is no object named '" + nope + "' (`worker.jar ls` lists the"
                + " objects); check the name\n"), cli("len", nope));
        assertEquals(1, cli("show", nope).code());
        assertEquals(new CommandLineRun(1, "", "worker.jar: there is no object named '" + nope + "' (`worker.jar ls` lists the"
                + " objects); `put " + nope + " KEY VALUE` creates a dict\n"), cli("get", nope, "k"));
        assertFalse(m.names().contains(nope), "nothing was created");
    }

    @Test
    void benchRemovesItsObjectsUnlessKept() {
        String[] bench = {"bench", "--op", "put,lock,locked-incr", "--duration", "0.2", "--warmup", "0",
            "--op-warmup", "0", "--keys", "10", "--json"};
        CommandLineRun r = cli(bench);
        assertEquals(0, r.code(), r.toString());
        assertEquals(3, r.out().lines().count(), r.out());
        assertTrue(m.names().stream().noneMatch(n -> n.startsWith("bench:")), "left: " + m.names());
        List<String> kept = new ArrayList<>(List.of(bench));
        kept.add("--keep");
        CommandLineRun k = cli(kept.toArray(String[]::new));
        assertEquals(0, k.code(), k.toString());
        assertTrue(m.names().containsAll(List.of("bench:put", "bench:lock", "bench:locked-incr",
                "bench:locked-incr:lock")), "kept: " + m.names());
        assertEquals(10, m.dict("bench:put").size());
        for (String name : List.of("bench:put", "bench:lock", "bench:locked-incr", "bench:locked-incr:lock")) {
            m.destroy(name);
        }
    }

    @Test
    void forkedBenchClientsGetTheConnectionOptionsGivenBeforeTheCommand() {
        // the child JVMs find no key by themselves (no JMANAGER_AUTHKEY*, and ~/.jmanager/authkey is not the test
        // key): they work only if the key file given before the command reaches them
        CommandLineRun r = cli("--authkey-file", io.jmanager.TestKeys.file().toString(), "bench", "--fork", "--clients", "1",
                "--op", "incr", "--duration", "0.2", "--warmup", "0", "--json");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().startsWith("{"), r.out());
        assertFalse(m.names().contains("bench:incr"), "removed: " + m.names());
    }

    @Test
    void anAdvertisedNameThatDoesNotResolveHereIsNamedWithAdvertise() throws Exception {
        String advertised = "jmanager-advertised-" + UUID.randomUUID().toString().substring(0, 8) + ".invalid";
        // An embedded registry sets java.rmi.server.hostname for the whole JVM: put back what this JVM's other
        // registries advertise, so that objects exported after this test carry their own name again.
        String hostname = System.getProperty("java.rmi.server.hostname");
        try (RegistryServer server = RegistryServer.start(RegistryConfig.defaults().withAuthKey(
                io.jmanager.TestKeys.key()).withPort(0).withBindAddress("127.0.0.1").withAdvertiseHost(advertised))) {
            int port = Integer.parseInt(server.url().substring(server.url().lastIndexOf(':') + 1));
            String url = "rmi://127.0.0.1:" + port;
            CommandLineRun r = run("--url", url, "ls");
            assertEquals(1, r.code(), r.toString());
            assertEquals("worker.jar: jmanager registry at " + url + " is unavailable: the registry"
                    + " answered, but it advertises its address as '" + advertised + "', a name that does not"
                    + " resolve on this host (every call goes to the name the registry advertises, its --advertise"
                    + " option or else its host name: start it with --advertise set to a name that this host and"
                    + " every worker resolve to it, or make '" + advertised + "' resolve here, e.g. in /etc/hosts)\n",
                    r.err());
            assertFalse(r.err().contains("is the port reachable"), r.err());
        } finally {
            System.setProperty("java.rmi.server.hostname", hostname);
        }
    }

    @Test
    void aUrlWhoseHostDoesNotResolveSaysSo() {
        String url = "rmi://jmanager-no-such-host-" + UUID.randomUUID().toString().substring(0, 8) + ".invalid:1099";
        CommandLineRun r = run("ls", "--url", url);
        assertEquals(new CommandLineRun(1, "", "worker.jar: jmanager registry at " + url + " is unavailable: its host name '"
                + url.substring("rmi://".length(), url.lastIndexOf(':')) + "' does not resolve on this host (check the"
                + " URL's host name)\n"), r);
    }

    @Test
    void authKeyFileGivesTheKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("other.key");
        Files.writeString(file, UUID.randomUUID().toString());
        String hostname = System.getProperty("java.rmi.server.hostname");
        try (RegistryServer server = RegistryServer.start(RegistryConfig.defaults().withAuthKey(
                AuthKey.fromText(Files.readString(file), "test")).withPort(0).withBindAddress("127.0.0.1")
                .withAdvertiseHost("127.0.0.1"))) {
            assertEquals(1, run("--url", server.url(), "ls").code(), "this JVM's own key is not the registry's");
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            CommandLineRun r = run("--url", server.url(), "--authkey-file", file.toString(), "ls");
            assertEquals(0, r.code(), r.toString());
            CommandLineRun after = run("ls", "--url", server.url(), "--authkey-file", file.toString());
            assertEquals(0, after.code(), after.toString());
        } finally {
            System.setProperty("java.rmi.server.hostname", hostname);
        }
        CommandLineRun missing = run("--url", registry.url(), "--authkey-file", dir.resolve("missing").toString(), "ls");
        assertEquals(1, missing.code(), missing.toString());
        assertTrue(missing.err().startsWith("worker.jar: cannot read the key file " + dir.resolve("missing")
                + " (--authkey-file): "), missing.err());
    }
}
