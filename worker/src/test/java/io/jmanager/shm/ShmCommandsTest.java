package io.jmanager.shm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.cli.CommandLineRun;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code worker.jar shm ls|show|rm --dir DIR}: list, show and remove areas; a refused file is listed, not fatal. */
class ShmCommandsTest {
    @RegisterExtension
    final ShmTestAreas areas = new ShmTestAreas();

    private static CommandLineRun run(String... args) {
        return CommandLineRun.of(args);
    }

    /** A table row's columns (separated by two spaces or more). */
    private static List<String> columns(String row) {
        return List.of(row.trim().split(" {2,}"));
    }

    private String dir() {
        return areas.directory().toString();
    }

    private Path junk() throws IOException {
        Path junk = areas.directory().resolve("jmanager.junk");
        byte[] noise = new byte[10_000];
        new Random(3).nextBytes(noise);
        noise[0] = 'x';
        Files.write(junk, noise);
        Files.setPosixFilePermissions(junk, PosixFilePermissions.fromString("rw-------"));
        return junk;
    }

    private void createAreas() {
        try (SharedMemory alpha = SharedMemory.open("alpha", areas.options())) {
            alpha.value("n", 'i', 42);
            alpha.array("arr", 'd', List.of(1.5, 2.5, 3.5), Locking.NONE);
            alpha.array("s", 'c', "hello".getBytes(StandardCharsets.US_ASCII));
        }
        SharedMemory.open("beta", areas.options()).close();
    }

    @Test
    void lsOfAnEmptyDirectorySaysSo() {
        CommandLineRun r = run("shm", "ls", "--dir", dir());
        assertEquals(new CommandLineRun(0, "no shared-memory areas in " + dir() + "\n", ""), r);
    }

    @Test
    void lsListsAreasAndReportsARefusedFileWithoutFailing() throws IOException {
        createAreas();
        Path junk = junk();
        byte[] before = Files.readAllBytes(junk);
        CommandLineRun r = run("shm", "ls", "--dir", dir());
        assertEquals(0, r.code(), r.toString());
        assertEquals("", r.err());
        List<String> lines = r.lines();
        assertEquals(4, lines.size(), r.out());
        assertEquals(List.of("NAME", "CAPACITY", "USED", "OBJECTS", "PROCESSES"),
                List.of(lines.get(0).trim().split(" +")));
        // alpha: n/lock (64 B), n (4), arr (24), s/lock (64), s (5), each on a 64-byte boundary: 261 B used;
        // nobody else has it open
        assertEquals(List.of("alpha", "4.0", "MiB", "261", "B", "5", "-"), List.of(lines.get(1).trim().split(" +")));
        assertEquals(List.of("beta", "4.0", "MiB", "0", "B", "0", "-"), List.of(lines.get(2).trim().split(" +")));
        String refused = lines.get(3);
        assertTrue(refused.startsWith("junk "), refused);
        assertTrue(refused.contains(" 9.8 KiB  unusable: shared memory 'junk': " + junk.toAbsolutePath()
                + " is refused: it is not a jmanager shared-memory area (no JMGR-SHM magic at its start); remove"
                + " it, or choose another name. The file was not changed"), refused);
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(junk)), "ls left the refused file alone");
    }

    @Test
    void showPrintsObjectsValuesAndLocks() {
        createAreas();
        CommandLineRun r = run("shm", "show", "alpha", "--dir", dir());
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.lines();
        assertEquals(SharedMemory.fileOf("alpha", areas.options()) + ": 261 B used of 4.0 MiB, processes -",
                lines.get(0));
        assertEquals(List.of("NAME", "TYPE", "LOCK", "VALUE"), List.of(lines.get(1).trim().split(" +")));
        assertEquals(7, lines.size(), r.out());
        assertEquals(List.of("n/lock", "a reentrant lock", "-", "unlocked"), columns(lines.get(2)));
        assertEquals(List.of("n", "a value of typecode 'i'", "n/lock", "42"), columns(lines.get(3)));
        assertEquals(List.of("arr", "an array of 3 'd'", "-", "[1.5, 2.5, 3.5]"), columns(lines.get(4)));
        assertEquals(List.of("s/lock", "a reentrant lock", "-", "unlocked"), columns(lines.get(5)));
        assertEquals(List.of("s", "an array of 5 'c'", "s/lock", "b'hello'"), columns(lines.get(6)));
    }

    @Test
    void showOfARefusedOrMissingAreaFailsWithTheReason() throws IOException {
        Path junk = junk();
        CommandLineRun refused = run("shm", "show", "junk", "--dir", dir());
        assertEquals(1, refused.code());
        assertEquals("", refused.out());
        assertEquals("worker.jar: shared memory 'junk': " + junk.toAbsolutePath() + " is refused: it is not a"
                + " jmanager shared-memory area (no JMGR-SHM magic at its start); remove it, or choose another name."
                + " The file was not changed\n", refused.err());
        CommandLineRun missing = run("shm", "show", "nothing", "--dir", dir());
        assertEquals(1, missing.code());
        assertEquals("worker.jar: no shared-memory area 'nothing' in " + areas.directory().toAbsolutePath()
                + " (no file jmanager.nothing); `worker.jar shm ls` lists the areas there\n", missing.err());
        assertFalse(Files.exists(areas.directory().resolve("jmanager.nothing")), "show creates nothing");
    }

    @Test
    void rmRemovesAreasAndRefusedFilesAndFailsForAMissingOne() throws IOException {
        createAreas();
        Path junk = junk();
        CommandLineRun r = run("shm", "rm", "alpha", "junk", "--dir", dir());
        assertEquals(new CommandLineRun(0, "", ""), r);
        assertFalse(Files.exists(SharedMemory.fileOf("alpha", areas.options())));
        assertFalse(Files.exists(junk), "a refused file is removed as its message says");
        assertTrue(Files.exists(SharedMemory.fileOf("beta", areas.options())), "only the named areas");
        CommandLineRun again = run("shm", "rm", "alpha", "beta", "--dir", dir());
        assertEquals(1, again.code());
        assertEquals("worker.jar: no shared-memory area 'alpha' in " + dir() + "\n", again.err());
        assertFalse(Files.exists(SharedMemory.fileOf("beta", areas.options())), "the existing one was removed");
        CommandLineRun invalid = run("shm", "rm", "../etc", "--dir", dir());
        assertEquals(1, invalid.code());
        assertEquals("worker.jar: invalid shared-memory name '../etc': use 1 to 200 letters, digits and . _ - (not"
                + " starting with a dot)\n", invalid.err());
        assertEquals(new CommandLineRun(0, "no shared-memory areas in " + dir() + "\n", ""), run("shm", "ls", "--dir", dir()));
    }

    @Test
    void rmOfAnAreaInUseLeavesTheMappingWorking() {
        try (SharedMemory shm = SharedMemory.open("live", areas.options())) {
            MappedValue<Integer> n = shm.value("n", 'i', 1);
            assertEquals(0, run("shm", "rm", "live", "--dir", dir()).code());
            assertEquals(2, n.addAndGet(1), "like shm_unlink: the mapping stays");
            try (SharedMemory fresh = SharedMemory.open("live", areas.options())) {
                assertEquals(7, fresh.value("n", 'i', 7).get(), "the next open creates a new area");
            }
            assertEquals(3, n.addAndGet(1));
        }
    }
}
