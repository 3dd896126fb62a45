package io.jmanager.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.TestKeys;
import io.jmanager.Timing;
import io.jmanager.registry.RegistryConfig;
import io.jmanager.registry.RegistryServer;
import io.jmanager.registry.http.StatusServer;
import io.jmanager.registry.metrics.RegistryMetrics;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Scrapes {@code /metrics} while worker JVMs put entries and take a lock, and checks that the numbers agree with
 * what the workers did: operations by type and outcome, lock grants and holds, sessions opened and ended by cause
 * (one worker is killed with SIGKILL while it holds a lock: connection lost, lock recovered), refused connections.
 * Every scrape under load must parse and never see a counter go down.
 */
class MetricsUnderLoadTest {
    private static final int WORKERS = 4;
    private static final int PUTS = 300;
    private static final int LOCKS = 60;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void metricsAgreeWithWhatTheWorkersDid() throws Exception {
        RegistryMetrics metrics = new RegistryMetrics(false);
        RegistryServer server = RegistryServer.start(RegistryConfig.defaults().withPort(0).withBindAddress("127.0.0.1")
                .withAdvertiseHost("127.0.0.1").withAuthKey(TestKeys.key()).withLeaseMillis(Timing.millis(5_000)),
                metrics);
        metrics.bind(server);
        try (server; StatusServer http = StatusServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                server, metrics, TestKeys.key(), null, false)) {
            String url = http.url() + "metrics";
            HttpResponse<String> anonymous = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, anonymous.statusCode(), "metrics without the key: " + anonymous.body());

            AtomicBoolean loading = new AtomicBoolean(true);
            AtomicInteger scrapes = new AtomicInteger();
            AtomicReference<Throwable> scrapeFailure = new AtomicReference<>();
            Thread scraper = new Thread(() -> {
                Map<String, Double> before = Map.of();
                try {
                    while (loading.get()) {
                        Map<String, Double> now = scrape(url);
                        for (Map.Entry<String, Double> e : before.entrySet()) {
                            if (isCounter(e.getKey()) && now.getOrDefault(e.getKey(), 0.0) < e.getValue()) {
                                throw new AssertionError(e.getKey() + " went down from " + e.getValue() + " to "
                                        + now.get(e.getKey()));
                            }
                        }
                        before = now;
                        scrapes.incrementAndGet();
                    }
                } catch (Throwable t) {
                    scrapeFailure.set(t);
                }
            }, "scraper");
            scraper.start();

