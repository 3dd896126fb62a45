package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.Timing;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every Java snippet of the README compiles against this build, so the docs cannot rot:
 * <ul>
 *   <li>a block that is a whole program (it starts with {@code import}) is compiled as it is; if a {@code text}
 *       block follows it, the program is run as the README's reader would run it (its child processes use
 *       {@code java} from the PATH; shared-memory areas go to a temporary directory, {@code JMANAGER_SHM_DIR}) and
 *       must print exactly that text;</li>
 *   <li>a fragment is compiled as the body of a method that has the names the README's prose gives it
 *       ({@link #FRAGMENT_CONTEXT}: a connected manager {@code m}, a lock, a dict of results, ...).</li>
 * </ul>
 */
@Timeout(180)
class ReadmeSnippetsTest {
    /** What the README's fragments refer to without declaring it. */
    private static final String FRAGMENT_CONTEXT = """
            import io.jmanager.*;
            import io.jmanager.shm.*;
            import java.util.*;
            import java.util.concurrent.locks.Lock;

            abstract class Fragment%d {
                Manager m;
                SharedDict<String, Object> d2;
                SharedDict<String, Long> results;
                SharedLock lock;
                long total;

                abstract void repair();

                abstract void update();

                void run() throws Exception {
            %s
                }
            }
            """;

    /**
     * A fenced block: its language (group 1), an optional module marker (group 2, {@code ```java testcontainers}: a
     * block that needs another module's class path, compiled and run by that module's tests instead), its body
     * (group 3).
     */
    private static final Pattern BLOCK = Pattern.compile("```(\\w+)( [\\w-]+)?\\n(.*?)```", Pattern.DOTALL);
    /** The modules whose tests check the blocks marked with their name. */
    private static final List<String> MARKED_ELSEWHERE = List.of(" testcontainers");
    private static final Pattern CLASS = Pattern.compile("public class (\\w+)");

    /** A whole program of the README and the output the README shows for it. */
    private record Example(String className, String source, String expectedOutput) {
    }

    @Test
    void everyJavaSnippetCompilesAndEveryProgramWithOutputPrintsIt() throws Exception {
        String readme = Files.readString(readme(), StandardCharsets.UTF_8);
        List<Example> programs = examples(readme);
        List<Example> shm = examples(section("## Same host: shared memory"));
        assertTrue(shm.size() >= 2, "the shared-memory section shows the seed's examples: " + shm);
        Path work = Files.createTempDirectory("jmanager-readme-");
        Path areas = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "jmanager-readme-shm-");
        try {
            for (Example example : programs) {
                Path classes = Files.createDirectories(work.resolve(example.className()));
                compile(example.className(), example.source(), classes);
                if (example.expectedOutput().isEmpty()) {
                    continue; // a worker that needs a running registry: compiled, not run
                }
                String output = run(example, classes, areas);
                System.out.print(output);
                assertEquals(example.expectedOutput(), output, example.className() + " prints what the README says");
            }
            List<String> fragments = fragments(readme);
            assertTrue(fragments.size() >= 3, "the README's fragments: " + fragments);
            for (int i = 0; i < fragments.size(); i++) {
                String indented = fragments.get(i).lines().map(l -> "        " + l)
                        .collect(java.util.stream.Collectors.joining("\n"));
                compile("Fragment" + i, String.format(FRAGMENT_CONTEXT, i, indented),
                        Files.createDirectories(work.resolve("fragment" + i)));
            }
            try (Stream<Path> left = Files.list(areas)) {
                assertFalse(left.findAny().isPresent(), "the examples remove their areas");
            }
        } finally {
            deleteTree(work);
            deleteTree(areas);
        }
    }

    /** The java blocks that are not whole programs, without their common indentation. */
    private static List<String> fragments(String text) {
        List<String> out = new ArrayList<>();
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String body = block.group(3).stripIndent();
            if (block.group(1).equals("java") && !markedElsewhere(block) && !body.startsWith("import ")) {
                out.add(body);
            }
        }
        return out;
    }

    /**
     * A block marked with a module (see {@link #BLOCK}); any other marker fails, so that no block escapes every
     * test by a typo.
     */
    private static boolean markedElsewhere(Matcher block) {
        String marker = block.group(2);
        if (marker == null) {
            return false;
        }
        assertTrue(MARKED_ELSEWHERE.contains(marker), "README block marked '" + marker.strip() + "': no module's"
                + " tests check it (known: " + MARKED_ELSEWHERE + ")");
        return true;
    }

    private static String section(String heading) throws IOException {
        String readme = Files.readString(readme(), StandardCharsets.UTF_8);
        int start = readme.indexOf("\n" + heading + "\n");
        assertTrue(start >= 0, "README has the section " + heading);
        int end = readme.indexOf("\n## ", start + heading.length() + 2);
        return readme.substring(start, end < 0 ? readme.length() : end);
    }

    private static Path readme() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("README.md")) && Files.isDirectory(dir.resolve("worker"))) {
                return dir.resolve("README.md");
            }
        }
        throw new AssertionError("no README.md above " + Path.of("").toAbsolutePath());
    }

    private static List<Example> examples(String section) {
        List<Example> out = new ArrayList<>();
        Matcher block = BLOCK.matcher(section);
        while (block.find()) {
            String body = block.group(3);
            if (!block.group(1).equals("java") || markedElsewhere(block) || !body.startsWith("import ")) {
                continue;
            }
            Matcher name = CLASS.matcher(body);
            assertTrue(name.find(), "a whole program declares a public class:\n" + body);
            String expected = "";
            int after = block.end();
            Matcher next = BLOCK.matcher(section);
            if (next.find(after) && next.group(1).equals("text") && section.substring(after, next.start()).isBlank()) {
                expected = next.group(3);
            }
            out.add(new Example(name.group(1), body, expected));
        }
        return out;
    }

    private static void compile(String className, String source, Path classes) throws IOException {
        Path file = classes.resolve(className + ".java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int code = javac.run(null, diagnostics, diagnostics, "-proc:none", "-d", classes.toString(),
                "-cp", JavaLauncher.classPath(), file.toString());
        if (code != 0) {
            fail("README snippet " + className + " does not compile:\n" + diagnostics + "\n" + source);
        }
    }

    private static String run(Example example, Path classes, Path areas) throws Exception {
        List<String> command = List.of(JavaLauncher.javaExecutable(), "-cp",
                classes + File.pathSeparator + JavaLauncher.classPath(), example.className());
        Path javaBin = Path.of(JavaLauncher.javaExecutable()).getParent();
        Process process = JavaLauncher.start(command, java.util.Map.of("JMANAGER_SHM_DIR", areas.toString(),
                "PATH", javaBin + File.pathSeparator + System.getenv("PATH")));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread outReader = new Thread(() -> copy(process.getInputStream(), out));
        Thread errReader = new Thread(() -> copy(process.getErrorStream(), err));
        outReader.start();
        errReader.start();
        if (!process.waitFor(Timing.millis(60_000), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("README example " + example.className() + " did not finish: " + out + err);
        }
        outReader.join();
        errReader.join();
        assertEquals(0, process.exitValue(), "README example " + example.className() + " failed:\n" + out + err);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static void copy(java.io.InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException closed) {
            // the process was destroyed
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
