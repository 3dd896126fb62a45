package io.jmanager;

import java.net.URI;
import java.net.URISyntaxException;

/** A parsed registry URL: {@code rmi://host:port} (port 1099 when omitted). Immutable. */
record RegistryUrl(String host, int port) {
    static final int DEFAULT_PORT = 1099;

    /**
     * Parses {@code rmi://host[:port][/]}.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    static RegistryUrl parse(String url) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("registry URL is empty: use rmi://host:port, e.g. rmi://localhost:1099");
        }
        try {
            URI uri = new URI(url.trim());
            if (!"rmi".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null
                    || (uri.getPath() != null && !uri.getPath().isEmpty() && !uri.getPath().equals("/"))) {
                throw new URISyntaxException(url, "not of the form rmi://host:port");
            }
            int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
            return new RegistryUrl(uri.getHost(), port);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("bad registry URL '" + url + "': use rmi://host:port, e.g."
                    + " rmi://localhost:1099", e);
        }
    }

    /**
     * Parses one URL or a registry group's members, {@code rmi://hostA:1099,hostB:1099,hostC:1099} (each member
     * may also be written {@code rmi://host:port}).
     *
     * @throws IllegalArgumentException naming the member that is malformed and the expected form
     */
    static java.util.List<RegistryUrl> parseAll(String urls) {
        if (urls == null || !urls.contains(",")) {
            return java.util.List.of(parse(urls));
        }
        java.util.List<RegistryUrl> out = new java.util.ArrayList<>();
        for (String part : urls.split(",")) {
            String p = part.trim();
            if (p.isEmpty()) {
                throw new IllegalArgumentException("registry URL '" + urls + "' has an empty member: use"
                        + " rmi://hostA:1099,hostB:1099,hostC:1099");
            }
            RegistryUrl u = parse(p.contains("://") ? p : "rmi://" + p);
            if (out.contains(u)) {
                throw new IllegalArgumentException("registry URL '" + urls + "' names " + u + " twice");
            }
            out.add(u);
        }
        return java.util.List.copyOf(out);
    }

    @Override
    public String toString() {
        return "rmi://" + host + ":" + port;
    }
}
