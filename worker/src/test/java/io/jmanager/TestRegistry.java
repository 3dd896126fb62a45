package io.jmanager;

import io.jmanager.registry.RegistryConfig;
import io.jmanager.registry.RegistryServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An in-JVM registry on a free loopback port, for tests, with this JVM's {@link TestKeys test key} (so
 * {@link #connect()}, and {@code Manager.connect(url)} in this JVM, authenticate without arguments). {@link #connect()}
 * opens managers that are closed with the registry. Typical use: one per test class ({@code @BeforeAll}/{@code @AfterAll}), unique object names per test.
 */
public final class TestRegistry implements AutoCloseable {
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final RegistryServer server;
    private final List<Manager> managers = new ArrayList<>();

    private TestRegistry(RegistryServer server) {
        this.server = server;
    }

    /** Starts a registry with the default configuration on a free port of 127.0.0.1. */
    public static TestRegistry start() {
        return start(RegistryConfig.defaults());
    }

    /**
     * Starts a registry with {@code config} on a free port of 127.0.0.1, with this JVM's {@link TestKeys test key}
     * unless the config names a key.
     */
    public static TestRegistry start(RegistryConfig config) {
        if (config.authKey() == null && config.authKeyFile() == null) {
            config = config.withAuthKey(TestKeys.key());
        }
        try {
            return new TestRegistry(RegistryServer.start(config.withPort(0).withBindAddress("127.0.0.1")
                    .withAdvertiseHost("127.0.0.1")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return server.url();
    }

    public RegistryServer server() {
        return server;
    }

    /** A new manager connected to this registry, closed when the registry is closed. */
    public synchronized Manager connect() {
        Manager m = Manager.connect(url());
        managers.add(m);
        return m;
    }

    /** A fresh object name with the given prefix, unique within this JVM. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    @Override
    public synchronized void close() {
        for (Manager m : managers) {
            m.close();
        }
        managers.clear();
        server.close();
    }
}
