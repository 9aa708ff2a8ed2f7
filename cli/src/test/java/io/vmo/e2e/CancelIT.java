package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Cancel stops the whole process tree a target started, whichever way it is asked for. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class CancelIT {

    // Distinctive sleep lengths mark this test's processes, so the check cannot be fooled by others.
    static final String TREE = "31337";
    static final String STUBBORN = "31338";

    String databaseUrl;
    TestDaemon daemon;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        databaseUrl = postgres.newDatabase();
        daemon = TestDaemon.start(tmp.resolve("home"), databaseUrl);
        daemon.addProject("vm", """
                tree:
                \t@sleep %1$s & sleep %1$s & (sleep %1$s; echo never) & echo started; wait
                stubborn:
                \t@trap '' TERM; echo started; sleep %2$s; echo survived
                quick:
                \t@echo done
                """.formatted(TREE, STUBBORN));
    }

    @AfterEach
    void killLeftovers() {
        Processes.killSleeps(TREE);
        Processes.killSleeps(STUBBORN);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void ctrlCOnRunCancelsTheJobAndKillsEveryProcessItStarted() throws Exception {
        Process cli = daemon.cli("run", "vm", "tree").start();
        var stdout = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8));
        assertThat(stdout.readLine()).isEqualTo("started");
        assertThat(Processes.awaitSleeps(TREE, 3, 10_000)).hasSize(3);

        new ProcessBuilder("kill", "-INT", Long.toString(cli.pid())).start().waitFor(); // Ctrl-C

        assertThat(cli.waitFor(20, TimeUnit.SECONDS)).isTrue();
        String stderr = new String(cli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cli.exitValue()).as(stderr).isEqualTo(130);
        assertThat(stderr).contains("canceling job").contains("canceled");
        assertThat(Processes.awaitNoSleeps(TREE, 5_000)).isEmpty();
        String jobId = stderr.replaceAll("(?s).*vmo: job ([0-9a-f-]{36}) canceled.*", "$1");
        StoredJob stored = StoredJob.read(databaseUrl, jobId);
        assertThat(stored.status()).isEqualTo("canceled");
        assertThat(stored.text("system")).contains("canceled on request");
        assertThat(stored.text("stdout")).isEqualTo("started\n");
    }

    @Test
    void cancelByIdPrefixKillsATargetThatIgnoresSigterm() throws Exception {
        String jobId = daemon.run("run", "-d", "vm", "stubborn").out().strip();
        StoredJob.awaitStdout(databaseUrl, jobId, "started");

        long start = System.nanoTime();
        var result = daemon.run("cancel", jobId.substring(0, 8));
        long tookMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("job " + jobId + " canceled\n");
        assertThat(tookMillis).as("SIGKILL follows the 2 s grace period").isGreaterThanOrEqualTo(2_000);
        assertThat(Processes.awaitNoSleeps(STUBBORN, 5_000)).isEmpty();
        StoredJob stored = StoredJob.read(databaseUrl, jobId);
        assertThat(stored.status()).isEqualTo("canceled");
        assertThat(stored.text("system")).contains("SIGKILL");
        assertThat(stored.text("stdout")).doesNotContain("survived");
    }

    @Test
    void cancellingAFinishedJobSaysHowItEnded() throws Exception {
        String jobId = daemon.run("run", "-d", "vm", "quick").out().strip();
        daemon.run("tail", jobId); // waits for the end
        var result = daemon.run("cancel", jobId);
        assertThat(result.exitCode()).isZero();
        assertThat(result.out()).isEqualTo("job " + jobId + " had already ended: success\n");
    }
}
