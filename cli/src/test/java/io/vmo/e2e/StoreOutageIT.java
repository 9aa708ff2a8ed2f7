package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store becomes unavailable while jobs run: /healthz says so, reads answer at once from memory instead of
 * hanging, {@code vmo jobs} fails fast saying why, a job whose end cannot be stored is still reported running — and
 * once the store is back every byte is stored and the jobs end.
 *
 * <p>How the outage is made: the daemon runs against a database of the shared test server ({@code --database-url}),
 * and the test, as the server's superuser, sets {@code allow_connections = false} on that database and then
 * terminates every session connected to it ({@code pg_terminate_backend}). The server stays up (so the test can
 * undo it), but for the daemon the database is gone: its pooled connections are cut, every new one is refused
 * ("database … is not currently accepting connections" — this applies to superusers too, unlike a connection limit),
 * and its advisory-lock session is lost. {@code allow_connections = true} ends the outage.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
@ExtendWith(SharedPostgres.Resolver.class)
class StoreOutageIT {

    static final Pattern STORE_OK = Pattern.compile("\"store\"\\s*:\\s*\"ok\"");
    static final Pattern STORE_DOWN = Pattern.compile("\"store\"\\s*:\\s*\"down\"");

    @TempDir
    Path tmp;

    SharedPostgres postgres;
    String database;
    TestDaemon daemon;
    Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        if (database != null) {
            allowConnections(true);
        }
        if (dir != null) {
            Files.writeString(dir.resolve("stop"), "");
            Files.writeString(dir.resolve("go"), "");
        }
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void duringAStoreOutageReadsAnswerFastAndNothingIsLost(SharedPostgres postgres) throws Exception {
        this.postgres = postgres;
        String databaseUrl = postgres.newDatabase();
        database = databaseUrl.replaceAll(".*/([^/?]+)\\?.*", "$1");
        daemon = TestDaemon.start(tmp.resolve("home"), databaseUrl);
        dir = daemon.addProject("gen", "");
        Generator.install(dir);
        Path copy = dir.resolve("copy-slow");
        Path go = dir.resolve("go");
        // slow: bursts of 200 lines (~22 KB) every ~100 ms until the stop file appears.
        // ending: waits for the go file, then ends: the test lets it end during the outage.
        Files.writeString(
                dir.resolve("Makefile"),
                "slow:\n"
                        + Generator.recipe(
                                dir, "slow", 200, 1, "0", "100", 100_000, dir.resolve("stop"), copy.toString())
                        + "ending:\n\t@echo waiting; while [ ! -e " + go + " ]; do sleep 0.05; done; echo ended\n");
        String slowJob = start("slow");
        String endingJob = start("ending");
        StoredJob.awaitStdout(databaseUrl, slowJob, "burst 000005");
        StoredJob.awaitStdout(databaseUrl, endingJob, "waiting");

        SoftAssertions softly = new SoftAssertions();
        try (Responsiveness responsiveness = Responsiveness.watch(daemon, slowJob, Duration.ofSeconds(1))) {
            allowConnections(false);
            terminateSessions();
            long outageStart = System.currentTimeMillis();

            String health = awaitHealth(STORE_DOWN, 503, Duration.ofSeconds(10));
            softly.assertThat(health)
                    .as("/healthz within 10 s of the store going away")
                    .startsWith("503 ")
                    .containsPattern(STORE_DOWN)
                    .contains("\"problem\"");

            // The running job, by its full id, from memory.
            long start = System.nanoTime();
            String job = get("/api/jobs/" + slowJob);
            long millis = (System.nanoTime() - start) / 1_000_000;
            softly.assertThat(millis)
                    .as("GET /api/jobs/{id} of a running job during the outage took %d ms: %s", millis, job)
                    .isLessThanOrEqualTo(1_000);
            softly.assertThat(job)
                    .as("GET /api/jobs/{id} during the outage")
                    .startsWith("200 ")
                    .contains("\"status\":\"running\"");

            // `vmo jobs` needs the store: it says so and exits, rather than hanging.
            try {
                Vmo.Result jobs = Vmo.run(daemon.cli("jobs"), Duration.ofSeconds(5));
                System.out.println("during the outage: /healthz " + health + "\nvmo jobs: " + jobs);
                softly.assertThat(jobs.exitCode())
                        .as("vmo jobs during the outage: %s", jobs)
                        .isNotZero();
                softly.assertThat(jobs.out() + jobs.err())
                        .as("vmo jobs during the outage")
                        .containsPattern("(?i)store|database");
            } catch (AssertionError e) {
                softly.fail(e.getMessage());
            }

            // A job that ends now cannot have its end stored: it is still running to every reader.
            Files.writeString(go, "");
            long endDeadline = System.currentTimeMillis() + 3_000;
            while (System.currentTimeMillis() < endDeadline) {
                String ending = get("/api/jobs/" + endingJob);
                if (!ending.contains("\"status\":\"running\"")) {
                    softly.fail(
                            "while its end cannot be stored, GET /api/jobs/{id} must say running; it said " + ending);
                    break;
                }
                Thread.sleep(200);
            }
            health = get("/healthz");
            softly.assertThat(health)
                    .as("/healthz %d ms into the outage", System.currentTimeMillis() - outageStart)
                    .startsWith("503 ")
                    .containsPattern(STORE_DOWN);

            // The store comes back.
            allowConnections(true);
            String recovered = awaitHealth(STORE_OK, 200, Duration.ofSeconds(30));
            softly.assertThat(recovered)
                    .as("/healthz within 30 s of the store coming back")
                    .startsWith("200 ")
                    .containsPattern(STORE_OK);
            Files.writeString(dir.resolve("stop"), "");
            for (String jobId : new String[] {slowJob, endingJob}) {
                StoredJob stored = awaitEnd(databaseUrl, jobId, Duration.ofSeconds(60));
                softly.assertThat(stored.status())
                        .as("job %s's stored status; its system events: %s", jobId, stored.text("system"))
                        .isEqualTo("success");
                softly.assertThat(OutputCheck.seqProblem(stored.seqs()))
                        .as("job %s's seqs", jobId)
                        .isNull();
            }
            StoredJob slow = StoredJob.read(databaseUrl, slowJob);
            softly.assertThat(OutputCheck.difference(slow.bytes("stdout"), Files.readAllBytes(copy)))
                    .as("job %s's stored stdout against its copy", slowJob)
                    .isNull();
            softly.assertThat(StoredJob.read(databaseUrl, endingJob).text("stdout"))
                    .isEqualTo("waiting\nended\n");
            responsiveness.close();
            softly.assertThat(responsiveness.problems())
                    .as("requests slower than 1 s or unanswered (%s)", responsiveness.summary())
                    .isEmpty();
        } catch (Throwable t) { // report it together with what failed before
            softly.fail("stopped early: " + t, t);
        } finally {
            softly.assertAll();
        }
    }

