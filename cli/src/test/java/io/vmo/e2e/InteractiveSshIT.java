package io.vmo.e2e;

import static io.vmo.e2e.TerminalClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.JobStatus;
import io.vmo.protocol.Response;
import io.vmo.ssh.SshClientHome;
import io.vmo.ssh.SshFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Interactive jobs on a VM: an SSH channel with a PTY on a real OpenSSH server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class InteractiveSshIT {

    static final String REMOTE_SLEEP = "31361";

    SshFixture ssh;
    TestDaemon daemon;
    String databaseUrl;
    Tmux tmux;

    @BeforeAll
    void start(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        ssh = SshFixture.start(tmp.resolve("ssh"));
        SshClientHome home = ssh.client();
        Files.createDirectories(home.home().resolve(".config/vmo"));
        Files.writeString(home.home().resolve(".config/vmo/config.yml"), "ssh_config: " + home.config() + "\n");
        databaseUrl = postgres.newDatabase();
        daemon = TestDaemon.start(home.home(), databaseUrl);
        tmux = new Tmux(tmp.resolve("tmux"), daemon.cli());
    }

    @AfterEach
    void killLeftovers() {
        Processes.killSleeps(REMOTE_SLEEP);
    }

    @AfterAll
    void stop() throws Exception {
        tmux.close();
        daemon.close();
        ssh.close();
    }

    static String execute(String extra) {
        return "{\"v\":1,\"type\":\"execute-command\",\"id\":\"x\",\"vm\":\"box\",\"interactive\":true" + extra + "}";
    }

    @Test
    void aRemoteCommandInATerminalAnswersResizesAndExitsWithItsCode() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            String script =
                    "printf 'name? '; read name; echo \"hello $name\"; stty size; read again; stty size;" + " exit 4";
            Response.JobStarted started = client.call(
                    execute(",\"cols\":90,\"rows\":20,\"command\":[\"sh\",\"-c\"," + json(script) + "]"),
                    Response.JobStarted.class);
            assertThat(started.job().interactive()).isTrue();
            assertThat(started.job().kind()).isEqualTo("ssh");
            String jobId = started.job().id();
            client.call(
                    "{\"v\":1,\"type\":\"attach-job\",\"id\":\"a\",\"jobId\":" + json(jobId) + "}",
                    Response.JobJoined.class);
            client.awaitScreen("name? ");

            client.stdin(jobId, "vmo\r");
            client.awaitScreen("hello vmo\r\n");
            client.awaitScreen("20 90\r\n");
            client.resize(jobId, 111, 33).stdin(jobId, "\r");
            client.awaitScreen("33 111\r\n");

            Response.JobDone done = client.awaitDone();
            assertThat(done.status()).isEqualTo(JobStatus.FAILED);
            assertThat(done.exitCode()).isEqualTo(4);
            StoredJob stored = StoredJob.read(databaseUrl, jobId);
            assertThat(stored.text("pty")).startsWith("name? ").contains("hello vmo"); // the wrapper's pid line is not
            assertThat(stored.events()).anySatisfy(e -> assertThat(e.stream()).isEqualTo("input"));
        }
    }

    @Test
    void aLoginShellRunsCommandsAndCancelLeavesNoRemoteProcess() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            String jobId =
                    client.call(execute(""), Response.JobStarted.class).job().id();
            client.call(
                    "{\"v\":1,\"type\":\"attach-job\",\"id\":\"a\",\"jobId\":" + json(jobId)
                            + ",\"cols\":100,\"rows\":30}",
                    Response.JobJoined.class);

            client.stdin(jobId, "echo $((6*7))-answer\r");
            client.awaitScreen("42-answer");
            // A job-control shell puts each job in a process group of its own; one ignores the polite signals.
            client.stdin(
                    jobId,
                    "sleep " + REMOTE_SLEEP + " & (trap '' HUP TERM; sleep " + REMOTE_SLEEP
                            + ") & echo started-both\r");
            client.awaitScreen("started-both\r\n");
            assertThat(Processes.awaitSleeps(REMOTE_SLEEP, 2, 10_000))
                    .as("the remote sleeps start")
                    .hasSize(2);

            Response.JobDone done = client.call(
                    "{\"v\":1,\"type\":\"cancel-job\",\"id\":\"c\",\"jobId\":" + json(jobId) + "}",
                    Response.JobDone.class);

            assertThat(done.status()).isEqualTo(JobStatus.CANCELED);
            assertThat(Processes.awaitNoSleeps(REMOTE_SLEEP, 5_000)).isEmpty();
        }
    }

    @Test
    void vmoSshDashIOpensAShellInThisTerminal() throws Exception {
        tmux.start("shell", 100, 30, Vmo.argv("ssh", "-i", "box"));
        tmux.await("shell", "attached to job");
        tmux.type("shell", "stty size; exit 6");
        tmux.keys("shell", "Enter");
        assertThat(tmux.awaitExit("shell")).isEqualTo(6);
        assertThat(tmux.screen("shell")).contains("30 100");
    }
}
