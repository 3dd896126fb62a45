package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.exception.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;

/**
 * Whether the container tests can run: a Docker engine answers and the images built by
 * {@code docker/build-images.sh} exist locally. With {@code -Ddocker.required=true} (scripts/test-all.sh, CI) a
 * problem fails the tests; without it they are reported as skipped with the reason, for a plain {@code mvn verify}
 * on a machine without Docker.
 */
final class DockerGuard {
    static final String REGISTRY_IMAGE = System.getProperty("jmanager.image.registry", "jmanager/registry:latest");
    static final String WORKER_IMAGE = System.getProperty("jmanager.image.worker", "jmanager/worker:latest");
    private static final String HOW = "run `bash docker/build-images.sh` (it installs and starts Docker when missing"
            + " and builds the images from this build's jars), or `bash scripts/test-all.sh` for everything";
    private static volatile List<String> problems;

    private DockerGuard() {
    }

    static boolean required() {
        return Boolean.getBoolean("docker.required");
    }

    /** What is missing for the container tests; empty when they can run. Checked once per JVM. */
    static synchronized List<String> problems() {
        if (problems == null) {
            List<String> found = new ArrayList<>();
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                found.add("no Docker engine answers");
            } else {
                for (String image : List.of(REGISTRY_IMAGE, WORKER_IMAGE)) {
                    try {
                        DockerClientFactory.instance().client().inspectImageCmd(image).exec();
                    } catch (NotFoundException e) {
                        found.add("image " + image + " does not exist locally");
                    }
                }
            }
            problems = List.copyOf(found);
        }
        return problems;
    }

    /** Fails (docker.required=true) or skips the calling tests when Docker or an image is missing. */
    static void assumeContainersCanRun() {
        List<String> p = problems();
        if (p.isEmpty()) {
            return;
        }
        String message = String.join("; ", p) + ": " + HOW;
        if (required()) {
            fail("docker.required=true but " + message);
        }
        Assumptions.abort("container tests skipped (set -Ddocker.required=true to make this fail): " + message);
    }
}