    private String start(String target) throws Exception {
        Vmo.Result result = daemon.run("run", "-d", "gen", target);
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.out().strip();
    }

    private void allowConnections(boolean allow) throws Exception {
        try (var c = DriverManager.getConnection(postgres.adminUrl());
                var s = c.createStatement()) {
            s.execute("alter database " + database + " allow_connections " + allow);
        }
    }

    /** Ends every session on the daemon's database; repeated briefly, for one that was being opened just then. */
    private void terminateSessions() throws Exception {
        try (var c = DriverManager.getConnection(postgres.adminUrl());
                var s = c.prepareStatement("select count(pg_terminate_backend(pid)) from pg_stat_activity"
                        + " where datname = ? and pid <> pg_backend_pid()")) {
            s.setString(1, database);
            for (int i = 0; i < 5; i++) {
                s.executeQuery().close();
                Thread.sleep(100);
            }
        }
    }

    private String get(String path) {
        try {
            HttpResponse<String> response = daemon.get(path, Duration.ofSeconds(3));
            return response.statusCode() + " " + response.body();
        } catch (Exception e) {
            return "no answer: " + e;
        }
    }

    private String awaitHealth(Pattern body, int status, Duration within) throws InterruptedException {
        long deadline = System.currentTimeMillis() + within.toMillis();
        String health = get("/healthz");
        while (!(health.startsWith(status + " ") && body.matcher(health).find())
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            health = get("/healthz");
        }
        return health;
    }

    private StoredJob awaitEnd(String databaseUrl, String jobId, Duration within) throws Exception {
        long deadline = System.currentTimeMillis() + within.toMillis();
        StoredJob stored = StoredJob.read(databaseUrl, jobId);
        while ("running".equals(stored.status())) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("job " + jobId + " still stored as running " + within + " after the store"
                        + " came back; daemon log:\n" + daemon.logTail(20));
            }
            Thread.sleep(250);
            stored = StoredJob.read(databaseUrl, jobId);
        }
        return stored;
    }
}
