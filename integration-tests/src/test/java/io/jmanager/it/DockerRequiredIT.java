package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The CI guard: with {@code -Ddocker.required=true} (set by scripts/test-all.sh) a missing Docker engine or image,
 * or a Testcontainers setting that would make it try to pull, fails the build instead of skipping the container
 * tests.
 */
@EnabledIfSystemProperty(named = "docker.required", matches = "true")
class DockerRequiredIT {
    @Test
    void dockerEngineAndImagesAreThere() {
        assertEquals("true", System.getenv("TESTCONTAINERS_RYUK_DISABLED"),
                "Ryuk must be disabled by environment variable (it would be pulled)");
        assertTrue(System.getenv("TESTCONTAINERS_HOST_OVERRIDE") != null,
                "TESTCONTAINERS_HOST_OVERRIDE must be set (else Testcontainers pulls alpine to find the host)");
        assertTrue(DockerGuard.problems().isEmpty(), "container tests cannot run: " + DockerGuard.problems());
    }
}
