package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The real CLI in real terminals (tmux): run -i, resize, Ctrl-C to the program, detach, reattach, two viewers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class TerminalCliIT {

    String databaseUrl;
    TestDaemon daemon;
    Tmux tmux;

    @BeforeAll
    void start(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        databaseUrl = postgres.newDatabase();
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve(".config/vmo"));
        Files.writeString(home.resolve(".config/vmo/config.yml"), "interactive:\n  vm: [echoer]\n");
        daemon = TestDaemon.start(home, databaseUrl);
        daemon.addProject("vm", """
                ask:
                \t@printf 'size? '; read answer; echo "got $$answer"; stty size
                fail:
                \t@printf 'continue? '; read answer; exit 3
                sizes:
                \t@while read line; do [ "$$line" = q ] && exit 0; echo "size:$$(stty size)"; done
                echoer:
                \t@while read line; do echo "echo:$$line"; [ "$$line" = bye ] && exit 0; done
                ctrlc:
                \t@exec sh -c 'trap "echo caught-int; exit 0" INT; echo ready; while :; do sleep 0.1; done'
                """);
        tmux = new Tmux(tmp.resolve("tmux"), daemon.cli());
    }

    @AfterAll
    void stop() throws Exception {
        tmux.close();
        daemon.close();
    }

    static List<String> vmo(String... args) {
        return Vmo.argv(args);
    }

    @Test
    void runDashIAnswersAPromptAtTheTerminalsSize() throws Exception {
        tmux.start("ask", 100, 30, vmo("run", "-i", "vm", "ask"));
        String screen = tmux.await("ask", "size? ");
        assertThat(screen).contains("detach with Ctrl-] then d");

        tmux.type("ask", "large");
        tmux.keys("ask", "Enter");

        assertThat(tmux.awaitExit("ask")).isZero();
        assertThat(tmux.screen("ask"))
                .contains("size? large")
                .contains("got large")
                .contains("30 100");
    }

    @Test
    void theProgramsExitCodeIsVmos() throws Exception {
        tmux.start("fail", 80, 24, vmo("run", "-i", "vm", "fail"));
        tmux.await("fail", "continue? ");
        tmux.keys("fail", "n", "Enter");
        assertThat(tmux.awaitExit("fail")).as("make's code for a failed recipe").isEqualTo(2);
    }

    @Test
    void ctrlCGoesToTheProgramNotToVmo() throws Exception {
        tmux.start("ctrlc", 80, 24, vmo("run", "-i", "vm", "ctrlc"));
        tmux.await("ctrlc", "ready");
        tmux.keys("ctrlc", "C-c");
        String screen = tmux.await("ctrlc", "caught-int");
        assertThat(screen).doesNotContain("canceling job");
        tmux.awaitExit("ctrlc");
    }

    @Test
    void resizeDetachAndReattachFromAnotherTerminal() throws Exception {
        tmux.start("first", 100, 30, vmo("run", "-i", "vm", "sizes"));
        tmux.await("first", "attached to job");
        tmux.keys("first", "Enter");
        tmux.await("first", "size:30 100");

        tmux.resize("first", 120, 40);
        Thread.sleep(300); // SIGWINCH reaches vmo, vmo sends resize
        tmux.keys("first", "Enter");
        tmux.await("first", "size:40 120");

        tmux.keys("first", "C-]", "d");
        String detached = tmux.await("first", "detached from job");
        assertThat(tmux.awaitExit("first")).isZero();
        String jobId = detached.replaceAll("(?s).*detached from job ([0-9a-f-]{36}).*", "$1");
        assertThat(daemon.run("jobs").out())
                .containsPattern(jobId.substring(0, 8) + " +running +owner +cli/\\S+ \\S+ +vm sizes \\[interactive\\]");

        var noTerminal = daemon.run("attach", jobId);
        assertThat(noTerminal.exitCode()).isEqualTo(2); // a vmo error, as for every command
        assertThat(noTerminal.err()).contains("needs a terminal");

        tmux.start("second", 90, 25, vmo("attach", jobId.substring(0, 8)));
        tmux.await("second", "size:40 120"); // redrawn from the recorded output
        tmux.keys("second", "Enter");
        tmux.await("second", "size:25 90");
        tmux.type("second", "q");
        tmux.keys("second", "Enter");
        assertThat(tmux.awaitExit("second")).isZero();
        assertThat(StoredJob.read(databaseUrl, jobId).status()).isEqualTo("success");
    }

    @Test
    void twoTerminalsOnOneJobSeeTheSameAndBothType() throws Exception {
        // echoer is marked interactive in config.yml: no -i needed.
        tmux.start("a", 80, 24, vmo("run", "vm", "echoer"));
        String screen = tmux.await("a", "attached to job");
        String jobId = screen.replaceAll("(?s).*attached to job ([0-9a-f-]{36}).*", "$1");
        tmux.start("b", 80, 24, vmo("attach", jobId));
        tmux.await("b", "attached to job");

        tmux.type("b", "from-b");
        tmux.keys("b", "Enter");
        tmux.await("a", "echo:from-b");
        tmux.await("b", "echo:from-b");
        tmux.type("a", "bye");
        tmux.keys("a", "Enter");

        assertThat(tmux.awaitExit("a")).isZero();
        assertThat(tmux.awaitExit("b")).isZero();
        assertThat(tmux.screen("b")).contains("echo:bye");
    }

    @Test
    void attachNewWindowOpensTheConfiguredTerminalAttached() throws Exception {
        String jobId = daemon.run("run", "-d", "vm", "echoer").out().strip();
        String terminal = tmux.commandLine() + " new-session -d -s window -x 80 -y 24";

        var result = Vmo.run(Vmo.command(
                daemon.home(),
                Map.of("VMO_DAEMON", daemon.address(), "VMO_TERMINAL", terminal),
                List.of("attach", "--new-window", jobId.substring(0, 8))));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        tmux.await("window", "attached to job " + jobId);
        tmux.type("window", "bye");
        tmux.keys("window", "Enter");
        long deadline = System.currentTimeMillis() + 20_000;
        while (!StoredJob.read(databaseUrl, jobId).status().equals("success")) {
            assertThat(System.currentTimeMillis()).as("the job ends").isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
