package io.jmanager.testcontainers;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's JManagerContainer example (the block marked {@code ```java testcontainers}) is {@link OrderCounterIT}
 * without its package line, so the test that runs in this build is the one users read. (The worker module's
 * ReadmeSnippetsTest leaves that block to this test: it needs this module's class path.)
 */
class ReadmeExampleTest {
    private static final String MARKER = "```java testcontainers\n";

    @Test
    void theReadmeShowsOrderCounterItAsItIs() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        Path readme = module.resolveSibling("README.md");
        Path source = module.resolve("src/test/java/io/jmanager/testcontainers/OrderCounterIT.java");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int start = text.indexOf(MARKER);
        assertTrue(start >= 0, "the README has a block marked " + MARKER.strip());
        assertTrue(text.indexOf(MARKER, start + 1) < 0, "one block marked " + MARKER.strip());
        int end = text.indexOf("```", start + MARKER.length());
        String shown = text.substring(start + MARKER.length(), end);
        String test = Files.readString(source, StandardCharsets.UTF_8)
                .replaceFirst("^package io\\.jmanager\\.testcontainers;\\n\\n", "");
        assertTrue(shown.equals(test), "README.md's JManagerContainer example differs from OrderCounterIT.java"
                + " (without its package line); copy one to the other.\n--- README:\n" + shown
                + "\n--- test:\n" + test);
    }
}
