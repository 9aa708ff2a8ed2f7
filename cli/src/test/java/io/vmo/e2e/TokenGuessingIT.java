package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Guessing the daemon's secrets (the token, session cookies, login links) is slowed down per address: the first
 * five wrong ones in a row are answered at once, each later one after a delay that doubles from 250 ms, with
 * {@code Retry-After}. A right one is never slowed down — here from the very address that is guessing, since
 * every client of a test is on loopback. Each test has a daemon of its own: the count is per daemon and address.
 */
@ExtendWith(SharedPostgres.Resolver.class)
class TokenGuessingIT {

    private static final Pattern SUMMARY = Pattern.compile("refused (\\d+) more request\\(s\\) from 127\\.0\\.0\\.1");
    private static final String LINE = "refused GET /api/jobs from 127.0.0.1 (unauthorized): wrong bearer token";

    @Test
    void wrongTokensAreAnsweredEverLaterWhileTheRightOneIsAnsweredAtOnce(SharedPostgres postgres, @TempDir Path tmp)
            throws Exception {
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase())) {
            rightTokenOverRestAndTheWebSocket(daemon); // warm up both, so that the timings below are the daemon's
            List<Long> millis = new ArrayList<>();
            String last = null;
            for (int guess = 1; guess <= 10; guess++) {
                long start = System.nanoTime();
                last = RawSocket.http(daemon.address(), guess(daemon, guess), Duration.ofSeconds(60));
                millis.add(since(start));
                assertThat(last)
                        .as("guess %d", guess)
                        .startsWith("HTTP/1.1 401")
                        .contains("\"code\":\"unauthorized\"");
            }
            long total = millis.stream().mapToLong(Long::longValue).sum();
            // Unthrottled, 200 wrong tokens were answered in under a second. Now 0.25 + 0.5 + 1 + 2 + 4 s.
            assertThat(total)
                    .as("10 wrong tokens in a row took %d ms (each: %s)", total, millis)
                    .isGreaterThanOrEqualTo(7_000);
            assertThat(millis.subList(0, 5))
                    .as("the first five are free: %s", millis)
                    .allSatisfy(ms -> assertThat(ms).isLessThan(2_000));
            assertThat(millis.get(9)).as("the tenth waits 4 s: %s", millis).isGreaterThanOrEqualTo(3_900);
            assertThat(last.toLowerCase()).contains("retry-after: 4").contains("connection: close");
            assertThat(last).contains("10 wrong secrets in a row from 127.0.0.1");

            // The eleventh is held back 8 s. Meanwhile the right token, from the same address, is answered at once
            // (a held-back one would wait 16 s: it would be the twelfth failure) over REST and the WebSocket.
            long heldStart = System.nanoTime();
            // On a thread of its own: the common pool may be what the test's HTTP client needs meanwhile.
            var held = new CompletableFuture<String>();
            Thread.ofPlatform().start(() -> {
                try {
                    held.complete(RawSocket.http(daemon.address(), guess(daemon, 11), Duration.ofSeconds(60)));
                } catch (Exception e) {
                    held.completeExceptionally(e);
                }
            });
            Thread.sleep(300);
            List<Long> right = rightTokenOverRestAndTheWebSocket(daemon);
            assertThat(held)
                    .as("the guess is still held back after the right token's answers (%s ms)", right)
                    .isNotDone();
            assertThat(right)
                    .as("REST and WebSocket with the right token, while a guess is held back")
                    .allSatisfy(ms -> assertThat(ms).isLessThan(4_000));
            var cli = daemon.run("jobs");
            assertThat(cli.exitCode()).as(cli.toString()).isZero();
            String eleventh = held.get(30, TimeUnit.SECONDS);
            assertThat(since(heldStart)).isGreaterThanOrEqualTo(7_900);
            assertThat(eleventh).startsWith("HTTP/1.1 401");
            assertThat(eleventh.toLowerCase()).contains("retry-after: 8");

            // One log line per refusal (peer, request, code, reason) for the first few in each 10 s, the rest summed
            // up at the period's end; never the guessed tokens.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!SUMMARY.matcher(daemon.log()).find() && System.nanoTime() < deadline) {
                Thread.sleep(200);
            }
            String log = daemon.log();
            long lines = log.lines()
                    .filter(l -> l.contains(LINE) && !SUMMARY.matcher(l).find())
                    .count();
            int summed = 0;
            for (Matcher m = SUMMARY.matcher(log); m.find(); ) {
                summed += Integer.parseInt(m.group(1));
            }
            assertThat(summed).as("summed up, in:\n%s", daemon.logTail(20)).isPositive();
            assertThat(lines).as("lines of their own").isBetween(1L, 6L);
            assertThat(lines + summed).as("every refusal is counted once").isEqualTo(11);
            assertThat(log).doesNotContain("guess-");
        }
    }

    @Test
    void wrongSessionCookiesAndLoginLinksCountTooButARightLinkAndCookieAreNeverSlowed(
            SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase())) {
            String port = daemon.address().substring(daemon.address().lastIndexOf(':') + 1);
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < 2; i++) {
                assertThat(http.send(get(daemon, "/login?token=guess").build(), HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .isEqualTo(401);
            }
            for (int i = 0; i < 3; i++) {
                assertThat(http.send(
                                        get(daemon, "/api/session")
                                                .header("Cookie", "vmo-session-" + port + "=forged")
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .isEqualTo(401);
            }
            long start = System.nanoTime();
            var sixth = http.send(get(daemon, "/login?token=guess").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(since(start))
                    .as("the sixth wrong secret in a row waits 250 ms")
                    .isGreaterThanOrEqualTo(240);
            assertThat(sixth.statusCode()).isEqualTo(401);
            assertThat(sixth.headers().firstValue("retry-after")).hasValue("1");
            assertThat(sixth.body()).contains("6 wrong secrets in a row");

            String link = daemon.run("ui").out().strip();
            start = System.nanoTime();
            var login = http.send(
                    get(daemon, link.substring(link.indexOf("/login"))).build(), HttpResponse.BodyHandlers.ofString());
            long loginMillis = since(start);
            assertThat(login.statusCode()).isEqualTo(303);
            String cookie =
                    login.headers().firstValue("set-cookie").orElseThrow().replaceAll(";.*", "");
            start = System.nanoTime();
            var session = http.send(
                    get(daemon, "/api/session").header("Cookie", cookie).build(), HttpResponse.BodyHandlers.ofString());
            long sessionMillis = since(start);
            assertThat(session.statusCode()).isEqualTo(200);
            assertThat(loginMillis).as("a right login link, after the failures").isLessThan(200);
            assertThat(sessionMillis)
                    .as("a right session cookie, after the failures")
                    .isLessThan(200);
            assertThat(daemon.log())
                    .contains("refused GET /login from 127.0.0.1 (unauthorized): unknown, used or"
                            + " expired login link")
                    .doesNotContain("token=guess");
        }
    }

    /** How long a REST call and a WebSocket's connect and reply take with the right token, in ms. */
    private static List<Long> rightTokenOverRestAndTheWebSocket(TestDaemon daemon) throws Exception {
        long start = System.nanoTime();
        assertThat(daemon.get("/api/jobs", Duration.ofSeconds(10)).statusCode()).isEqualTo(200);
        long rest = since(start);
        start = System.nanoTime();
        try (RawSocket socket = RawSocket.connect(daemon)) {
            assertThat(socket.send("{\"v\":1,\"type\":\"list-jobs\"}").next()).contains("\"type\":\"job:list\"");
        }
        return List.of(rest, since(start));
    }

    private static String guess(TestDaemon daemon, int n) {
        return "GET /api/jobs HTTP/1.1\r\nHost: " + daemon.address() + "\r\nAuthorization: Bearer guess-" + n
                + "\r\nConnection: close\r\n\r\n";
    }

    private static HttpRequest.Builder get(TestDaemon daemon, String path) {
        return HttpRequest.newBuilder(URI.create("http://" + daemon.address() + path))
                .timeout(Duration.ofSeconds(10));
    }

    private static long since(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }
}
