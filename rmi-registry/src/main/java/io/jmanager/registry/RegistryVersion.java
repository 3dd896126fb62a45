package io.jmanager.registry;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The registry's version, from the build. */
final class RegistryVersion {
    private static final String VERSION = load();

    private RegistryVersion() {
    }

    static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = RegistryVersion.class.getResourceAsStream("/io/jmanager/registry/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
