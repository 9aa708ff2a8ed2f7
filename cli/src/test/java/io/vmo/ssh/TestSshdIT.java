package io.vmo.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The SSH test harness works: OpenSSH's own client gets through to its sshds the ways the feature will. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestSshdIT {

    Path tmp;
    SshFixture ssh;
    SshClientHome client;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        this.tmp = tmp;
        long started = System.nanoTime();
        ssh = SshFixture.start(tmp);
        client = ssh.client();
        System.out.printf("three sshds and a client home ready in %d ms%n", (System.nanoTime() - started) / 1_000_000);
    }

    @AfterAll
    void stop() throws Exception {
        if (ssh != null) {
            ssh.close();
        }
    }

    @Test
    void aCommandsBytesComeBackExactly() throws Exception {
        var result = client.run(SshFixture.BOX, "--", "printf 'a\\0b'");

        assertThat(result.exitCode()).as("%s\n%s", result, ssh.logs()).isZero();
        assertThat(result.stdout()).containsExactly('a', 0, 'b');
        assertThat(result.err()).isEmpty();
        assertThat(ssh.box().log()).contains("Accepted publickey for " + SshClientHome.user() + " from 127.0.0.1");
    }

    @Test
    void theExitStatusIsTheCommands() throws Exception {
        var result = client.run(SshFixture.BOX, "--", "exit 7");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(7);
    }

    @Test
    void stderrStaysApartFromStdout() throws Exception {
        var result = client.run(SshFixture.BOX, "--", "echo out; echo err >&2; exit 3");

        assertThat(result.out()).as("%s", result).isEqualTo("out\n");
        assertThat(result.err()).isEqualTo("err\n");
        assertThat(result.exitCode()).isEqualTo(3);
    }

    @Test
    void proxyJumpGoesThroughTheJumpHost() throws Exception {
        String jumpLog = ssh.jump().log();
        String innerLog = ssh.inner().log();

        var result = client.run(SshFixture.INNER, "--", "echo inner");

        assertThat(result.exitCode()).as("%s\n%s", result, ssh.logs()).isZero();
        assertThat(result.out()).isEqualTo("inner\n");
        // The jump sshd authenticated the client and opened the TCP connection to the inner one for it.
        assertThat(ssh.jump().log().substring(jumpLog.length()))
                .contains("Accepted publickey for " + SshClientHome.user())
                .contains("server_request_direct_tcpip: originator 127.0.0.1 port 65535, target 127.0.0.1 port "
                        + ssh.inner().port());
        assertThat(ssh.inner().log().substring(innerLog.length()))
                .contains("Accepted publickey for " + SshClientHome.user());
    }

    @Test
    void withoutForwardingOnTheJumpHostTheInnerHostIsOutOfReach() throws Exception {
        try (TestSshd closed = TestSshd.start(tmp.resolve("closed-jump"), "AllowTcpForwarding no")) {
            closed.authorize(client.identity().publicKey());
            client.trust(closed).host("closed-jump", closed);

            var result = client.run("-o", "ProxyJump=closed-jump", SshFixture.INNER, "--", "echo inner");

            assertThat(result.exitCode()).as("%s", result).isEqualTo(255);
            assertThat(result.out()).isEmpty();
            assertThat(closed.log()).contains("Accepted publickey for " + SshClientHome.user());
        }
    }

    @Test
    void anUnknownHostKeyIsRefused() throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty_known_hosts"), "");

        var result = client.run(
                "-o",
                "UserKnownHostsFile=" + empty,
                "-o",
                "StrictHostKeyChecking=yes",
                SshFixture.BOX,
                "--",
                "echo reached");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(255);
        assertThat(result.out()).isEmpty();
        assertThat(result.err()).contains("Host key verification failed");
    }

    @Test
    void aChangedHostKeyIsRefused() throws Exception {
        var impostor = SshKeys.ed25519(tmp.resolve("impostor_key"), "", "impostor");
        Path wrong = Files.writeString(
                tmp.resolve("wrong_known_hosts"),
                "[127.0.0.1]:" + ssh.box().port() + " " + impostor.typeAndKey() + "\n");

        var result = client.run("-o", "UserKnownHostsFile=" + wrong, SshFixture.BOX, "--", "echo reached");

        assertThat(result.exitCode()).as("%s", result).isEqualTo(255);
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .contains("REMOTE HOST IDENTIFICATION HAS CHANGED")
                .contains(ssh.box().hostKey().fingerprint());
    }

    @Test
    void knownHostsEntryIsWhatOpenSshWrites() throws Exception {
        Path fresh = tmp.resolve("fresh_known_hosts");

        var result = client.run(
                "-o",
                "UserKnownHostsFile=" + fresh,
                "-o",
                "StrictHostKeyChecking=accept-new",
                SshFixture.BOX,
                "--",
                "true");

        assertThat(result.exitCode()).as("%s", result).isZero();
        assertThat(Files.readString(fresh)).isEqualTo(ssh.box().knownHostsEntry() + "\n");
    }

    @Test
    void sshResolvesAliasesAsConfigured() throws Exception {
        var inner = client.resolve(SshFixture.INNER);
        assertThat(inner.get("hostname")).containsExactly("127.0.0.1");
        assertThat(inner.get("port")).containsExactly(String.valueOf(ssh.inner().port()));
        assertThat(inner.get("user")).containsExactly(SshClientHome.user());
        assertThat(inner.get("proxyjump")).containsExactly(SshFixture.JUMP);
        assertThat(inner.get("identityfile"))
                .containsExactly(client.identity().privateKey().toString());
        assertThat(inner.get("userknownhostsfile"))
                .containsExactly(client.knownHosts().toString());

        // Host *.test and the Include'd file both lead to box.
        for (String alias : new String[] {SshFixture.WILDCARD_EXAMPLE, SshFixture.INCLUDED}) {
            var resolved = client.resolve(alias);
            assertThat(resolved.get("hostname")).as(alias).containsExactly("127.0.0.1");
            assertThat(resolved.get("port"))
                    .as(alias)
                    .containsExactly(String.valueOf(ssh.box().port()));
            assertThat(resolved.get("proxyjump")).as(alias).isNull();
            var result = client.run(alias, "--", "echo via " + alias);
            assertThat(result.out()).as("%s", result).isEqualTo("via " + alias + "\n");
        }
    }

    @Test
    void theLockedKeyNeedsItsPassphrase() throws Exception {
        // BatchMode: ssh cannot ask for the passphrase, so it cannot use the key.
        var result = client.run(SshFixture.LOCKED, "--", "echo reached");
        assertThat(result.exitCode()).as("%s", result).isEqualTo(255);
        assertThat(result.err()).contains("Permission denied (publickey)");

        var wrong = SshClientHome.Result.of(new ProcessBuilder(
                "ssh-keygen",
                "-y",
                "-P",
                "wrong",
                "-f",
                ssh.lockedKey().privateKey().toString()));
        assertThat(wrong.exitCode()).as("%s", wrong).isNotZero();
        var right = SshClientHome.Result.of(new ProcessBuilder(
                "ssh-keygen",
                "-y",
                "-P",
                SshFixture.PASSPHRASE,
                "-f",
                ssh.lockedKey().privateKey().toString()));
        assertThat(right.out().strip())
                .as("%s", right)
                .isEqualTo(ssh.lockedKey().publicKey());
    }

    @Test
    void theClientFilesAreAsSshWantsThem() throws Exception {
        assertThat(Files.getPosixFilePermissions(client.sshDir()))
                .containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("rwx------"));
        assertThat(Files.getPosixFilePermissions(client.identity().privateKey()))
                .containsExactlyInAnyOrderElementsOf(PosixFilePermissions.fromString("rw-------"));
        assertThat(Files.readString(client.identity().privateKey())).startsWith("-----BEGIN OPENSSH PRIVATE KEY-----");
    }
}
