package io.jmanager.registry.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.jmanager.AuthKey;
import io.jmanager.registry.RegistryServer;
import io.jmanager.registry.metrics.RegistryMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;

/**
 * The registry's read-only HTTP port ({@code registry.jar --http [ADDRESS:]PORT}), on the JDK's
 * {@code com.sun.net.httpserver}:
 * <ul>
 *   <li>{@code GET /}: the status page, one self-contained HTML file with its script (no CDN, no other file). It
 *       holds no data: it asks for the key, then reads {@code /api/status} once a second;</li>
 *   <li>{@code GET /api/status}: the data as JSON ({@link StatusJson}), with the key;</li>
 *   <li>{@code GET /metrics}: the Prometheus text format ({@link RegistryMetrics}), with the key.</li>
 * </ul>
 * The key is the registry's own authentication key, as {@code Authorization: Bearer KEY} or as the password of
 * {@code Basic} authentication ({@link HttpKeyCheck}); a request without it gets 401 and nothing else. With an
 * {@link SSLContext} (the registry's {@code --tls}) the port speaks HTTPS only, with the registry's certificate;
 * {@code mutual} also requires a client certificate. Nothing on this port changes the registry: every other
 * method gets 405. Two daemon threads serve it, so a slow client cannot take threads from RMI calls.
 */
public final class StatusServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger("io.jmanager.registry");
    private final HttpServer http;
    private final ExecutorService threads;
    private final boolean https;

    private StatusServer(HttpServer http, ExecutorService threads, boolean https) {
        this.http = http;
        this.threads = threads;
        this.https = https;
    }

    /**
     * Starts serving on {@code address} (port 0: a free port).
     *
     * @param tls    the registry's TLS context, or null for plain HTTP
     * @param mutual with TLS: require a client certificate its trust store accepts
     * @throws IOException if the address cannot be bound (in use, not local)
     */
    public static StatusServer start(InetSocketAddress address, RegistryServer registry, RegistryMetrics metrics,
                                     AuthKey key, SSLContext tls, boolean mutual) throws IOException {
        HttpServer http;
        if (tls != null) {
            HttpsServer server = HttpsServer.create(address, 16);
            server.setHttpsConfigurator(new HttpsConfigurator(tls) {
                @Override
                public void configure(HttpsParameters params) {
                    javax.net.ssl.SSLParameters p = tls.getDefaultSSLParameters();
                    p.setNeedClientAuth(mutual);
                    params.setSSLParameters(p);
                }
            });
            http = server;
        } else {
            http = HttpServer.create(address, 16);
        }
        HttpKeyCheck check = new HttpKeyCheck(key);
        long started = System.currentTimeMillis();
        byte[] page = resource("status.html");
        http.createContext("/", exchange -> serve(exchange, () -> {
            if (!exchange.getRequestURI().getPath().equals("/")) {
                send(exchange, 404, "text/plain; charset=utf-8", ("no such page: the status page is /, its data"
                        + " /api/status, the metrics /metrics\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, "text/html; charset=utf-8", page);
        }));
        http.createContext("/api/status", exchange -> serve(exchange, () -> {
            if (authorized(exchange, check)) {
                send(exchange, 200, "application/json; charset=utf-8",
                        StatusJson.of(registry, metrics, started).getBytes(StandardCharsets.UTF_8));
            }
        }));
        http.createContext("/metrics", exchange -> serve(exchange, () -> {
            if (authorized(exchange, check)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(16 << 10);
                metrics.writeText(out);
                send(exchange, 200, metrics.contentType(), out.toByteArray());
            }
        }));
        ExecutorService threads = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "jmanager-http");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(threads);
        http.start();
        return new StatusServer(http, threads, tls != null);
    }

    /** The port it listens on. */
    public int port() {
        return http.getAddress().getPort();
    }

    /** The status page's address, e.g. {@code http://127.0.0.1:9090/}. */
    public String url() {
        InetSocketAddress a = http.getAddress();
        String host = a.getAddress().isAnyLocalAddress() ? "127.0.0.1" : a.getAddress().getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return (https ? "https" : "http") + "://" + host + ":" + a.getPort() + "/";
    }

    @Override
    public void close() {
        http.stop(0);
        threads.shutdownNow();
        try {
            threads.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private interface Handler {
        void handle() throws IOException;
    }

    private static void serve(HttpExchange exchange, Handler handler) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Content-Security-Policy", "default-src 'none'; script-src"
                    + " 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:");
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain; charset=utf-8", ("the status port is read-only: " + method
                        + " is not allowed. Actions such as kill-session are on the authenticated command line"
                        + " (worker.jar)\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            handler.handle();
        } catch (IOException | RuntimeException e) {
            // the client went away, or the registry is closing: nothing to answer
            LOG.log(System.Logger.Level.DEBUG, "http " + exchange.getRequestURI() + ": " + e);
        }
    }

    private static boolean authorized(HttpExchange exchange, HttpKeyCheck check) throws IOException {
        if (check.accepts(exchange.getRequestHeaders().getFirst("Authorization"))) {
            return true;
        }
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"jmanager registry\"");
        send(exchange, 401, "text/plain; charset=utf-8", ("this needs the registry's key: send it as"
                + " 'Authorization: Bearer KEY', or as the password of basic authentication (curl -u :KEY); the key"
                + " is the registry's key file (default ~/.jmanager/authkey) or $JMANAGER_AUTHKEY\n")
                .getBytes(StandardCharsets.UTF_8));
        return false;
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = StatusServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the status page " + name + " is missing from registry.jar");
            }
            return in.readAllBytes();
        }
    }
}
