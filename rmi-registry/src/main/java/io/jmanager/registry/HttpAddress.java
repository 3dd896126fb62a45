package io.jmanager.registry;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** Parses {@code --http [ADDRESS:]PORT}: the loopback address unless an address is given. */
final class HttpAddress {
    private HttpAddress() {
    }

    /**
     * {@code 9090} (loopback), {@code 0.0.0.0:9090} (every interface), {@code 10.0.0.5:9090}, {@code [::1]:9090},
     * {@code host:9090}; port 0 picks a free port.
     *
     * @throws IllegalArgumentException saying what is wrong and what a valid value looks like
     */
    static InetSocketAddress parse(String text) {
        String value = text.trim();
        String host = null;
        String port = value;
        int colon = value.lastIndexOf(':');
        if (colon >= 0) {
            host = value.substring(0, colon);
            port = value.substring(colon + 1);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            if (host.isEmpty()) {
                throw invalid(text, "the address before ':' is empty");
            }
        }
        int number;
        try {
            number = Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw invalid(text, "'" + port + "' is not a port number");
        }
        if (number < 0 || number > 65535) {
            throw invalid(text, "port " + number + " is not in 0..65535");
        }
        if (host == null) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), number);
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), number);
        } catch (UnknownHostException e) {
            throw invalid(text, "address '" + host + "' does not resolve");
        }
    }

    private static IllegalArgumentException invalid(String text, String why) {
        return new IllegalArgumentException("--http " + text + ": " + why + ". Give [ADDRESS:]PORT, e.g. 9090"
                + " (loopback only), 0.0.0.0:9090 (every interface) or 10.0.0.5:9090");
    }
}
