package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What survives the daemon: history, across restarts; jobs it was running when it died are marked lost. */
@ExtendWith(SharedPostgres.Resolver.class)
class RestartIT {

    static final String ORPHAN = "31339";

    @AfterEach
    void killOrphans() {
        Processes.killSleeps(ORPHAN);
    }

    @Test
    void aJobRunningWhenTheDaemonDiedIsMarkedLostOnRestart(SharedPostgres postgres, @TempDir Path tmp)
            throws Exception {
        String databaseUrl = postgres.newDatabase();
        TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), databaseUrl);
        try {
            daemon.addProject("vm", "long:\n\t@echo started; sleep " + ORPHAN + "\n");
            String jobId = daemon.run("run", "-d", "vm", "long").out().strip();
            StoredJob.awaitStdout(databaseUrl, jobId, "started");

            daemon.kill();
            assertThat(StoredJob.read(databaseUrl, jobId).status()).isEqualTo("running");
            daemon.restart();

            StoredJob stored = StoredJob.read(databaseUrl, jobId);
            assertThat(stored.status()).isEqualTo("lost");
            assertThat(stored.events().getLast().stream()).isEqualTo("system");
            assertThat(stored.text("system")).contains("daemon stopped while this job was running");
            assertThat(daemon.run("jobs").out()).contains(jobId.substring(0, 8) + "  lost");
            var tail = daemon.run("tail", jobId.substring(0, 6));
            assertThat(tail.out()).isEqualTo("started\n");
            assertThat(tail.err()).contains("daemon stopped").contains("lost");
            assertThat(tail.exitCode()).isEqualTo(1);
        } finally {
            daemon.close();
        }
    }

    @Test
    void aSecondDaemonOnTheSameDatabaseIsRefused(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        String databaseUrl = postgres.newDatabase();
        try (TestDaemon first = TestDaemon.start(tmp.resolve("first"), databaseUrl)) {
            assertThatThrownBy(() -> TestDaemon.start(tmp.resolve("second"), databaseUrl))
                    .hasMessageContaining("another vmo daemon is already using the database")
                    .hasMessageNotContaining(databaseUrl.replaceAll(".*password=", "")); // the secret itself
            assertThat(first.run("jobs").exitCode()).isZero();
        }
    }

    @Test
    void withNoDatabaseConfiguredTheDaemonRunsItsOwnPostgresAndKeepsHistoryAcrossRestarts(@TempDir Path tmp)
            throws Exception {
        Path home = tmp.resolve("home");
        String jobId;
        try (TestDaemon daemon = TestDaemon.start(home, null)) {
            daemon.addProject("vm", "hello:\n\t@echo hello\n");
            assertThat(daemon.run("run", "vm", "hello").out()).isEqualTo("hello\n");
            jobId = daemon.run("jobs")
                    .out()
                    .lines()
                    .skip(1)
                    .findFirst()
                    .orElseThrow()
                    .substring(0, 8);
        }
        assertThat(home.resolve(".local/state/vmo/postgres/PG_VERSION")).exists();
        try (TestDaemon again = TestDaemon.start(home, null)) {
            var tail = again.run("tail", jobId);
            assertThat(tail.exitCode()).isZero();
            assertThat(tail.out()).isEqualTo("hello\n");
        }
    }
}
