package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the web UI stands on: the daemon serves the built UI at / with the right cache headers, a one-time login
 * link becomes an HttpOnly, SameSite=Strict session cookie that opens /api and /ws (from the daemon's own origin
 * only), no secret reaches the page, and watch-jobs pushes every job's start and end.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class WebAccessIT {

    private static final Pattern ASSET = Pattern.compile("/assets/[A-Za-z0-9_.-]+\\.js");

    TestDaemon daemon;
    final HttpClient http = HttpClient.newHttpClient(); // follows no redirects: the test reads the 303 itself

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase());
        daemon.addProject("web", "quick:\n\t@echo hi\n");
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void servesTheUiWithRevalidatedIndexAndImmutableHashedAssets() throws Exception {
        var index = get("/", Map.of());
        assertThat(index.statusCode())
                .as("the daemon must be built with its UI (make build)")
                .isEqualTo(200);
        assertThat(index.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(index.headers().firstValue("cache-control")).hasValue("no-cache");
        assertThat(index.headers().firstValue("content-security-policy"))
                .hasValueSatisfying(
                        v -> assertThat(v).contains("default-src 'self'").contains("frame-ancestors 'none'"));
        Matcher asset = ASSET.matcher(index.body());
        assertThat(asset.find())
                .as("index.html names its script: %s", index.body())
                .isTrue();
        var script = get(asset.group(), Map.of());
        assertThat(script.statusCode()).isEqualTo(200);
        assertThat(script.headers().firstValue("cache-control")).hasValue("public, max-age=31536000, immutable");
        assertThat(script.headers().firstValue("content-type"))
                .hasValueSatisfying(v -> assertThat(v).startsWith("text/javascript"));
        // Nothing secret is in what any page gets: not the daemon's token, not the database URL.
        assertThat(index.body() + script.body())
                .doesNotContain(daemon.token())
                .doesNotContain("postgresql://")
                .doesNotContain("jdbc:");
        assertThat(get("/assets/nope.js", Map.of()).statusCode()).isEqualTo(404);
        assertThat(get("/../../etc/passwd", Map.of()).statusCode()).isEqualTo(404);
    }

    @Test
    void aLoginLinkWorksOnceAndGivesAnHttpOnlyStrictCookie() throws Exception {
        String link = daemon.run("ui").out().strip();
        assertThat(link).startsWith("http://" + daemon.address() + "/login?token=");
        String path = link.substring(link.indexOf("/login"));

        var login = get(path, Map.of());
        assertThat(login.statusCode()).isEqualTo(303);
        assertThat(login.headers().firstValue("location")).hasValue("/");
        String setCookie = login.headers().firstValue("set-cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith("vmo-session-" + port() + "=")
                .contains("HTTPOnly")
                .contains("SameSite=Strict")
                .contains("Path=/");
        assertThat(setCookie).doesNotContain(daemon.token());

        var again = get(path, Map.of());
        assertThat(again.statusCode()).isEqualTo(401);
        assertThat(again.body()).contains("vmo ui");
        assertThat(get("/login?token=guess", Map.of()).statusCode()).isEqualTo(401);
    }

    @Test
    void theSessionCookieOpensTheApiAndTheSocketFromTheDaemonsOwnOriginOnly() throws Exception {
        String cookie = signIn();
        assertThat(get("/api/session", Map.of()).statusCode()).isEqualTo(401);
        assertThat(get("/api/session", Map.of("Cookie", cookie)).body()).contains("\"authenticated\":true");
        assertThat(get("/api/jobs", Map.of("Cookie", cookie)).statusCode()).isEqualTo(200);
        assertThat(get("/api/jobs", Map.of("Cookie", cookie.replaceAll("=.*", "=forged")))
                        .statusCode())
                .isEqualTo(401);

        String own = "http://" + daemon.address();
        try (RawSocket socket = RawSocket.connect(daemon.address(), Map.of("Cookie", cookie, "Origin", own))) {
            assertThat(socket.send("{\"v\":1,\"type\":\"list-jobs\",\"id\":\"l\"}")
                            .next())
                    .contains("\"type\":\"job:list\"");
        }
        assertThat(handshakeStatus(Map.of("Cookie", cookie, "Origin", "http://evil.example")))
                .isEqualTo(403);
        assertThat(handshakeStatus(Map.of("Cookie", cookie, "Origin", "http://localhost:1")))
                .isEqualTo(403);
        // a browser always sends Origin with a WebSocket; a cookie without one is not a browser's
        assertThat(handshakeStatus(Map.of("Cookie", cookie))).isEqualTo(401);
        // only the token's owner mints login links
        var mint = http.send(
                request("/api/login-links", Map.of("Cookie", cookie))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(mint.statusCode()).isEqualTo(403);
    }

    @Test
    void watchJobsPushesEachJobsStartAndEnd() throws Exception {
        try (RawSocket socket = RawSocket.connect(daemon)) {
            assertThat(socket.send("{\"v\":1,\"type\":\"watch-jobs\",\"id\":\"w\"}")
                            .next())
                    .contains("\"type\":\"ack\"")
                    .contains("\"id\":\"w\"");
            daemon.run("run", "web", "quick");
            String started = socket.next();
            assertThat(started)
                    .contains("\"type\":\"job:update\"")
                    .contains("\"target\":\"quick\"")
                    .contains("\"status\":\"running\"");
            String ended = socket.next();
            assertThat(ended)
                    .contains("\"type\":\"job:update\"")
                    .contains("\"status\":\"success\"")
                    .contains("\"exitCode\":0")
                    .contains("\"lastSeq\":1");
            assertThat(jobId(ended)).isEqualTo(jobId(started));
        }
    }

    private String signIn() throws Exception {
        String link = daemon.run("ui").out().strip();
        String setCookie = get(link.substring(link.indexOf("/login")), Map.of())
                .headers()
                .firstValue("set-cookie")
                .orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private int handshakeStatus(Map<String, String> headers) {
        var thrown = org.assertj.core.api.Assertions.catchThrowable(
                () -> RawSocket.connect(daemon.address(), headers).close());
        assertThat(thrown).hasCauseInstanceOf(WebSocketHandshakeException.class);
        return ((WebSocketHandshakeException) thrown.getCause()).getResponse().statusCode();
    }

    private static String jobId(String message) {
        Matcher m = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"").matcher(message);
        assertThat(m.find()).isTrue();
        return m.group(1);
    }

    private String port() {
        return daemon.address().substring(daemon.address().lastIndexOf(':') + 1);
    }

    private HttpRequest.Builder request(String path, Map<String, String> headers) {
        var builder = HttpRequest.newBuilder(URI.create("http://" + daemon.address() + path));
        headers.forEach(builder::header);
        return builder;
    }

    private HttpResponse<String> get(String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        return http.send(request(path, headers).build(), HttpResponse.BodyHandlers.ofString());
    }
}
