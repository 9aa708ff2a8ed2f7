package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.daemon.audit.AuditChain;
import io.vmo.daemon.audit.AuditEntry;
import io.vmo.daemon.audit.AuditHeadFile;
import io.vmo.daemon.audit.AuditKey;
import io.vmo.daemon.audit.AuditPruner;
import io.vmo.daemon.audit.AuditWriter;
import io.vmo.daemon.store.AuditEventStore;
import io.vmo.daemon.store.Database;
import io.vmo.daemon.store.StoreHealth;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit trail, end to end: a real daemon, its PostgreSQL, the CLI. What clients do and what the daemon refuses
 * shows in {@code vmo audit} with who, what and the outcome; the table refuses UPDATE, DELETE and TRUNCATE from
 * the daemon's own database user; and what a superuser changes behind the trigger's back — a row edited, a row
 * deleted from the middle, the tail deleted with the head row rewound — {@code vmo audit --verify} names.
 */
@ExtendWith(SharedPostgres.Resolver.class)
class AuditIT {

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void recordsActionsAndRefusalsAndDetectsTampering(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        String database = postgres.newDatabase(); // the daemon's own URL: the same user it connects as
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), database)) {
            daemon.addProject("p", "hello:\n\t@echo hi\n");
            assertThat(daemon.run("run", "p", "hello").exitCode()).isZero();
            String jobId = daemon.run("jobs", "--json").out().replaceAll("(?s).*?\"id\":\"([^\"]+)\".*", "$1");

            assertThat(send(daemon, "/api/jobs", "wrong-token", null).statusCode())
                    .isEqualTo(401);
            assertThat(send(daemon, "/api/jobs", daemon.token(), "http://evil.example")
                            .statusCode())
                    .isEqualTo(403);
            assertThat(send(daemon, "/api/jobs?limit=5000", daemon.token(), null)
                            .statusCode())
                    .isEqualTo(400);
            String link = daemon.run("ui").out().strip();
            assertThat(send(daemon, link.substring(link.indexOf("/login")), null, null)
                            .statusCode())
                    .isEqualTo(303);

            String trail = daemon.awaitAudit("\"action\":\"login\"");
            assertThat(trail)
                    .contains("\"action\":\"daemon.start\"")
                    .contains("\"action\":\"job.execute\",\"user\":\"owner\",\"client\":\"cli\",\"peer\":\"127.0.0.1\","
                            + "\"subject\":\"" + jobId + "\",\"outcome\":\"ok\",\"detail\":\"p hello; by cli ")
                    .contains("\"action\":\"access\",\"user\":null,\"client\":null,\"peer\":\"127.0.0.1\","
                            + "\"subject\":\"GET /api/jobs\",\"outcome\":\"refused\","
                            + "\"detail\":\"unauthorized: wrong bearer token, 1 in a row\"")
                    .contains("\"subject\":\"GET /api/jobs\",\"outcome\":\"refused\","
                            + "\"detail\":\"forbidden: Origin is another site\"")
                    .contains("\"action\":\"request\",\"user\":\"owner\",\"client\":\"rest\",\"peer\":\"127.0.0.1\","
                            + "\"subject\":\"GET /api/jobs\",\"outcome\":\"refused\",\"detail\":\"bad-request\"")
                    .contains("\"action\":\"login-link.create\",\"user\":\"owner\",\"client\":\"cli\"")
                    .contains("\"action\":\"login\",\"user\":\"owner\",\"client\":\"web\"");
            var table = daemon.run("audit", "--user", "owner");
            assertThat(table.exitCode()).as(table.toString()).isZero();
            assertThat(table.out())
                    .contains("ACTION")
                    .contains("job.execute")
                    .doesNotContain("daemon.start"); // no user: filtered out
            assertThat(daemon.run("audit", "--since", "2999-01-01").out().lines())
                    .hasSize(1); // the header alone
            assertIntact(daemon);

            try (Connection sql = DriverManager.getConnection(database)) {
                long executed = seqOf(sql, "job.execute");
                // The daemon's own database user, through plain SQL: the trigger refuses.
                for (String change : new String[] {
                    "update audit_events set outcome = 'failed' where seq = " + executed,
                    "delete from audit_events where seq = " + executed,
                    "truncate audit_events",
                    "update audit_head set seq = 0"
                }) {
                    assertThatThrownBy(() -> sql.createStatement().execute(change))
                            .as(change)
                            .isInstanceOf(SQLException.class)
                            .hasMessageContaining("only");
                }

                // A superuser can switch triggers off: what it changes, the chain names.
                sql.createStatement().execute("set session_replication_role = replica");
                sql.createStatement().execute("update audit_events set outcome = 'failed' where seq = " + executed);
                assertBad(daemon, executed, "row " + executed + " (", "was altered after it was written");
                var json = daemon.run("audit", "--verify", "--json");
                assertThat(json.exitCode()).isEqualTo(1);
                assertThat(json.out()).contains("\"ok\":false").contains("\"badSeq\":" + executed);
                sql.createStatement().execute("update audit_events set outcome = 'ok' where seq = " + executed);
                // (not verified again here: had the restore failed, the next verification would name this row)

                sql.createStatement()
                        .execute("create temporary table kept as select * from audit_events where seq = " + executed);
                sql.createStatement().execute("delete from audit_events where seq = " + executed);
                assertBad(daemon, executed, "row " + executed + " is missing: deleted from the middle");
                sql.createStatement().execute("insert into audit_events select * from kept");

                // The tail, head row rewound to match: only the head kept outside the database tells.
                awaitQuiet(sql);
                long last = max(sql);
                sql.createStatement().execute("delete from audit_events where seq > " + executed);
                sql.createStatement()
                        .execute("update audit_head set seq = " + executed
                                + ", mac = (select mac from audit_events where seq = " + executed + ")");
                assertBad(
                        daemon,
                        executed + 1,
                        "rows " + (executed + 1) + " to " + last + " were deleted from the end of the trail",
                        "audit.head");

                // The same while the daemon is down: only audit.head remembers how far it wrote. Started again, it
                // says so and goes on after its own head, so the rows cut off are a gap verification names.
                daemon.kill();
                long written = max(sql);
                sql.createStatement().execute("delete from audit_events where seq > " + executed);
                sql.createStatement()
                        .execute("update audit_head set seq = " + executed
                                + ", mac = (select mac from audit_events where seq = " + executed + ")");
                daemon.restart();
                assertBad(daemon, executed + 1, "rows " + (executed + 1) + " to " + written + " are missing");
                assertThat(daemon.log()).contains("but this daemon had written it up to seq " + written);
            }
        }
    }

    /**
     * Users in the trail: who added whom, a viewer's forbidden attempts (a job, and reading the trail itself, which is
     * admin's) under the viewer's name with the roles, and the viewer's token refused at the door once revoked.
     */
    @Test
    void recordsUsersAndWhatTheirRolesRefused(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase())) {
            daemon.addProject("p", "hello:\n\t@echo hi\n");
            var added = daemon.run("users", "add", "vera", "--role", "viewer");
            assertThat(added.exitCode()).as(added.toString()).isZero();
            String vera = added.out().strip();

            var run = as(daemon, vera, "run", "p", "hello");
            assertThat(run.exitCode()).as(run.toString()).isNotZero();
            var audit = as(daemon, vera, "audit");
            assertThat(audit.exitCode()).as(audit.toString()).isNotZero();
            assertThat(audit.err()).contains("list-audit needs role admin; you are viewer (user vera)");
            assertThat(daemon.run("users", "revoke", "vera").exitCode()).isZero();
            assertThat(as(daemon, vera, "jobs").exitCode()).isNotZero();

            String trail = daemon.awaitAudit("\"action\":\"access\",\"user\":\"vera\"");
            assertThat(trail)
                    .contains("\"action\":\"user.add\",\"user\":\"owner\",\"client\":\"cli\",\"peer\":\"127.0.0.1\","
                            + "\"subject\":\"vera\",\"outcome\":\"ok\",\"detail\":\"viewer\"")
                    .contains("\"action\":\"job.execute\",\"user\":\"vera\",\"client\":\"cli\",\"peer\":\"127.0.0.1\","
                            + "\"subject\":\"p hello\",\"outcome\":\"refused\","
                            + "\"detail\":\"forbidden: needs role operator; caller role viewer\"")
                    .contains("\"action\":\"request\",\"user\":\"vera\",\"client\":\"cli\",\"peer\":\"127.0.0.1\","
                            + "\"subject\":\"list-audit\",\"outcome\":\"refused\","
                            + "\"detail\":\"forbidden: needs role admin; caller role viewer\"")
                    .contains("\"action\":\"user.revoke\",\"user\":\"owner\",\"client\":\"cli\",\"peer\":\"127.0.0.1\","
                            + "\"subject\":\"vera\",\"outcome\":\"ok\"")
                    .contains("\"action\":\"access\",\"user\":\"vera\",\"client\":null,\"peer\":\"127.0.0.1\","
                            + "\"subject\":\"GET /ws\",\"outcome\":\"refused\","
                            + "\"detail\":\"unauthorized: a revoked user's token\"");
            assertIntact(daemon);
        }
    }

    /** The CLI run with a user's personal token in VMO_TOKEN. */
    private static Vmo.Result as(TestDaemon daemon, String token, String... args) throws Exception {
        ProcessBuilder cli = daemon.cli(args);
        cli.environment().put("VMO_TOKEN", token);
        return Vmo.run(cli);
    }

    /**
     * The trail's own retention on the real store: rows written 400 days ago (by the daemon's writer, on a clock set
     * back) cannot be deleted through SQL, but pruning removes them — one transaction that moves the anchor, deletes
     * and writes its own row — and the daemon then verifies the rest from the anchor.
     */
    @Test
    void prunesOldRowsOnlyByRetentionAndStillVerifies(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        String url = postgres.newDatabase();
        Path home = tmp.resolve("home");
        Path state = home.resolve(".local/state/vmo");
        java.nio.file.Files.createDirectories(state);
        var key = AuditKey.loadOrCreate(home.resolve(".config/vmo/audit.key")); // where the daemon finds it
        var head = new AuditHeadFile(state.resolve("audit.head"));
        Instant now = Instant.now();
        try (Database database = Database.open(url, state, new StoreHealth(Clock.systemUTC()))) {
            var store = new AuditEventStore(database.jdbi());
            var chain = new AuditChain(key);
            try (var old =
                    new AuditWriter(store, chain, head, Clock.fixed(now.minus(Duration.ofDays(400)), ZoneOffset.UTC))) {
                for (int i = 0; i < 3; i++) {
                    old.record(new AuditEntry("job.execute", "owner", "cli", "127.0.0.1", "job-" + i, "ok", null));
                }
            }
            try (Connection sql = DriverManager.getConnection(url)) {
                assertThat(max(sql)).isEqualTo(3);
                assertThatThrownBy(() -> sql.createStatement().execute("delete from audit_events where seq = 1"))
                        .as("old, but not pruned: still refused")
                        .hasMessageContaining("append-only");
            }
            try (var writer = new AuditWriter(store, chain, head, Clock.systemUTC())) {
                writer.record(new AuditEntry("job.execute", "owner", "cli", "127.0.0.1", "job-3", "ok", null));
                new AuditPruner(writer, () -> 365, Clock.systemUTC()).pruneNow().get(10, TimeUnit.SECONDS);
            }
        }
        try (TestDaemon daemon = TestDaemon.start(home, url)) {
            String trail = daemon.awaitAudit("daemon.start");
            assertThat(trail)
                    .doesNotContain("\"subject\":\"job-0\"")
                    .contains("\"seq\":4,")
                    .contains("\"action\":\"audit.prune\",\"user\":null,\"client\":null,\"peer\":null,"
                            + "\"subject\":\"through seq 3\",\"outcome\":\"ok\",\"detail\":\"removed the rows"
                            + " recorded before ");
            var verified = daemon.run("audit", "--verify");
            assertThat(verified.exitCode()).as(verified.toString()).isZero();
            assertThat(verified.out()).contains("(seq 4 to ");
        }
    }

    private static void assertIntact(TestDaemon daemon) throws Exception {
        var verified = daemon.run("audit", "--verify");
        assertThat(verified.exitCode()).as(verified.toString()).isZero();
        assertThat(verified.out()).contains("audit trail intact");
    }

    private static void assertBad(TestDaemon daemon, long seq, String... says) throws Exception {
        var verified = daemon.run("audit", "--verify");
        assertThat(verified.exitCode()).as(verified.toString()).isEqualTo(1);
        assertThat(verified.out())
                .contains("tampered with at row " + seq + ": ")
                .contains(says);
    }

    /** Waits until the last verification's own row is written: the daemon writes nothing more unasked. */
    private static void awaitQuiet(Connection sql) throws Exception {
        long before = -1;
        for (long now = max(sql); now != before; now = max(sql)) {
            before = now;
            Thread.sleep(300);
        }
    }

    private static long max(Connection sql) throws SQLException {
        var rs = sql.createStatement().executeQuery("select max(seq) from audit_events");
        rs.next();
        return rs.getLong(1);
    }

    private static long seqOf(Connection sql, String action) throws SQLException {
        var rs =
                sql.createStatement().executeQuery("select min(seq) from audit_events where action = '" + action + "'");
        rs.next();
        return rs.getLong(1);
    }

    private HttpResponse<String> send(TestDaemon daemon, String path, String token, String origin) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://" + daemon.address() + path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (origin != null) {
            request.header("Origin", origin);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
