package io.jmanager.registry.group;

import java.security.Security;

/**
 * Makes a group member look its peers' host names up again whenever it connects to them, instead of keeping an
 * address for 30 s: a member that restarts or rejoins a network (a container, a pod) may come back on a new
 * address, and until its peers see that, it can neither vote nor be elected.
 *
 * <p>Two caches keep addresses: the JVM's ({@code InetAddress}, 30 s for a found name and 10 s for a missing one
 * unless configured) and the one of Ratis's gRPC channels ({@code DnsNameResolver}, which re-resolves a failing
 * peer only 30 s after its last success, read from the system property {@code networkaddress.cache.ttl}). A
 * channel that {@link SilentPeerChannels} rebuilds resolves the name anew, through the JVM's cache, which would
 * hand it the old address for up to 30 s more; a channel whose connection failed re-resolves through gRPC's. A
 * lookup happens only when a connection is made, so not caching costs one DNS query per connection.
 *
 * <p>Settings the operator made win: nothing is changed where {@code networkaddress.cache.ttl} (security or system
 * property), {@code sun.net.inetaddr.ttl} or {@code sun.net.inetaddr.negative.ttl} is set, or
 * {@code networkaddress.cache.negative.ttl} differs from the JDK's shipped 10 s.
 */
public final class PeerAddressCaching {
    static final String TTL = "networkaddress.cache.ttl";
    static final String NEGATIVE_TTL = "networkaddress.cache.negative.ttl";
    /** The JDK's own {@code java.security} file sets this; any other value was the operator's. */
    static final String JDK_NEGATIVE_TTL = "10";

    private PeerAddressCaching() {
    }

    /**
     * Turns the caches off where nobody configured them. The JVM's settings take effect only before its first
     * name lookup, so a registry calls this before it opens any socket; gRPC's before the member's channels are
     * built.
     */
    public static void install() {
        if (unset(Security.getProperty(TTL)) && unset(System.getProperty("sun.net.inetaddr.ttl"))) {
            Security.setProperty(TTL, "0");
        }
        String negative = Security.getProperty(NEGATIVE_TTL);
        if ((unset(negative) || negative.strip().equals(JDK_NEGATIVE_TTL))
                && unset(System.getProperty("sun.net.inetaddr.negative.ttl"))) {
            Security.setProperty(NEGATIVE_TTL, "0");
        }
        if (unset(System.getProperty(TTL))) {
            System.setProperty(TTL, "0"); // read by gRPC's DnsNameResolver (as a system property) when it is built
        }
    }

    private static boolean unset(String value) {
        return value == null || value.isBlank();
    }
}
