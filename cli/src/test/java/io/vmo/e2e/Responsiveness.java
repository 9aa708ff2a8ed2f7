package io.vmo.e2e;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks a daemon {@code GET /healthz} and {@code GET /api/jobs/{id}} every 200 ms in the background, for as long as
 * it runs, and remembers every request that did not answer within the limit (or not at all). A fault test starts it
 * before the fault and asserts {@link #problems()} is empty at the end: the daemon stayed responsive throughout.
 */
final class Responsiveness implements AutoCloseable {

    private final TestDaemon daemon;
    private final String jobId;
    private final Duration limit;
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger requests = new AtomicInteger();
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile long slowestMillis;

    private Responsiveness(TestDaemon daemon, String jobId, Duration limit) {
        this.daemon = daemon;
        this.jobId = jobId;
        this.limit = limit;
        this.thread = Thread.ofPlatform().daemon().name("responsiveness").start(this::loop);
    }

    /** Starts watching; {@code jobId} (a full id) is the job whose REST view is asked for too. */
    static Responsiveness watch(TestDaemon daemon, String jobId, Duration limit) {
        return new Responsiveness(daemon, jobId, limit);
    }

    private void loop() {
        while (running) {
            ask("/healthz");
            ask("/api/jobs/" + jobId);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void ask(String path) {
        long start = System.nanoTime();
        String outcome;
        try {
            // Twice the limit before giving up, so a slow answer is reported with how slow it was.
            HttpResponse<String> response = daemon.get(path, limit.multipliedBy(2));
            outcome = response.statusCode() + " " + abbreviate(response.body());
        } catch (Exception e) {
            outcome = "no answer: " + e;
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        requests.incrementAndGet();
        slowestMillis = Math.max(slowestMillis, millis);
        if (millis > limit.toMillis() || outcome.startsWith("no answer")) {
            problems.add(String.format(
                    "at %.1f s: GET %s took %d ms: %s", (start - startNanos) / 1e9, path, millis, outcome));
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "…" : s;
    }

    /** The requests that took longer than the limit or got no answer, each with when and what came back. */
    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    String summary() {
        return requests.get() + " requests, slowest " + slowestMillis + " ms";
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(5_000);
    }
}
