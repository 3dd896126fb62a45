package io.jmanager.testcontainers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.testcontainers.DockerClientFactory;

/**
 * The CI guard of this module: with {@code -Ddocker.required=true} (scripts/test-all.sh) a missing Docker engine,
 * or a Testcontainers setting that would make it pull, fails the build instead of letting
 * {@code @Testcontainers(disabledWithoutDocker = true)} skip the README's example.
 */
@EnabledIfSystemProperty(named = "docker.required", matches = "true")
class DockerRequiredIT {
    @Test
    void dockerAnswersAndNothingWouldBePulled() {
        assertEquals("true", System.getenv("TESTCONTAINERS_RYUK_DISABLED"),
                "Ryuk must be disabled by environment variable (it would be pulled)");
        assertNotNull(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"),
                "TESTCONTAINERS_HOST_OVERRIDE must be set (else Testcontainers pulls alpine to find the host)");
        assertTrue(DockerClientFactory.instance().isDockerAvailable(), "no Docker engine answers: run"
                + " `bash docker/build-images.sh` (it installs and starts one) or `bash scripts/test-all.sh`");
    }
}
