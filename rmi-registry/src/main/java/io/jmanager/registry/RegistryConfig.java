package io.jmanager.registry;

/**
 * How to run a registry. Immutable; build with {@link #defaults()} and the {@code with*} methods.
 *
 * @param port            the RMI registry port, also used by every exported object; 0 picks a free port
 * @param bindAddress     the address to listen on; null or {@code 0.0.0.0} for all interfaces
 * @param advertiseHost   the host name put into stubs (what workers connect to); null for this host's name
 * @param leaseMillis     the default session lease
 * @param maxValueBytes   the largest encoded value accepted
 * @param waitSliceMillis the longest one blocking call waits on the registry before the client calls again
 */
public record RegistryConfig(int port, String bindAddress, String advertiseHost, long leaseMillis,
                             int maxValueBytes, long waitSliceMillis) {
    public static final int DEFAULT_PORT = 1099;

    public static RegistryConfig defaults() {
        return new RegistryConfig(DEFAULT_PORT, null, null, 10_000, 16 << 20, 1_000);
    }

    public RegistryConfig withPort(int p) {
        return new RegistryConfig(p, bindAddress, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis);
    }

    public RegistryConfig withBindAddress(String a) {
        return new RegistryConfig(port, a, advertiseHost, leaseMillis, maxValueBytes, waitSliceMillis);
    }

    public RegistryConfig withAdvertiseHost(String h) {
        return new RegistryConfig(port, bindAddress, h, leaseMillis, maxValueBytes, waitSliceMillis);
    }

    public RegistryConfig withLeaseMillis(long l) {
        return new RegistryConfig(port, bindAddress, advertiseHost, l, maxValueBytes, waitSliceMillis);
    }

    public RegistryConfig withMaxValueBytes(int m) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, m, waitSliceMillis);
    }

    public RegistryConfig withWaitSliceMillis(long w) {
        return new RegistryConfig(port, bindAddress, advertiseHost, leaseMillis, maxValueBytes, w);
    }
}
