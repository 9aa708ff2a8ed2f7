package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Unauthenticated, cross-origin and malformed requests are refused with a clear error; the daemon keeps serving. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class BadInputIT {

    TestDaemon daemon;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase());
        daemon.addProject("vm", "ok:\n\t@echo ok\n");
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void theTokenFileIsOwnerOnly() throws IOException {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(daemon.tokenFile())))
                .isEqualTo("rw-------");
        assertThat(daemon.token()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(daemon.log()).doesNotContain(daemon.token());
    }

    @Test
    void webSocketWithoutOrWithAWrongTokenIsRefused() {
        for (Map<String, String> headers :
                java.util.List.of(Map.<String, String>of(), Map.of("Authorization", "Bearer nope"))) {
            assertThatThrownBy(() -> RawSocket.connect(daemon.address(), headers))
                    .hasCauseInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                                    .getResponse()
                                    .statusCode())
                            .isEqualTo(401));
        }
    }

    @Test
    void webSocketFromAnotherOriginIsRefused() throws IOException {
        var headers = Map.of("Authorization", "Bearer " + daemon.token(), "Origin", "http://evil.example");
        assertThatThrownBy(() -> RawSocket.connect(daemon.address(), headers))
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                                .getResponse()
                                .statusCode())
                        .isEqualTo(403));
        // the daemon's own origin is fine
        RawSocket.connect(
                        daemon.address(),
                        Map.of("Authorization", "Bearer " + daemon.token(), "Origin", "http://" + daemon.address()))
                .close();
    }

    @Test
    void restNeedsTheTokenButHealthzDoesNot() throws Exception {
        var jobs = http.send(
                HttpRequest.newBuilder(URI.create("http://" + daemon.address() + "/api/jobs"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(jobs.statusCode()).isEqualTo(401);
        assertThat(jobs.body()).contains("\"code\":\"unauthorized\"").contains("token");
        var health = http.send(
                HttpRequest.newBuilder(URI.create("http://" + daemon.address() + "/healthz"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    @Test
    void aForeignHostHeaderIsRefused() throws Exception {
        String response = rawHttp("GET /api/jobs HTTP/1.1\r\nHost: attacker.example:" + port()
                + "\r\nAuthorization: Bearer " + daemon.token() + "\r\nConnection: close\r\n\r\n");
        assertThat(response)
                .startsWith("HTTP/1.1 403")
                .contains("\"code\":\"forbidden\"")
                .contains("Host");
        String ok = rawHttp("GET /api/jobs HTTP/1.1\r\nHost: localhost:" + port() + "\r\nAuthorization: Bearer "
                + daemon.token() + "\r\nConnection: close\r\n\r\n");
        assertThat(ok).startsWith("HTTP/1.1 200");
    }

    /** RFC 9112 §3.2: no other check may read a Host header that is ambiguous. */
    @Test
    void aRequestWithoutExactlyOneHostHeaderOfHostAndPortIsABadRequest() throws Exception {
        String own = "127.0.0.1:" + port();
        String upgrade = "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
        for (String head : java.util.List.of(
                "GET /api/jobs HTTP/1.1\r\nHost: " + own + " evil.example\r\n",
                "GET /api/jobs HTTP/1.1\r\nHost: " + own + "\r\nHost: evil.example\r\n",
                "GET /api/jobs HTTP/1.1\r\nHost: evil.example\r\nHost: " + own + "\r\n",
                "GET /api/jobs HTTP/1.1\r\n",
                "GET /ws HTTP/1.1\r\nHost: " + own + "\r\nHost: evil.example\r\n" + upgrade,
                "GET /ws HTTP/1.1\r\nHost: " + own + " evil.example\r\n" + upgrade)) {
            String response = rawHttp(head + "Authorization: Bearer " + daemon.token() + "\r\n"
                    + (head.contains("Upgrade") ? "" : "Connection: close\r\n") + "\r\n");
            assertThat(response)
                    .as(head)
                    .startsWith("HTTP/1.1 400")
                    .contains("\"code\":\"bad-request\"")
                    .contains("Host");
        }
        assertThat(rawHttp("GET /api/jobs HTTP/1.1\r\nHost: " + own + "\r\nAuthorization: Bearer " + daemon.token()
                        + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void malformedMessagesGetAStableCodeAndTheConnectionKeepsWorking() throws Exception {
        try (RawSocket socket = RawSocket.connect(daemon)) {
            assertThat(socket.send("{not json").next()).contains("\"code\":\"bad-json\"");
            assertThat(socket.send("[]").next()).contains("\"code\":\"bad-json\"");
            assertThat(socket.send("{\"v\":1,\"type\":\"rm-rf\"}").next())
                    .contains("\"code\":\"unknown-type\"")
                    .contains("execute-command");
            assertThat(socket.send("{\"v\":1,\"type\":\"job:log\"}").next()).contains("\"code\":\"unknown-type\"");
            assertThat(socket.send("{\"v\":9,\"type\":\"list-jobs\"}").next())
                    .contains("\"code\":\"unsupported-version\"");
            assertThat(socket.send("{\"v\":1,\"type\":\"execute-command\",\"id\":\"a\",\"project\":\"vm\"}")
                            .next())
                    .contains("\"code\":\"bad-request\"")
                    .contains("target");
            assertThat(socket.send("{\"v\":1,\"type\":\"join-job\",\"id\":\"b\",\"jobId\":\"0000dead\"}")
                            .next())
                    .contains("\"code\":\"unknown-job\"")
                    .contains("\"id\":\"b\"");
            assertThat(socket.send("{\"v\":1,\"type\":\"cancel-job\",\"id\":\"c\",\"jobId\":\"x'; drop\"}")
                            .next())
                    .contains("\"code\":\"unknown-job\"");
            assertThat(socket.send(execute("d", "nope", "ok")).next())
                    .contains("\"code\":\"unknown-project\"")
                    .contains("\"id\":\"d\"");
            assertThat(socket.send(execute("e", "vm", "--eval=x")).next())
                    .contains("\"code\":\"invalid-argument\"")
                    .contains("option");
            assertThat(socket.send(execute("f", "vm", "ok\\nall")).next()).contains("\"code\":\"invalid-argument\"");
            assertThat(socket.send("{\"v\":1,\"type\":\"execute-command\",\"id\":\"g\",\"project\":\"vm\","
                                    + "\"target\":\"ok\",\"args\":[\"-f/etc/passwd\"]}")
                            .next())
                    .contains("\"code\":\"invalid-argument\"");
            assertThat(socket.send("{\"v\":1,\"type\":\"list-jobs\",\"limit\":" + "9".repeat(2_000_000) + "}")
                            .next())
                    .contains("\"code\":\"frame-too-large\"");
            assertThat(socket.sendBinary(new byte[] {1, 2, 3}).next())
                    .contains("\"code\":\"bad-request\"")
                    .contains("text");

            // still serving, on the same connection
            assertThat(socket.send("{\"v\":1,\"type\":\"list-jobs\",\"id\":\"z\"}")
                            .next())
                    .contains("\"type\":\"job:list\"")
                    .contains("\"id\":\"z\"");
            assertThat(socket.send(execute("y", "vm", "ok")).next()).contains("\"type\":\"job:started\"");
        }
        assertThat(daemon.run("run", "vm", "ok").out()).isEqualTo("ok\n");
    }

    @Test
    void theCliSaysHowToStartTheDaemonWhenNoneRuns() throws Exception {
        var result =
                Vmo.run(Vmo.command(daemon.home(), Map.of("VMO_DAEMON", "127.0.0.1:1"), java.util.List.of("jobs")));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err())
                .startsWith("vmo: cannot reach the vmo daemon at 127.0.0.1:1")
                .contains("vmo daemon")
                .hasLineCount(1);
        assertThat(result.out()).isEmpty();
    }

    private static String execute(String id, String project, String target) {
        return "{\"v\":1,\"type\":\"execute-command\",\"id\":\"" + id + "\",\"project\":\"" + project
                + "\",\"target\":\"" + target + "\"}";
    }

    private int port() {
        return Integer.parseInt(daemon.address().substring(daemon.address().lastIndexOf(':') + 1));
    }

    private String rawHttp(String request) throws IOException {
        return RawSocket.http(daemon.address(), request);
    }
}
