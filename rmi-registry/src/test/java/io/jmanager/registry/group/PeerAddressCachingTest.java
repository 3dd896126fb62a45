package io.jmanager.registry.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.security.Security;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Which address caches {@link PeerAddressCaching#install()} turns off, and that the operator's settings win. */
class PeerAddressCachingTest {
    private final Map<String, String> security = new LinkedHashMap<>();
    private final Map<String, String> system = new LinkedHashMap<>();

    @BeforeEach
    void remember() {
        for (String key : new String[] {PeerAddressCaching.TTL, PeerAddressCaching.NEGATIVE_TTL}) {
            security.put(key, Security.getProperty(key));
        }
        for (String key : new String[] {PeerAddressCaching.TTL, "sun.net.inetaddr.ttl",
                "sun.net.inetaddr.negative.ttl"}) {
            system.put(key, System.getProperty(key));
            System.clearProperty(key);
        }
    }

    @AfterEach
    void restore() {
        // a security property cannot be removed again: an absent one comes back as the empty string, which the JDK
        // reads as unset (and its caching was fixed by the JVM's first lookup long before this test anyway)
        security.forEach((key, value) -> Security.setProperty(key, value == null ? "" : value));
        system.forEach((key, value) -> {
            if (value == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, value);
            }
        });
    }

    @Test
    void withNothingConfiguredNeitherTheJvmNorGrpcKeepsAnAddress() {
        Security.setProperty(PeerAddressCaching.TTL, "");
        Security.setProperty(PeerAddressCaching.NEGATIVE_TTL, PeerAddressCaching.JDK_NEGATIVE_TTL);

        PeerAddressCaching.install();

        assertEquals("0", Security.getProperty(PeerAddressCaching.TTL));
        assertEquals("0", Security.getProperty(PeerAddressCaching.NEGATIVE_TTL));
        assertEquals("0", System.getProperty(PeerAddressCaching.TTL), "gRPC's resolver reads the system property");
    }

    @Test
    void theOperatorsSettingsAreKept() {
        Security.setProperty(PeerAddressCaching.TTL, "5");
        Security.setProperty(PeerAddressCaching.NEGATIVE_TTL, "3");
        System.setProperty(PeerAddressCaching.TTL, "7");

        PeerAddressCaching.install();

        assertEquals("5", Security.getProperty(PeerAddressCaching.TTL));
        assertEquals("3", Security.getProperty(PeerAddressCaching.NEGATIVE_TTL));
        assertEquals("7", System.getProperty(PeerAddressCaching.TTL));
    }

    @Test
    void theJdksOldSystemPropertiesCountAsConfigured() {
        Security.setProperty(PeerAddressCaching.TTL, "");
        Security.setProperty(PeerAddressCaching.NEGATIVE_TTL, PeerAddressCaching.JDK_NEGATIVE_TTL);
        System.setProperty("sun.net.inetaddr.ttl", "60");
        System.setProperty("sun.net.inetaddr.negative.ttl", "20");

        PeerAddressCaching.install();

        assertEquals("", Security.getProperty(PeerAddressCaching.TTL));
        assertEquals(PeerAddressCaching.JDK_NEGATIVE_TTL, Security.getProperty(PeerAddressCaching.NEGATIVE_TTL));
    }
}
