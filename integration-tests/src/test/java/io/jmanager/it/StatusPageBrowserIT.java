package io.jmanager.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jmanager.AuthKey;
import io.jmanager.Manager;
import io.jmanager.SharedDict;
import io.jmanager.SharedLock;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The status page of {@code registry.jar --http}, in a real browser (Debian's chromium, driven by Selenium through
 * its chromedriver) while workers hold a lock, wait for it and put entries: it shows the lock everyone waits on
 * with its holder and waiter count, and its charts move. Skipped where chromium is not installed, unless
 * {@code -Dbrowser.required=true} (scripts/test-all.sh installs chromium and sets it), which fails instead.
 */
class StatusPageBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final int WAITERS = 3;

    @Test
    void showsTheHolderTheWaitersAndChartsThatMove() throws Exception {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed && Boolean.getBoolean("browser.required")) {
            fail("chromium or chromedriver is missing at " + CHROMIUM + ", " + CHROMEDRIVER + ": run"
                    + " scripts/ensure-chromium.sh (scripts/test-all.sh does)");
        }
        Assumptions.assumeTrue(installed, "no " + CHROMIUM + " and " + CHROMEDRIVER + ": install Debian's chromium"
                + " and chromium-driver (scripts/ensure-chromium.sh) to run the browser test");

        Path dir = Files.createTempDirectory("status-page");
        Path keyFile = dir.resolve("authkey");
        String keyText = AuthKey.generateText();
        Files.writeString(keyFile, keyText);
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        AuthKey key = AuthKey.of(keyText);
        ExecutorService threads = Executors.newCachedThreadPool();
        List<Manager> managers = new ArrayList<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        CountDownLatch release = new CountDownLatch(1);
        WebDriver browser = null;
        try (RegistryJar.Started registry = new RegistryJar.Started("--port", "0", "--bind", "127.0.0.1",
                "--advertise", "127.0.0.1", "--authkey-file", keyFile.toString(), "--http", "0")) {
            String line = registry.awaitLine("status page and Prometheus metrics: ", RegistryJar.millis(5_000));
            assertNotNull(line, "no status page line: " + registry.output());
            String page = line.substring("status page and Prometheus metrics: ".length()).split(" ")[0];
            assertTrue(page.startsWith("http://127.0.0.1:"), line);

            // a holder, WAITERS workers waiting for its lock, and a worker putting entries (the charts' load)
            Manager holderManager = manager(registry.url, key, managers);
            SharedLock held = holderManager.lock("nightly-report");
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
            assertTrue(holding.await(RegistryJar.millis(20_000), TimeUnit.MILLISECONDS), "the holder got no lock");
            List<Future<?>> waiters = new ArrayList<>();
            for (int i = 0; i < WAITERS; i++) {
                SharedLock lock = manager(registry.url, key, managers).lock("nightly-report");
                waiters.add(threads.submit(() -> {
                    lock.lock();
                    lock.unlock();
                    return null;
                }));
            }
            SharedDict<String, Integer> scores = manager(registry.url, key, managers).dict("scores");
            manager(registry.url, key, managers).lock("cache-refresh"); // a lock nobody waits on
            Future<?> load = threads.submit(() -> {
                for (int i = 0; loading.get(); i++) {
                    scores.put("player-" + (i % 500), i);
                    if (i % 50 == 0) {
                        Thread.sleep(5); // a steady load, not one that starves the browser of CPU
                    }
                }
                return null;
            });

            browser = chromium(dir);
            // the page redraws its tables every second: an element found just before may be replaced; read again
            WebDriverWait wait = new WebDriverWait(browser, Duration.ofMillis(RegistryJar.millis(30_000)),
                    Duration.ofMillis(100));
            wait.ignoring(StaleElementReferenceException.class);
            browser.get(page);
            // the page asks for the key first, and shows nothing without it
            wait.until(d -> d.findElement(By.id("key")).isDisplayed());
            assertTrue(browser.findElement(By.id("page")).getAttribute("hidden") != null, "data before the key");
            browser.findElement(By.id("key")).sendKeys("not-the-key-but-long-enough");
            browser.findElement(By.id("connect")).click();
            wait.until(d -> d.findElement(By.id("error")).getText().contains("not the registry's key"));
            browser.findElement(By.id("key")).clear();
            browser.findElement(By.id("key")).sendKeys(keyText);
            browser.findElement(By.id("connect")).click();

            // at a glance: the lock everyone waits on, its holder, the waiter count
            wait.until(d -> d.findElement(By.id("hot-lock")).getText().startsWith(WAITERS + " wait on lock"
                    + " 'nightly-report'"));
            String banner = read(wait, By.id("hot-lock"));
            String lockRow = "#locks tr[data-lock='nightly-report']";
            String holderCell = read(wait, By.cssSelector(lockRow + " td.holder"));
            long holderSession = Long.parseLong(holderCell.split(" ")[1]); // "session N thread T — host pid P"
            assertTrue(banner.contains(", held by session " + holderSession + " ("), banner);
            assertTrue(banner.contains(" pid " + ProcessHandle.current().pid() + ") for "), banner);
            assertTrue(holderCell.contains(" pid " + ProcessHandle.current().pid()), holderCell);
            assertEquals("hot", wait.until(d -> d.findElement(By.cssSelector(lockRow)).getAttribute("class")),
                    "the waited-on lock's row stands out");
            assertEquals(String.valueOf(WAITERS), read(wait, By.cssSelector(lockRow + " td.waiting")));
            assertTrue(Long.parseLong(read(wait, By.cssSelector(lockRow + " td.token"))) > 0);
            assertEquals("free", read(wait, By.cssSelector("#locks tr[data-lock='cache-refresh'] td.holder")));
            // the sessions table says who holds what and who waits on what
            wait.until(d -> d.findElements(By.cssSelector("#sessions td.waits-on")).stream()
                    .filter(td -> td.getText().equals("lock 'nightly-report'")).count() == WAITERS);
            assertEquals("lock 'nightly-report'", read(wait, By.cssSelector("#sessions tr[data-session='"
                    + holderSession + "'] td.holds")));

            // the charts move: new samples, operations per second above 0, and new pixels
            JavascriptExecutor js = (JavascriptExecutor) browser;
            wait.until(d -> Integer.parseInt(attr(d, "chart-rate", "data-samples")) >= 3
                    && Double.parseDouble(attr(d, "chart-rate", "data-last-total")) > 0);
            String before = (String) js.executeScript("return document.getElementById('chart-rate').toDataURL()");
            int samples = Integer.parseInt(attr(browser, "chart-rate", "data-samples"));
            wait.until(d -> Integer.parseInt(attr(d, "chart-rate", "data-samples")) >= samples + 2);
            String after = (String) js.executeScript("return document.getElementById('chart-rate').toDataURL()");
            assertNotEquals(before, after, "the operations chart did not change in two seconds");
            String rates = read(wait, By.id("legend-rate"));
            assertTrue(rates.contains("dict.put"), rates);
            String latencies = read(wait, By.id("legend-latency"));
            assertTrue(latencies.contains("dict.put p50 ") && latencies.contains(", p99 "), latencies);
            wait.until(d -> Integer.parseInt(attr(d, "chart-rate", "data-samples")) >= 10); // a fuller picture
            screenshot(browser);

            // the holder lets go: the waiters get it one after another, and the page says no one waits
            release.countDown();
            holder.get(RegistryJar.millis(20_000), TimeUnit.MILLISECONDS);
            for (Future<?> w : waiters) {
                w.get(RegistryJar.millis(20_000), TimeUnit.MILLISECONDS);
            }
            wait.until(d -> d.findElement(By.id("hot-lock")).getText().equals("No one waits on a lock."));
            loading.set(false);
            load.get(RegistryJar.millis(20_000), TimeUnit.MILLISECONDS);
        } finally {
            loading.set(false);
            release.countDown();
            if (browser != null) {
                browser.quit();
            }
            managers.forEach(Manager::close);
            threads.shutdownNow();
            deleteTree(dir);
        }
    }

    private static Manager manager(String url, AuthKey key, List<Manager> managers) {
        Manager m = Manager.connect(url, key);
        managers.add(m);
        return m;
    }

    /** The element's text, found again if the page replaced it while it was read. */
    private static String read(WebDriverWait wait, By by) {
        return wait.until(d -> d.findElement(by).getText());
    }

    private static String attr(WebDriver d, String id, String name) {
        return d.findElement(By.id(id)).getAttribute(name);
    }

    /** Headless chromium with the flags this closed network needs, its own profile directory, and a fixed size. */
    private static WebDriver chromium(Path dir) throws Exception {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + Files.createDirectory(dir.resolve("profile")),
                "--window-size=1400,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort()
                .withLogOutput(java.io.OutputStream.nullOutputStream()).build();
        return new ChromeDriver(service, options);
    }

    /** Keeps the screenshot in target/, and in docs/ with -Djmanager.it.screenshotDocs=true (the README's). */
    private static void screenshot(WebDriver browser) throws Exception {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Path target = Path.of("target", "status-page.png");
        Files.createDirectories(target.getParent());
        Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
        if (Boolean.getBoolean("jmanager.it.screenshotDocs")) {
            Path docs = Path.of(System.getProperty("jmanager.it.docs", "../docs"), "status-page.png");
            Files.copy(shot.toPath(), docs, StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(docs, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