            WorkerProcess holder = WorkerProcess.start(LoadWorker.class, server.url(), "holder", "hold");
            List<WorkerProcess> workers = new ArrayList<>();
            try {
                holder.awaitLine("holding", Timing.seconds(60));
                for (int i = 0; i < WORKERS; i++) {
                    workers.add(WorkerProcess.start(LoadWorker.class, server.url(), "w" + i, PUTS, LOCKS));
                }
                WorkerProcess.awaitAll(workers, Timing.seconds(120));
                holder.kill();
            } finally {
                holder.close();
                workers.forEach(WorkerProcess::close);
            }
            // one connection that is not jmanager at all: refused in its handshake
            try (Socket garbage = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                OutputStream out = garbage.getOutputStream();
                out.write("GET / HTTP/1.0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                garbage.getInputStream().read(); // the registry closes it
            }

            // the kill and the refusal are counted by the registry's own threads: wait (bounded) until they are
            Map<String, Double> m = awaitScrape(url, s ->
                    value(s, "jmanager_sessions_ended_total{cause=\"connection_lost\"}") == 1
                    && value(s, "jmanager_connections_refused_total") == 1 && value(s, "jmanager_sessions") == 0);
            loading.set(false);
            scraper.join(Timing.millis(10_000));
            if (scrapeFailure.get() != null) {
                throw new AssertionError("a scrape under load failed", scrapeFailure.get());
            }
            assertTrue(scrapes.get() >= 2, "scrapes under load: " + scrapes.get());

            assertEquals(WORKERS * PUTS + WORKERS * LOCKS,
                    value(m, "jmanager_operation_seconds_count{op=\"put\",outcome=\"ok\",type=\"dict\"}"),
                    "dict puts");
            assertEquals(WORKERS * LOCKS, value(m, "jmanager_operation_seconds_count{op=\"release\",outcome=\"ok\","
                    + "type=\"lock\"}"), "lock releases");
            // every grant: the workers' and the holder's; every hold ended: theirs and the recovered one
            assertEquals(WORKERS * LOCKS + 1, value(m, "jmanager_lock_wait_seconds_count"), "lock grants");
            assertEquals(WORKERS * LOCKS + 1, value(m, "jmanager_lock_hold_seconds_count"), "lock holds ended");
            assertEquals(1, value(m, "jmanager_locks_recovered_total{cause=\"connection_lost\"}"), "recovered");
            assertEquals(WORKERS + 1, value(m, "jmanager_sessions_opened_total"), "sessions opened");
            assertEquals(WORKERS, value(m, "jmanager_sessions_ended_total{cause=\"closed\"}"), "closed");
            assertEquals(0, value(m, "jmanager_sessions_ended_total{cause=\"lease_expired\"}"), "expired");
            assertEquals(WORKERS + 1, value(m, "jmanager_operation_seconds_count{op=\"openSession\",outcome=\"ok\","
                    + "type=\"manager\"}"), "openSession calls");
            assertEquals(2, value(m, "jmanager_objects{type=\"dict\"}"), "dicts");
            assertEquals(2, value(m, "jmanager_objects{type=\"lock\"}"), "locks");
            assertEquals(0, value(m, "jmanager_waiters{type=\"lock\"}"), "lock waiters after the load");
            // the histogram's buckets hold every observation
            assertEquals(value(m, "jmanager_operation_seconds_count{op=\"put\",outcome=\"ok\",type=\"dict\"}"),
                    value(m, "jmanager_operation_seconds_bucket{op=\"put\",outcome=\"ok\",type=\"dict\",le=\"+Inf\"}"));
        }
    }

    private static boolean isCounter(String series) {
        return series.contains("_total") || series.contains("_count") || series.contains("_bucket");
    }

    private static double value(Map<String, Double> scrape, String series) {
        Double v = scrape.get(series);
        if (v == null) {
            throw new AssertionError("no series " + series + " in the scrape; it has " + scrape.keySet().stream()
                    .filter(k -> !k.contains("_bucket")).sorted().toList());
        }
        return v;
    }

    private static Map<String, Double> awaitScrape(String url, java.util.function.Predicate<Map<String, Double>> done)
            throws Exception {
        long deadline = System.nanoTime() + Timing.seconds(30).toNanos();
        Map<String, Double> last = scrape(url);
        while (!done.test(last)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the metrics did not reach the expected state in time: " + last);
            }
            Thread.sleep(20); // polling the HTTP port: there is no event to wait for
            last = scrape(url);
        }
        return last;
    }

    /** Every sample of a scrape, keyed by its series exactly as printed ({@code name{a="x",b="y"}}). */
    static Map<String, Double> scrape(String url) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", "Bearer " + keyText())
                .timeout(Duration.ofMillis(Timing.millis(10_000))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain; version=0.0.4"),
                response.headers().toString());
        Map<String, Double> out = new HashMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            out.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
        }
        return out;
    }

    /** The test key's text, as an operator would paste it from the key file. */
    static String keyText() throws java.io.IOException {
        return java.nio.file.Files.readString(TestKeys.file()).trim();
    }

    /**
     * With a data directory, every group commit is observed: its time, and how many waiting writers it answered
     * (concurrent writers share commits, so the batches sum to at least the number of commits).
     */
    @Test
    void aDurableRegistryReportsItsCommits(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        RegistryMetrics metrics = new RegistryMetrics(true);
        RegistryServer server = RegistryServer.start(RegistryConfig.defaults().withPort(0).withBindAddress("127.0.0.1")
                .withAdvertiseHost("127.0.0.1").withAuthKey(TestKeys.key()).withDataDir(dir.resolve("data")), metrics);
        metrics.bind(server);
        try (server; StatusServer http = StatusServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                server, metrics, TestKeys.key(), null, false);
             io.jmanager.Manager m = io.jmanager.Manager.connect(server.url())) {
            io.jmanager.SharedDict<String, Integer> dict = m.dict("durable-load");
            int threads = 4;
            int puts = 50;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
            try {
                List<java.util.concurrent.Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < puts; i++) {
                            dict.put(thread + "-" + i, i);
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : done) {
                    f.get(Timing.millis(60_000), java.util.concurrent.TimeUnit.MILLISECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            Map<String, Double> s = scrape(http.url() + "metrics");
            double commits = value(s, "jmanager_commit_seconds_count");
            assertTrue(commits >= 1 && commits <= threads * puts + 10, "commits: " + commits);
            assertTrue(value(s, "jmanager_commit_seconds_sum") > 0, "commit time");
            double batches = value(s, "jmanager_commit_batch_size_count");
            assertTrue(batches >= 1 && batches <= commits, "batches " + batches + ", commits " + commits);
            assertTrue(value(s, "jmanager_commit_batch_size_sum") >= batches, "each batch answers a writer");
            assertEquals(threads * puts, value(s, "jmanager_operation_seconds_count{op=\"put\",outcome=\"ok\","
                    + "type=\"dict\"}"), "dict puts");
        }
    }
}
