package io.jmanager.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jmanager.Manager;
import io.jmanager.SharedLock;
import io.jmanager.TestKeys;
import io.jmanager.Timing;
import io.jmanager.registry.RegistryConfig;
import io.jmanager.registry.RegistryServer;
import io.jmanager.registry.http.StatusServer;
import io.jmanager.registry.metrics.RegistryMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status port: what it serves without the key (the empty page shell, 401 for data, 405 for anything but GET),
 * and, with the key, the lock everyone waits on: its holder's session, host and pid, its waiters, its token.
 */
class StatusServerTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static RegistryServer server;
    private static StatusServer status;
    private static String key;

    @BeforeAll
    static void start() throws Exception {
        RegistryMetrics metrics = new RegistryMetrics(false);
        server = RegistryServer.start(RegistryConfig.defaults().withPort(0).withBindAddress("127.0.0.1")
                .withAdvertiseHost("127.0.0.1").withAuthKey(TestKeys.key()), metrics);
        metrics.bind(server);
        status = StatusServer.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), server, metrics,
                TestKeys.key(), null, false);
        key = Files.readString(TestKeys.file()).trim();
    }

    @AfterAll
    static void stop() {
        if (status != null) {
            status.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> get(String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(status.url() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutTheKeyThePortShowsNothingAndChangesNothing() throws Exception {
        HttpResponse<String> page = get("", null);
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<title>jmanager registry</title>"), page.body());
        assertFalse(page.body().contains("src=\"http"), "the page loads nothing from elsewhere");
        assertEquals(401, get("api/status", null).statusCode());
        assertEquals(401, get("metrics", null).statusCode());
        HttpResponse<String> wrong = get("api/status", "Bearer " + "f".repeat(64));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("needs the registry's key"), wrong.body());
        assertEquals(401, get("metrics", "Bearer short").statusCode());
        assertEquals(404, get("nothing-here", null).statusCode());
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(URI.create(status.url() + "api/status"))
                .header("Authorization", "Bearer " + key).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        assertTrue(post.body().contains("read-only"), post.body());
    }

    @Test
    void theKeyWorksAsBearerTokenAndAsBasicPassword() throws Exception {
        assertEquals(200, get("metrics", "Bearer " + key).statusCode());
        String basic = Base64.getEncoder().encodeToString(("prometheus:" + key).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> metrics = get("metrics", "Basic " + basic);
        assertEquals(200, metrics.statusCode());
        assertTrue(metrics.body().contains("# TYPE jmanager_operation_seconds histogram"), metrics.body());
    }

    @Test
    void showsTheLockEveryoneWaitsOnWithItsHolderAndWaiters() throws Exception {
        ExecutorService threads = Executors.newCachedThreadPool();
        List<Manager> managers = new ArrayList<>();
        try {
            Manager holderManager = Manager.connect(server.url());
            managers.add(holderManager);
            SharedLock held = holderManager.lock("status-report");
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch holding = new CountDownLatch(1);
            Future<?> holder = threads.submit(() -> {
                held.lock();
                try {
                    holding.countDown();
                    release.await();
                } finally {
                    held.unlock();
                }
                return null;
            });
            assertTrue(holding.await(Timing.millis(10_000), java.util.concurrent.TimeUnit.MILLISECONDS));
            List<Future<?>> waiters = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Manager m = Manager.connect(server.url());
                managers.add(m);
                SharedLock lock = m.lock("status-report");
                waiters.add(threads.submit(() -> {
                    lock.lock();
                    lock.unlock();
                    return null;
                }));
            }
            String lock = awaitLock("status-report", 2);
            assertTrue(lock.contains("\"held\":true"), lock);
            assertTrue(lock.contains("\"holderPid\":" + ProcessHandle.current().pid()), lock);
            assertTrue(lock.contains("\"holderHost\":\""), lock);
            Matcher token = Pattern.compile("\"token\":(\\d+)").matcher(lock);
            assertTrue(token.find() && Long.parseLong(token.group(1)) > 0, lock);
            holderManager.semaphore("status-pool", 3).acquire(2);
            String json = get("api/status", "Bearer " + key).body();
            // by object name
            assertTrue(json.contains("\"holds\":[\"2 permits of semaphore 'status-pool'\",\"lock 'status-report'\"]"),
                    "a session holds the lock and two permits: " + json);
            assertEquals(2, count(json, "\"waitsOn\":[\"lock 'status-report'\"]"), "two sessions wait on it: " + json);
            release.countDown();
            holder.get();
            for (Future<?> w : waiters) {
                w.get();
            }
            String after = awaitLock("status-report", 0);
            assertTrue(after.contains("\"held\":false"), after);
        } finally {
            managers.forEach(Manager::close);
            threads.shutdownNow();
        }
    }

    /** The lock's JSON object once it has {@code waiters} waiters (bounded wait: waits register asynchronously). */
    private static String awaitLock(String name, int waiters) throws Exception {
        Pattern object = Pattern.compile("\\{\"name\":\"" + Pattern.quote(name)
                + "\",\"type\":\"lock\",\"held\":[^{}]*\\}");
        long deadline = System.nanoTime() + Timing.seconds(20).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            String json = get("api/status", "Bearer " + key).body();
            Matcher m = object.matcher(json);
            if (m.find()) {
                last = m.group();
                if (last.contains("\"waiters\":" + waiters + ",")) {
                    return last;
                }
            }
            Thread.sleep(20); // polling the HTTP port: there is no event to wait for
        }
        throw new AssertionError("lock " + name + " did not get " + waiters + " waiters in time: " + last);
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
            n++;
        }
        return n;
    }
}
