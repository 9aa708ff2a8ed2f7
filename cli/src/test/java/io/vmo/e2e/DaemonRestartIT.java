package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A daemon restart costs a command that follows a job nothing but a note: it reconnects with back-off and goes on
 * after the last seq it printed. A local job does not outlive its daemon (a restarted one stops what the dead one
 * left running and marks the job lost), so the command then ends with that status.
 */
@ExtendWith(SharedPostgres.Resolver.class)
class DaemonRestartIT {

    /** A distinctive sleep length marks this test's processes. */
    static final String SLEEP = "0.31";

    TestDaemon daemon;

    @AfterEach
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    void runFollowsAJobAcrossADaemonKilledAndStartedAgain(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        // The same port after the restart, as a service's daemon has.
        daemon = TestDaemon.start(
                tmp.resolve("home"), postgres.newDatabase(), "--listen", "127.0.0.1:" + TestDaemon.freePort());
        daemon.addProject("vm", "slow:\n\t@for i in $$(seq 1 200); do echo line $$i; sleep " + SLEEP + "; done\n");
        Process cli = daemon.cli("run", "vm", "slow").start();
        var stdout = new BufferedReader(new InputStreamReader(cli.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(cli.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (Exception e) {
                return e.toString();
            }
        });
        List<String> lines = new ArrayList<>();
        while (lines.size() < 3) {
            lines.add(stdout.readLine());
        }

        daemon.kill();
        Thread.sleep(1_500); // the command notices and tries while nothing listens
        daemon.restart();

        for (String line; (line = stdout.readLine()) != null; ) {
            lines.add(line);
        }
        assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String err = stderr.get(10, TimeUnit.SECONDS);
        assertThat(err)
                .contains("lost the daemon")
                .contains("reconnecting")
                .contains("reconnected to the daemon")
                .contains("resuming after seq")
                .contains(" lost");
        assertThat(cli.exitValue()).as(err).isEqualTo(1);
        // Every line once, in order: nothing printed twice on resuming, nothing skipped.
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).isEqualTo("line " + (i + 1));
        }
        assertThat(Processes.awaitNoSleeps(SLEEP, 10_000)).isEmpty();
    }

    @Test
    void attachComesBackToItsTerminalAcrossARestart(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        daemon = TestDaemon.start(
                tmp.resolve("home"), postgres.newDatabase(), "--listen", "127.0.0.1:" + TestDaemon.freePort());
        daemon.addProject("vm", ECHOER);
        String jobId = daemon.run("run", "-d", "-i", "vm", "echoer").out().strip();
        assertTerminalRidesOutARestart(tmp, Vmo.argv("attach", jobId));
    }

    @Test
    void runDashIComesBackToItsTerminalAcrossARestart(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        daemon = TestDaemon.start(
                tmp.resolve("home"), postgres.newDatabase(), "--listen", "127.0.0.1:" + TestDaemon.freePort());
        daemon.addProject("vm", ECHOER);
        assertTerminalRidesOutARestart(tmp, Vmo.argv("run", "-i", "vm", "echoer"));
    }

    static final String ECHOER = "echoer:\n\t@while read line; do echo \"echo:$$line\"; done\n";

    /** In a real terminal: the session answers, the daemon dies and comes back, the session says so and ends lost. */
    private void assertTerminalRidesOutARestart(Path tmp, List<String> argv) throws Exception {
        try (Tmux tmux = new Tmux(tmp.resolve("tmux"), daemon.cli())) {
            tmux.start("a", 80, 24, argv);
            String attached = tmux.await("a", "attached to job");
            String jobId = attached.replaceAll("(?s).*attached to job ([0-9a-f-]{36}).*", "$1");
            tmux.type("a", "before");
            tmux.keys("a", "Enter");
            tmux.await("a", "echo:before");

            daemon.kill();
            daemon.restart();

            String screen = tmux.await("a", "reconnected to the daemon");
            assertThat(screen).contains("lost the daemon");
            assertThat(tmux.awaitExit("a")).as("the restart lost the job").isEqualTo(1);
            assertThat(tmux.screen("a")).contains("job " + jobId + " lost");
        }
    }

    @Test
    void withoutADaemonToComeBackTailSaysHowToGoOn(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase());
        daemon.addProject("vm", "quick:\n\t@echo done\n");
        String jobId = daemon.run("run", "-d", "vm", "quick").out().strip();
        daemon.run("tail", jobId);
        daemon.kill();
        var result = daemon.run("tail", jobId);
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err())
                .as("a command that starts with no daemon fails at once, as before")
                .contains("cannot reach the vmo daemon")
                .doesNotContain("reconnecting");
    }
}
