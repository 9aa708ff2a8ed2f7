package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention on jobs back-dated in the store (rows written through JDBC, as a daemon weeks old would have them), through
 * the real CLI: {@code vmo prune --dry-run} lists and removes nothing, {@code vmo prune} removes exactly what the
 * policy no longer keeps — never a running job, never a target's last N runs whatever their age — and {@code vmo
 * doctor} and {@code GET /api/storage} show what is kept.
 */
@ExtendWith(SharedPostgres.Resolver.class)
class RetentionIT {

    private static final int OUTPUT = 10_000; // bytes of output per back-dated job, in 3 events

    @Test
    void prunesWhatThePolicyNoLongerKeepsAndNothingElse(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        String url = postgres.newDatabase();
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), url);
                Connection db = DriverManager.getConnection(url)) {
            Path config = Files.createDirectories(daemon.home().resolve(".config/vmo"))
                    .resolve("config.yml");
            Files.writeString(config, "retention: {days: 30, keep_last_per_target: 2}\n");
            daemon.addProject("demo", "hello:\n\t@echo hi\n");
            assertThat(daemon.run("run", "demo", "hello").exitCode()).isZero(); // a real job, today's

            Instant now = Instant.now();
            // make demo build: four runs ended 37-40 days ago; the last two stay, whatever their age.
            UUID build1 = job(db, "make", "demo", "build", null, List.of(), "success", now, 40);
            UUID build2 = job(db, "make", "demo", "build", null, List.of("ENV=prod"), "failed", now, 39);
            UUID build3 = job(db, "make", "demo", "build", null, List.of(), "success", now, 38);
            UUID build4 = job(db, "make", "demo", "build", null, List.of(), "canceled", now, 37);
            // make demo deploy: a job still running since 60 days ago is the oldest run of its target, and stays.
            UUID running = job(db, "make", "demo", "deploy", null, List.of(), "running", now, 60);
            UUID deploy55 = job(db, "make", "demo", "deploy", null, List.of(), "lost", now, 55);
            UUID deploy50 = job(db, "make", "demo", "deploy", null, List.of(), "success", now, 50);
            UUID deploy45 = job(db, "make", "demo", "deploy", null, List.of(), "success", now, 45);
            // A VM job's target is its VM and command.
            UUID uptime40 = job(db, "ssh", null, null, "web-1", List.of("uptime"), "success", now, 40);
            UUID uptime39 = job(db, "ssh", null, null, "web-1", List.of("uptime"), "success", now, 39);
            UUID uptime38 = job(db, "ssh", null, null, "web-1", List.of("uptime"), "success", now, 38);
            UUID df90 = job(db, "ssh", null, null, "web-1", List.of("df", "-h"), "success", now, 90);
            // Within the 30 days: kept, though beyond its target's last two.
            UUID recent3 = job(db, "make", "demo", "lint", null, List.of(), "success", now, 3);
            job(db, "make", "demo", "lint", null, List.of(), "success", now, 2);
            job(db, "make", "demo", "lint", null, List.of(), "success", now, 1);
            List<UUID> doomed = List.of(build1, build2, deploy55, uptime40);
            int jobsBefore = count(db, "select count(*) from jobs");

            var dry = daemon.run("prune", "--dry-run");
            assertThat(dry.exitCode()).as(dry.toString()).isZero();
            for (UUID id : doomed) {
                assertThat(dry.out()).contains(id.toString().substring(0, 8));
            }
            assertThat(dry.out())
                    .contains("would remove 4 jobs, 40.0 kB of output (dry run: nothing removed;")
                    .contains("keeping 30 days after a job's end and the last 2 runs of each target")
                    .containsPattern("demo build +\\d{4}-")
                    .containsPattern("web-1: uptime +\\d{4}-");
            assertThat(count(db, "select count(*) from jobs"))
                    .as("a dry run removes nothing")
                    .isEqualTo(jobsBefore);

            var doctor = daemon.run("doctor");
            assertThat(doctor.out())
                    .as("the oldest job kept: the 90-day-old one, the last run of `web-1: df -h`")
                    .containsPattern("ok +retention +output [\\d.]+ MiB of [\\d.]+ MiB; " + jobsBefore
                            + " jobs, the oldest started \\S+ \\("
                            + df90.toString().substring(0, 8) + "\\); keeps 30"
                            + " days, and the last 2 runs of each target; not pruned since the daemon started");

            var prune = daemon.run("prune");
            assertThat(prune.exitCode()).as(prune.toString()).isZero();
            assertThat(prune.out()).containsPattern("removed 4 jobs, 40.0 kB of output in [\\d.]+ s \\(keeping 30");
            for (UUID id : doomed) {
                assertThat(prune.out()).contains(id.toString().substring(0, 8));
                assertThat(count(db, "select count(*) from jobs where id = '" + id + "'"))
                        .as("removed: " + id)
                        .isZero();
                assertThat(count(db, "select count(*) from job_events where job_id = '" + id + "'"))
                        .isZero();
            }
            for (UUID kept : List.of(build3, build4, running, deploy50, deploy45, uptime39, uptime38, df90, recent3)) {
                assertThat(count(db, "select count(*) from jobs where id = '" + kept + "'"))
                        .as("kept: " + kept)
                        .isEqualTo(1);
                assertThat(count(db, "select count(*) from job_events where job_id = '" + kept + "'"))
                        .as("its output kept too")
                        .isEqualTo(3);
            }
            assertThat(count(db, "select count(*) from jobs")).isEqualTo(jobsBefore - 4);
            assertThat(daemon.run("prune").out()).startsWith("nothing to prune (keeping 30 days");

            var storage = daemon.get("/api/storage", Duration.ofSeconds(10));
            assertThat(storage.statusCode()).isEqualTo(200);
            assertThat(storage.body())
                    .contains("\"jobs\":" + (jobsBefore - 4))
                    .contains("\"oldestJobId\":\"" + df90 + "\"")
                    .contains("\"days\":30,\"keepLastPerTarget\":2,\"problem\":null")
                    .contains("\"lastPrunedJobs\":0,\"lastPrunedBytes\":0");
            assertThat(daemon.run("doctor").out()).containsPattern("retention .*; last pruned \\S+: 0 jobs, 0.0 MiB");

            // A config.yml that cannot be trusted prunes nothing, and says why.
            job(db, "make", "demo", "build", null, List.of(), "success", now, 400); // would go under any policy
            Files.writeString(config, "retention: {days: 0}\n");
            var refused = daemon.run("prune");
            assertThat(refused.exitCode()).isEqualTo(2);
            assertThat(refused.err()).contains("nothing pruned: ").contains("retention.days must be 1 or more");
            assertThat(count(db, "select count(*) from jobs")).isEqualTo(jobsBefore - 3);

            // Each prune is in the audit trail: who asked, what went, and the one config.yml stopped.
            String trail = daemon.awaitAudit("\"detail\":\"invalid-config\"");
            assertThat(trail)
                    .contains("\"action\":\"retention.run\",\"user\":\"owner\",\"client\":\"cli\"")
                    .contains("\"detail\":\"dry run: would remove 4 job(s), 40000 bytes of output")
                    .contains("\"detail\":\"removed 4 job(s), 40000 bytes of output; kept 30 days")
                    .contains("\"detail\":\"invalid-config\"");
        }
    }

    /** A finished (or running) job back-dated {@code daysAgo} (its end: a day after its start), with its output. */
    private static UUID job(
            Connection db,
            String kind,
            String project,
            String target,
            String vm,
            List<String> args,
            String status,
            Instant now,
            int daysAgo)
            throws Exception {
        UUID id = UUID.randomUUID();
        Instant finished = now.minus(daysAgo, ChronoUnit.DAYS);
        Instant started = finished.minus(1, ChronoUnit.HOURS);
        List<String> command = new ArrayList<>();
        if (vm == null) {
            command.addAll(List.of("make", "-C", "/demo", target));
            command.addAll(args);
        } else {
            command.addAll(args);
        }
        try (var insert = db.prepareStatement("""
                insert into jobs (id, kind, project, target, args, vm, command, status, exit_code, started_at,
                                  finished_at, requested_by)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'owner')
                """)) {
            boolean isRunning = status.equals("running");
            insert.setObject(1, id);
            insert.setString(2, kind);
            insert.setString(3, project);
            insert.setString(4, target);
            insert.setArray(5, db.createArrayOf("text", vm == null ? args.toArray() : new Object[0]));
            insert.setString(6, vm);
            insert.setArray(7, db.createArrayOf("text", command.toArray()));
            insert.setString(8, status);
            insert.setObject(9, isRunning ? null : 0);
            insert.setObject(10, started.atOffset(ZoneOffset.UTC));
            insert.setObject(11, isRunning ? null : finished.atOffset(ZoneOffset.UTC));
            insert.executeUpdate();
        }
        try (var insert = db.prepareStatement(
                "insert into job_events (job_id, seq, ts, stream, data) values (?, ?, ?, 'stdout', ?)")) {
            int[] sizes = {OUTPUT / 3, OUTPUT / 3, OUTPUT - 2 * (OUTPUT / 3)};
            for (int seq = 1; seq <= 3; seq++) {
                insert.setObject(1, id);
                insert.setLong(2, seq);
                insert.setObject(3, started.atOffset(ZoneOffset.UTC));
                insert.setBytes(4, "x".repeat(sizes[seq - 1]).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                insert.executeUpdate();
            }
        }
        return id;
    }

    private static int count(Connection db, String sql) throws Exception {
        try (var s = db.createStatement();
                var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
