package io.jmanager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.rmi.ConnectIOException;
import org.junit.jupiter.api.Test;

/**
 * {@link Rpc#translate} of a host name that does not resolve: the URL's own, or the name the registry advertises
 * (issue 13's container stumble), whether the lookup failed or did not answer within the connect timeout.
 */
class RpcUnresolvedHostTest {
    private static final String URL = "rmi://localhost:1099";

    private static Exception unknown(String host) {
        return new java.rmi.UnknownHostException("Unknown host: " + host,
                new UnknownHostException(host + ": Name or service not known"));
    }

    private static Exception lookupTimedOut(String host) {
        return new ConnectIOException("error during JRMP connection establishment", new SocketTimeoutException(
                "resolving the host name '" + host + "' took longer than the connect timeout: its DNS server does"
                        + " not answer (use an IP address, or fix the resolver)"));
    }

    @Test
    void theAdvertisedNameIsNamedWithAdvertiseWhetherUnknownOrTimedOut() {
        for (Exception e : new Exception[] {unknown("registry"), lookupTimedOut("registry")}) {
            RuntimeException t = Rpc.translate(URL, "the registry", e);
            assertTrue(t instanceof RegistryUnavailableException, t.toString());
            assertEquals("jmanager registry at " + URL + " is unavailable: the registry answered, but it advertises"
                    + " its address as 'registry', a name that does not resolve on this host (every call goes to the"
                    + " name the registry advertises, its --advertise option or else its host name: start it with"
                    + " --advertise set to a name that this host and every worker resolve to it, or make 'registry'"
                    + " resolve here, e.g. in /etc/hosts)", t.getMessage());
            assertEquals(e, t.getCause());
        }
    }

    @Test
    void theUrlsOwnHostIsNamedAsSuch() {
        RuntimeException t = Rpc.translate(URL, "the registry", unknown("localhost"));
        assertEquals("jmanager registry at " + URL + " is unavailable: its host name 'localhost' does not resolve on"
                + " this host (check the URL's host name)", t.getMessage());
    }

    @Test
    void otherTimeoutsAreNotLookups() {
        assertNull(Rpc.unresolvedHost(new ConnectIOException("x", new SocketTimeoutException("connect timed out"))));
        assertNull(Rpc.unresolvedHost(new java.rmi.ConnectException("refused")));
    }
}
