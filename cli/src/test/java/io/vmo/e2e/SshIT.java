package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.ssh.SshClientHome;
import io.vmo.ssh.SshFixture;
import io.vmo.ssh.SshKeys;
import io.vmo.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Remote jobs against real OpenSSH servers on loopback, resolved from a real ssh config. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class SshIT {

    static final String REMOTE_SLEEP = "31341";

    SshFixture ssh;
    TestDaemon daemon;
    String databaseUrl;
    Path tmp;

    @BeforeAll
    void start(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        ssh = SshFixture.start(tmp.resolve("ssh"));
        SshClientHome home = ssh.client();
        Files.createDirectories(home.home().resolve(".config/vmo"));
        Files.writeString(home.home().resolve(".config/vmo/config.yml"), "ssh_config: " + home.config() + "\n"
                + "log_presets:\n  box:\n    greeting: [echo, hello from a preset]\n");
        databaseUrl = postgres.newDatabase();
        daemon = TestDaemon.start(home.home(), databaseUrl);
    }

    @AfterEach
    void killLeftovers() {
        Processes.killSleeps(REMOTE_SLEEP);
    }

    @AfterAll
    void stop() throws Exception {
        daemon.close();
        ssh.close();
    }

    @Test
    void aRemoteCommandStreamsLikeALocalJob() throws Exception {
        var result = daemon.run("ssh", "box", "--", "sh", "-c", "printf 'out\\0x'; printf 'it'\\''s \\377\\n' >&2; exit 7");

        assertThat(result.exitCode()).as(result + ssh.logs()).isEqualTo(7);
        assertThat(result.stdout()).isEqualTo(new byte[] {'o', 'u', 't', 0, 'x'});
        assertThat(result.err()).startsWith("it's \uFFFD\n");
        String jobId = jobIdIn(result.err());
        StoredJob stored = StoredJob.read(databaseUrl, jobId);
        assertThat(stored.status()).isEqualTo("failed");
        assertThat(stored.exitCode()).isEqualTo(7);
        assertThat(stored.bytes("stdout")).isEqualTo(new byte[] {'o', 'u', 't', 0, 'x'});
        assertThat(stored.bytes("stderr")).isEqualTo(new byte[] {'i', 't', '\'', 's', ' ', (byte) 0xff, '\n'});
        assertThat(daemon.run("jobs", "-n", "1").out()).contains("box: sh -c");
    }

    @Test
    void argumentsAreNeverInterpretedByAShell() throws Exception {
        var result = daemon.run("ssh", "box", "--", "printf", "%s|", "$(id)", "a b", ";", "*");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("$(id)|a b|;|*|");
    }

    @Test
    void aJumpHostIsUsedAsTheSshConfigSays() throws Exception {
        var result = daemon.run("ssh", "inner", "--", "echo", "through the jump");
        assertThat(result.exitCode()).as(result + ssh.logs()).isZero();
        assertThat(result.out()).isEqualTo("through the jump\n");
        assertThat(ssh.jump().log()).contains("127.0.0.1 port " + ssh.inner().port());
    }

    @Test
    void cancelLeavesNoRemoteProcess() throws Exception {
        String jobId = daemon.run("ssh", "-d", "box", "--", "sh", "-c",
                "sleep " + REMOTE_SLEEP + " & sleep " + REMOTE_SLEEP + "; echo never").out().strip();
        long deadline = System.currentTimeMillis() + 20_000;
        while (Processes.sleeps(REMOTE_SLEEP).size() < 2) {
            assertThat(System.currentTimeMillis()).as("the remote sleeps start").isLessThan(deadline);
            Thread.sleep(50);
        }

        var cancel = daemon.run("cancel", jobId);

        assertThat(cancel.out()).as(cancel.toString()).isEqualTo("job " + jobId + " canceled\n");
        assertThat(Processes.awaitNoSleeps(REMOTE_SLEEP, 5_000)).isEmpty();
        assertThat(StoredJob.read(databaseUrl, jobId).status()).isEqualTo("canceled");
    }

    @Test
    void anUnknownHostKeyFailsTheJobNamingHostAndFingerprint() throws Exception {
        try (TestSshd stranger = TestSshd.start(tmp.resolve("stranger"))) {
            stranger.authorize(ssh.client().identity().publicKey());
            ssh.client().host("stranger", stranger);

            var result = daemon.run("ssh", "stranger", "--", "echo", "should not run");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.out()).isEmpty();
            assertThat(result.err()).contains("[127.0.0.1]:" + stranger.port()).contains("is not in")
                    .contains("SHA256:").contains("failed");
            assertThat(stranger.log()).doesNotContain("Accepted publickey");
        }
    }

    @Test
    void aChangedHostKeyIsRefusedAsSuch() throws Exception {
        try (TestSshd moved = TestSshd.start(tmp.resolve("moved"))) {
            moved.authorize(ssh.client().identity().publicKey());
            SshKeys.KeyPair impostor = SshKeys.ed25519(tmp.resolve("impostor-key"), "", "impostor");
            ssh.client().trust("[127.0.0.1]:" + moved.port() + " " + impostor.publicKey());
            ssh.client().host("moved", moved);

            var result = daemon.run("ssh", "moved", "--", "true");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).contains("CHANGED").contains("ssh-keygen -R");
        }
    }

    @Test
    void aPassphraseProtectedKeyWithoutAgentSaysSo() throws Exception {
        var result = daemon.run("ssh", SshFixture.LOCKED, "--", "true");
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).contains("passphrase-protected").contains("ssh-agent");
    }

    @Test
    void jobsOnOneVmShareOneConnection() throws Exception {
        try (TestSshd shared = TestSshd.start(tmp.resolve("shared"))) {
            shared.authorize(ssh.client().identity().publicKey());
            ssh.client().trust(shared).host("shared", shared);
            for (int i = 0; i < 3; i++) {
                assertThat(daemon.run("ssh", "shared", "--", "echo", "job " + i).out()).isEqualTo("job " + i + "\n");
            }
            assertThat(count(shared.log(), "Accepted publickey")).isEqualTo(1);
        }
    }

    @Test
    void logsRunsDockerLogsRemotely() throws Exception {
        // No docker engine on the test VM (maybe not even its client): the point is what ran there, and that
        // its failure comes back as the job's, with docker's own exit code and message.
        var result = daemon.run("logs", "box", "web");
        assertThat(result.exitCode()).as(result.toString()).isNotZero().isNotEqualTo(2);
        assertThat(result.err().toLowerCase()).contains("docker");
        assertThat(daemon.run("jobs", "-n", "1").out()).contains("box: docker logs -- web");
    }

    @Test
    void aLogPresetOfTheVmRunsItsCommand() throws Exception {
        var result = daemon.run("logs", "box", "greeting");
        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.out()).isEqualTo("hello from a preset\n");
        assertThat(daemon.run("vms", "--json").out()).contains("\"presets\":{\"greeting\":[\"echo\"");
    }

    @Test
    void aDroppedConnectionFailsTheJobNamingTheCause() throws Exception {
        TestSshd doomed = TestSshd.start(tmp.resolve("doomed"));
        doomed.authorize(ssh.client().identity().publicKey());
        ssh.client().trust(doomed).host("doomed", doomed);
        String jobId = daemon.run("ssh", "-d", "doomed", "--", "sh", "-c",
                "echo started; sleep " + REMOTE_SLEEP).out().strip();
        StoredJob.awaitStdout(databaseUrl, jobId, "started");

        doomed.close(); // the server and its sessions die: the TCP connection drops

        var tail = daemon.run("tail", jobId);
        assertThat(tail.exitCode()).as(tail.toString()).isEqualTo(1);
        assertThat(tail.out()).isEqualTo("started\n");
        assertThat(tail.err()).contains("connection");
        assertThat(StoredJob.read(databaseUrl, jobId).status()).isEqualTo("failed");
    }

    private static String jobIdIn(String stderr) {
        Matcher m = Pattern.compile("job ([0-9a-f-]{36})").matcher(stderr);
        assertThat(m.find()).as(stderr).isTrue();
        return m.group(1);
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
