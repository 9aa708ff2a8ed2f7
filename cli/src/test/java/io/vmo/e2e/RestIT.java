package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
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
        daemon.addProject("vm", "three:\n\t@echo one; sleep 0.2; echo two >&2; sleep 0.2; echo three\n"
                + "long:\n\t@echo started; sleep 31340\n");
        daemon.run("run", "vm", "three");
        jobId = daemon.run("jobs").out().lines().skip(1).findFirst().orElseThrow().substring(0, 8);
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
        assertThat(response.body()).startsWith("{\"jobs\":[{\"id\":\"" + jobId)
                .contains("\"status\":\"success\"").contains("\"command\":[\"make\",");
    }

    @Test
    void showsOneJobByIdPrefix() throws Exception {
        var response = get("/api/jobs/" + jobId);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"target\":\"three\"").contains("\"exitCode\":0")
                .contains("\"lastSeq\":3");
    }

    @Test
    void pagesThroughEventsAfterASeq() throws Exception {
        var page = get("/api/jobs/" + jobId + "/events?since=1&limit=1");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("\"seq\":2").doesNotContain("\"seq\":1,").doesNotContain("\"seq\":3")
                .contains("\"lastSeq\":3");
        assertThat(get("/api/jobs/" + jobId + "/events").body())
                .contains("\"chunk\":\"one\\n\"").contains("\"stream\":\"stderr\"");
    }

    @Test
    void cancelsARunningJob() throws Exception {
        String running = daemon.run("run", "-d", "vm", "long").out().strip();
        var response = http.send(request("/api/jobs/cancel")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"jobId\":\"" + running + "\"}")).build(),
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
        var badBody = http.send(request("/api/jobs/cancel").POST(HttpRequest.BodyPublishers.ofString("{oops")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(badBody.statusCode()).isEqualTo(400);
        assertThat(badBody.body()).contains("\"code\":\"bad-json\"");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(request(path).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest.Builder request(String path) throws Exception {
        return HttpRequest.newBuilder(URI.create("http://" + daemon.address() + path))
                .header("Authorization", "Bearer " + daemon.token());
    }
}
