package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.ssh.SshClientHome;
import io.vmo.ssh.SshFixture;
import io.vmo.ssh.SshKeys;
import io.vmo.ssh.TestSshd;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
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
    SharedPostgres postgres;
    Path tmp;

    @BeforeAll
    void start(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        this.postgres = postgres;
        ssh = SshFixture.start(tmp.resolve("ssh"));
        SshClientHome home = ssh.client();
        Files.createDirectories(home.home().resolve(".config/vmo"));
        Files.writeString(
                home.home().resolve(".config/vmo/config.yml"),
                "ssh_config: " + home.config() + "\n"
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
        var result =
                daemon.run("ssh", "box", "--", "sh", "-c", "printf 'out\\0x'; printf 'it'\\''s \\377\\n' >&2; exit 7");

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
        String jobId = daemon.run(
                        "ssh",
                        "-d",
                        "box",
                        "--",
                        "sh",
                        "-c",
                        "sleep " + REMOTE_SLEEP + " & sleep " + REMOTE_SLEEP + "; echo never")
                .out()
                .strip();
        assertThat(Processes.awaitSleeps(REMOTE_SLEEP, 2, 20_000))
                .as("the remote sleeps start")
                .hasSize(2);

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
            assertThat(result.err())
                    .contains("[127.0.0.1]:" + stranger.port())
                    .contains("is not in")
                    .contains("SHA256:")
                    .contains("failed");
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
                assertThat(daemon.run("ssh", "shared", "--", "echo", "job " + i).out())
                        .isEqualTo("job " + i + "\n");
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
        String jobId = daemon.run("ssh", "-d", "doomed", "--", "sh", "-c", "echo started; sleep " + REMOTE_SLEEP)
                .out()
                .strip();
        StoredJob.awaitStdout(databaseUrl, jobId, "started");

        doomed.close(); // the server and its sessions die: the TCP connection drops

        var tail = daemon.run("tail", jobId);
        assertThat(tail.exitCode()).as(tail.toString()).isEqualTo(1);
        assertThat(tail.out()).isEqualTo("started\n");
        assertThat(tail.err()).contains("connection");
        assertThat(StoredJob.read(databaseUrl, jobId).status()).isEqualTo("failed");
    }

    @Test
    void theHostKeyIsLookedUpUnderItsHostKeyAlias() throws Exception {
        try (TestSshd aliased = TestSshd.start(tmp.resolve("aliased"))) {
            aliased.authorize(ssh.client().identity().publicKey());
            ssh.client()
                    .trust("vm-key-alias " + aliased.hostKeyLine())
                    .host("aliased", aliased, "HostKeyAlias vm-key-alias")
                    .host("misaliased", aliased, "HostKeyAlias unknown-alias");
            // OpenSSH itself finds the key under the alias alone, with no [host]:port.
            var openssh = ssh.client().run("aliased", "--", "true");
            assertThat(openssh.exitCode()).as(openssh.toString()).isZero();

            var result = daemon.run("ssh", "aliased", "--", "echo", "known by its alias");
            var refused = daemon.run("ssh", "misaliased", "--", "true");

            assertThat(result.exitCode()).as(result + aliased.log()).isZero();
            assertThat(result.out()).isEqualTo("known by its alias\n");
            assertThat(refused.exitCode()).isEqualTo(1);
            assertThat(refused.err())
                    .contains("unknown-alias")
                    .contains("HostKeyAlias")
                    .contains("is not in");
        }
    }

    @Test
    void anIdleConnectionIsClosedAndReopenedWhenNeeded() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("idle-home/.config/vmo"))
                .getParent()
                .getParent();
        Files.writeString(
                home.resolve(".config/vmo/config.yml"),
                "ssh_config: " + ssh.client().config() + "\n");
        try (TestSshd idle = TestSshd.start(tmp.resolve("idle"));
                TestDaemon quick = TestDaemon.start(home, postgres.newDatabase(), "--ssh-idle", "1")) {
            idle.authorize(ssh.client().identity().publicKey());
            ssh.client().trust(idle).host("idle", idle);

            assertThat(quick.run("ssh", "idle", "--", "echo", "first").out()).isEqualTo("first\n");
            long deadline = System.currentTimeMillis() + 15_000;
            while (!idle.log().contains("Disconnected from user")) {
                assertThat(System.currentTimeMillis())
                        .as("vmo closes the idle connection; sshd log:\n%s", idle.log())
                        .isLessThan(deadline);
                Thread.sleep(100);
            }
            assertThat(quick.run("ssh", "idle", "--", "echo", "second").out()).isEqualTo("second\n");

            assertThat(count(idle.log(), "Accepted publickey")).isEqualTo(2);
        }
    }

    @Test
    void aVmThatDoesNotAnswerHoldsUpNoOtherVm() throws Exception {
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName(TestSshd.HOST));
                TestSshd other = TestSshd.start(tmp.resolve("other"))) {
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // and never say a word
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            other.authorize(ssh.client().identity().publicKey());
            ssh.client()
                    .trust(other)
                    .host("other", other)
                    .block("Host silent\n    HostName " + TestSshd.HOST
                            + "\n    Port " + silent.getLocalPort() + "\n    IdentityFile "
                            + ssh.client().identity().privateKey() + "\n");
            String stuck = daemon.run("ssh", "-d", "silent", "--", "true").out().strip();
            long deadline = System.currentTimeMillis() + 10_000;
            while (accepted.isEmpty()) {
                assertThat(System.currentTimeMillis())
                        .as("vmo connects to the silent port")
                        .isLessThan(deadline);
                Thread.sleep(20);
            }

            var elsewhere = CompletableFuture.supplyAsync(() -> {
                        try {
                            return daemon.run("ssh", "other", "--", "echo", "not held up");
                        } catch (IOException | InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    })
                    .get(60, TimeUnit.SECONDS);

            assertThat(elsewhere.out()).as(elsewhere.toString()).isEqualTo("not held up\n");
            assertThat(StoredJob.read(databaseUrl, stuck).status())
                    .as("the silent VM's job is still connecting")
                    .isEqualTo("running");
            var tail = daemon.run("tail", stuck);
            assertThat(tail.exitCode()).isEqualTo(1);
            assertThat(tail.err()).contains("silent").contains("no SSH greeting");
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
        }
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
