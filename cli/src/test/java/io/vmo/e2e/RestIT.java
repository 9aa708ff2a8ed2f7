package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The REST API mirrors the socket's reads, for curl and scripts. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class RestIT {

    TestDaemon daemon;
    String jobId;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase());
        daemon.addProject(
                "vm",
                "three:\n\t@echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three\n"
                        + "long:\n\t@echo started; sleep 31340\n");
        daemon.run("run", "vm", "three");
        jobId = daemon.run("jobs")
                .out()
                .lines()
                .skip(1)
                .findFirst()
                .orElseThrow()
                .substring(0, 8);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
        Processes.killSleeps("31340");
    }

    @Test
    void listsJobs() throws Exception {
        var response = get("/api/jobs?limit=1");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .startsWith("{\"jobs\":[{\"id\":\"" + jobId)
                .contains("\"status\":\"success\"")
                .contains("\"command\":[\"make\",");
    }

    @Test
    void showsOneJobByIdPrefix() throws Exception {
        var response = get("/api/jobs/" + jobId);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body())
                .contains("\"target\":\"three\"")
                .contains("\"exitCode\":0")
                .contains("\"lastSeq\":3");
    }

    @Test
    void pagesThroughEventsAfterASeq() throws Exception {
        var page = get("/api/jobs/" + jobId + "/events?since=1&limit=1");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("\"seq\":2")
                .doesNotContain("\"seq\":1,")
                .doesNotContain("\"seq\":3")
                .contains("\"lastSeq\":3");
        assertThat(get("/api/jobs/" + jobId + "/events").body())
                .contains("\"chunk\":\"one\\n\"")
                .contains("\"stream\":\"stderr\"");
    }

    @Test
    void cancelsARunningJob() throws Exception {
        String running = daemon.run("run", "-d", "vm", "long").out().strip();
        var response = http.send(
                request("/api/jobs/cancel")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"jobId\":\"" + running + "\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"status\":\"canceled\"");
    }

    @Test
    void errorsAreJsonWithAStableCode() throws Exception {
        assertThat(get("/api/jobs/ffffffff").statusCode()).isEqualTo(404);
        assertThat(get("/api/jobs/ffffffff").body()).contains("\"code\":\"unknown-job\"");
        assertThat(get("/api/nothing").body()).contains("\"code\":\"not-found\"");
        assertThat(get("/api/jobs?limit=x").statusCode()).isEqualTo(400);
        var badBody = http.send(
                request("/api/jobs/cancel")
                        .POST(HttpRequest.BodyPublishers.ofString("{oops"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badBody.statusCode()).isEqualTo(400);
        assertThat(badBody.body()).contains("\"code\":\"bad-json\"");
    }

    /**
     * REST and the socket share one validation and one dispatcher: a bad parameter is the same 400 error the
     * socket answers for the same field, never a 500 with a stack trace in the log.
     */
    @Test
    void aBadParameterIsThe400ErrorTheSocketGivesForTheSameField() throws Exception {
        Map<String, String> sameOnTheSocket = Map.of(
                "/api/jobs?limit=5000",
                "{\"v\":1,\"type\":\"list-jobs\",\"limit\":5000}",
                "/api/jobs?limit=0",
                "{\"v\":1,\"type\":\"list-jobs\",\"limit\":0}",
                "/api/jobs?limit=x",
                "{\"v\":1,\"type\":\"list-jobs\",\"limit\":\"x\"}",
                "/api/jobs/" + jobId + "/events?limit=5000",
                "{\"v\":1,\"type\":\"list-events\",\"jobId\":\"" + jobId + "\",\"limit\":5000}",
                "/api/jobs/" + jobId + "/events?since=-1",
                "{\"v\":1,\"type\":\"list-events\",\"jobId\":\"" + jobId + "\",\"sinceSeq\":-1}");
        try (RawSocket socket = RawSocket.connect(daemon)) {
            for (var entry : sameOnTheSocket.entrySet()) {
                var rest = get(entry.getKey());
                assertThat(rest.statusCode())
                        .as(entry.getKey() + ": " + rest.body())
                        .isEqualTo(400);
                assertThat(rest.body())
                        .as(entry.getKey())
                        .contains("\"code\":\"bad-request\"")
                        .isEqualTo(socket.send(entry.getValue()).next());
            }
        }
        var twice = get("/api/jobs?limit=1&limit=2");
        assertThat(twice.statusCode()).isEqualTo(400);
        assertThat(twice.body()).contains("\"code\":\"bad-request\"").contains("limit");
        var noJobId = http.send(
                request("/api/jobs/cancel")
                        .POST(HttpRequest.BodyPublishers.ofString("{}"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(noJobId.statusCode()).isEqualTo(400);
        assertThat(noJobId.body()).contains("\"code\":\"bad-request\"").contains("jobId");
        assertThat(daemon.log())
                .as("nothing a client sends is a bug: no error, no stack trace")
                .doesNotContain("ERROR")
                .doesNotContain("\tat ");
    }

    /** Every read of the REST API is a request of the socket's, answered with the same data. */
    @Test
    void theSocketAnswersTheRestReadsToo() throws Exception {
        try (RawSocket socket = RawSocket.connect(daemon)) {
            String job = socket.send("{\"v\":1,\"type\":\"get-job\",\"id\":\"g\",\"jobId\":\"" + jobId + "\"}")
                    .next();
            assertThat(job)
                    .startsWith("{\"type\":\"job:info\"")
                    .contains("\"id\":\"g\"")
                    .contains(get("/api/jobs/" + jobId).body());
            String page = socket.send("{\"v\":1,\"type\":\"list-events\",\"id\":\"e\",\"jobId\":\"" + jobId
                            + "\",\"sinceSeq\":1,\"limit\":1}")
                    .next();
            String rest = get("/api/jobs/" + jobId + "/events?since=1&limit=1").body();
            assertThat(page)
                    .startsWith("{\"type\":\"job:events\"")
                    .contains("\"id\":\"e\"")
                    .contains(rest.substring(1, rest.length() - 1));
        }
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) throws Exception {
        return HttpRequest.newBuilder(URI.create("http://" + daemon.address() + path))
                .header("Authorization", "Bearer " + daemon.token());
    }
}
