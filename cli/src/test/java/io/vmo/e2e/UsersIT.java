package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.protocol.BuildInfo;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Users and roles end to end: users added through the real CLI present their personal tokens (VMO_TOKEN,
 * --token-file) over the WebSocket and REST; each role is held to what it may do, with {@code forbidden} naming the
 * role needed; jobs record who asked and through which client; a revoked token is refused at once, on an open
 * connection too; login links sign in their user.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class UsersIT {

    TestDaemon daemon;
    Path tmp;
    String viewer;
    String operator;
    String admin;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase());
        daemon.addProject("p", "hello:\n\t@echo hi\n" + "long:\n\t@echo started; sleep 31342\n");
        viewer = add("vera", "viewer");
        operator = add("otto", "operator");
        admin = add("ada", "admin");
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
        Processes.killSleeps("31342");
    }

    @Test
    void aViewerReadsButMayNotRunOverTheSocketOrRest() throws Exception {
        String job = as(operator, "run", "-d", "p", "hello").out().strip();
        assertThat(as(viewer, "jobs").exitCode()).isZero();
        assertThat(as(viewer, "projects").out()).contains("p");
        assertThat(as(viewer, "tail", job).out()).isEqualTo("hi\n");

        Vmo.Result run = as(viewer, "run", "p", "hello");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
        assertThat(run.err()).contains("forbidden: execute-command needs role operator; you are viewer (user vera)");

        var cancel = post("/api/jobs/cancel", viewer, "{\"jobId\":\"" + job + "\"}");
        assertThat(cancel.statusCode()).isEqualTo(403);
        assertThat(cancel.body())
                .contains("\"code\":\"forbidden\"")
                .contains("cancel-job needs role operator; you are viewer");
        assertThat(get("/api/jobs/" + job, viewer).statusCode()).isEqualTo(200);
        var users = as(viewer, "users", "list");
        assertThat(users.exitCode()).isEqualTo(2);
        assertThat(users.err()).contains("forbidden: list-users needs role admin; you are viewer");
    }

    @Test
    void jobsSayWhoAskedThroughWhichClientAndFilterByUser() throws Exception {
        assertThat(as(operator, "run", "p", "hello").out()).isEqualTo("hi\n");
        String version = BuildInfo.read().version();
        String osUser = System.getProperty("user.name");

        String line = as(viewer, "jobs", "--user", "otto")
                .out()
                .lines()
                .skip(1)
                .findFirst()
                .orElseThrow();
        assertThat(line).contains(" otto ").contains("cli/" + version + " " + osUser + "@");
        assertThat(as(viewer, "jobs", "--user", "vera").out().lines().count())
                .as("vera ran nothing: the header alone")
                .isEqualTo(1);
        assertThat(as(viewer, "jobs", "--json", "--user", "otto").out())
                .contains("\"provenance\":{\"user\":\"otto\",\"client\":\"cli\",\"clientVersion\":\"" + version
                        + "\",\"peer\":\"127.0.0.1\",\"osUser\":\"" + osUser + "\"");
        assertThat(get("/api/jobs?limit=1000", viewer).body()).doesNotContain("\"user\":\"vera\"");
    }

    @Test
    void aRevokedTokenIsRefusedAtOnceAlsoOnAnOpenConnectionAndItsBrowserSessionsEnd() throws Exception {
        String token = add("rita", "operator");
        Path file = tmp.resolve("rita.token");
        Files.writeString(file, token + "\n");
        String cookie = signIn(as(admin, "ui", "--user", "rita").out().strip());
        assertThat(get("/api/session", Map.of("Cookie", cookie)).body()).contains("\"user\":\"rita\"");

        String long_ = daemon.run("run", "-d", "p", "long").out().strip();
        Process follower = daemon.cli("tail", "--token-file", file.toString(), long_)
                .redirectErrorStream(true)
                .start();
        follower.getOutputStream().close();
        assertThat(new String(follower.getInputStream().readNBytes("started\n".length())))
                .isEqualTo("started\n");
        try (var open = io.vmo.cli.DaemonClient.connect(daemon.address(), file)) {
            open.call(new Request.ListJobs(open.nextId(), 1), Response.JobList.class);
            Vmo.Result revoke = daemon.run("users", "revoke", "rita");
            assertThat(revoke.out())
                    .as(revoke.toString())
                    .contains("user rita revoked")
                    .contains("1 browser session");
            assertThatThrownBy(() -> open.call(new Request.ListJobs(open.nextId(), 1), Response.JobList.class))
                    .as("closed by the daemon at once, or refused if the request was first")
                    .hasMessageContaining("user rita was revoked");
        }
        assertThat(follower.waitFor(20, java.util.concurrent.TimeUnit.SECONDS))
                .as("a revoked user's `vmo tail` of a running job ends: its connection is closed, not left streaming")
                .isTrue();
        assertThat(new String(follower.getInputStream().readAllBytes())).contains("401");
        assertThat(follower.exitValue()).isEqualTo(2);
        daemon.run("cancel", long_);
        Vmo.Result refused = Vmo.run(daemon.cli("jobs", "--token-file", file.toString()));
        assertThat(refused.exitCode()).isEqualTo(2);
        assertThat(refused.err()).contains("HTTP 401").contains("revoked");
        var rest = get("/api/jobs", token);
        assertThat(rest.statusCode()).isEqualTo(401);
        assertThat(rest.body()).contains("this token was user rita's, revoked at");
        assertThat(get("/api/session", Map.of("Cookie", cookie)).statusCode()).isEqualTo(401);
        assertThat(daemon.run("users", "list").out()).containsPattern("rita +operator .* owner +\\d{4}-");
    }

    @Test
    void loginLinksBelongToAUserAndOnlyAnAdminMakesThemForOthers() throws Exception {
        Vmo.Result forOther = as(operator, "ui", "--user", "vera");
        assertThat(forOther.exitCode()).isEqualTo(2);
        assertThat(forOther.err())
                .contains("HTTP 403")
                .contains("forbidden: a login link for another user (vera) needs role admin; you are operator");

        String own = signIn(as(operator, "ui").out().strip());
        assertThat(get("/api/session", Map.of("Cookie", own)).body())
                .isEqualTo("{\"authenticated\":true,\"user\":\"otto\",\"role\":\"operator\"}");

        String vera = signIn(as(admin, "ui", "--user", "vera").out().strip());
        assertThat(get("/api/session", Map.of("Cookie", vera)).body()).contains("\"user\":\"vera\"");
        assertThat(get("/api/jobs", Map.of("Cookie", vera)).statusCode()).isEqualTo(200);
        String origin = "http://" + daemon.address();
        try (RawSocket socket = RawSocket.connect(daemon.address(), Map.of("Cookie", vera, "Origin", origin))) {
            assertThat(socket.send("{\"v\":1,\"type\":\"execute-command\",\"id\":\"e\",\"project\":\"p\","
                                    + "\"target\":\"hello\"}")
                            .next())
                    .contains("\"code\":\"forbidden\"")
                    .contains("needs role operator; you are viewer (user vera)");
        }
        // The operator's browser runs a job: recorded as the web UI's, with the daemon's version.
        try (RawSocket socket = RawSocket.connect(daemon.address(), Map.of("Cookie", own, "Origin", origin))) {
            assertThat(socket.send("{\"v\":1,\"type\":\"execute-command\",\"id\":\"e\",\"project\":\"p\","
                                    + "\"target\":\"hello\"}")
                            .next())
                    .contains("\"type\":\"job:started\"")
                    .contains("\"provenance\":{\"user\":\"otto\",\"client\":\"web\",\"clientVersion\":\""
                            + BuildInfo.read().version() + "\"");
        }
    }

    @Test
    void namesAreCheckedAndNeverGivenTwice() throws Exception {
        Vmo.Result bad = daemon.run("users", "add", "Bad Name", "--role", "viewer");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err())
                .contains("user name \"Bad Name\" is not allowed; a name is 1 to 32 characters: lower-case letters");
        Vmo.Result again = daemon.run("users", "add", "vera", "--role", "admin");
        assertThat(again.err()).contains("user vera exists already (role viewer)");
        assertThat(daemon.run("users", "add", "owner", "--role", "viewer").err())
                .contains("cannot be added");
    }

    /** Adds a user through the CLI as the token file's owner; its token is the one line on stdout. */
    private String add(String name, String role) throws Exception {
        Vmo.Result added = daemon.run("users", "add", name, "--role", role);
        assertThat(added.exitCode()).as(added.toString()).isZero();
        assertThat(added.err()).contains("user " + name + " added, role " + role);
        return added.out().strip();
    }

    /** The CLI run with a personal token in VMO_TOKEN. */
    private Vmo.Result as(String token, String... args) throws Exception {
        ProcessBuilder cli = daemon.cli(args);
        cli.environment().put("VMO_TOKEN", token);
        return Vmo.run(cli);
    }

    private String signIn(String link) throws Exception {
        assertThat(link).startsWith("http://" + daemon.address() + "/login?token=");
        String setCookie = get(link.substring(link.indexOf("/login")), Map.of())
                .headers()
                .firstValue("set-cookie")
                .orElseThrow();
        return setCookie.substring(0, setCookie.indexOf(';'));
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return get(path, Map.of("Authorization", "Bearer " + token));
    }

    private HttpResponse<String> get(String path, Map<String, String> headers)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://" + daemon.address() + path));
        new HashMap<>(headers).forEach(request::header);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://" + daemon.address() + path))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
