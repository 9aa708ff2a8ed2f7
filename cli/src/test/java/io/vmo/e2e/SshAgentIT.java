package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.ssh.SshClientHome;
import io.vmo.ssh.SshFixture;
import io.vmo.ssh.SshKeys;
import io.vmo.ssh.TestSshAgent;
import io.vmo.ssh.TestSshd;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote jobs of a daemon whose environment has SSH_AUTH_SOCK: a real ssh-agent holds the passphrase-protected key
 * (unlocked with ssh-add) and a key whose files are gone, so only the agent can log in with them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class SshAgentIT {

    SshFixture ssh;
    TestSshd vault;
    TestSshAgent agent;
    TestSshAgent emptyAgent;
    SshKeys.KeyPair agentOnly;
    SshKeys.KeyPair agentRsa;
    TestDaemon daemon;

    @BeforeAll
    void start(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        ssh = SshFixture.start(tmp.resolve("ssh"));
        SshClientHome home = ssh.client();

        // vault lets in only a key that exists nowhere but in the agent.
        vault = TestSshd.start(tmp.resolve("vault"));
        agentOnly = SshKeys.ed25519(tmp.resolve("elsewhere/id_agent_only"), "", "agent-only");
        vault.authorize(agentOnly.publicKey());
        home.trust(vault);

        agent = TestSshAgent.start(tmp.resolve("agent"));
        agent.add(ssh.lockedKey(), SshFixture.PASSPHRASE);
        agent.add(agentOnly, null);
        Files.delete(agentOnly.privateKey());
        Files.delete(agentOnly.publicKeyFile());
        // RSA: the agent must sign with SHA-2 (OpenSSH refuses ssh-rsa/SHA-1). Only its .pub stays, which an
        // IdentityFile may name to pick the agent's key, as with ssh.
        agentRsa = SshKeys.rsa(tmp.resolve("elsewhere/id_agent_rsa"), "", "agent-rsa");
        vault.authorize(agentRsa.publicKey());
        agent.add(agentRsa, null);
        Files.delete(agentRsa.privateKey());
        emptyAgent = TestSshAgent.start(tmp.resolve("empty-agent"));

        String vaultHost = "    HostName " + TestSshd.HOST + "\n    Port " + vault.port() + "\n    User "
                + SshClientHome.user() + "\n";
        home.block(
                "Host vault\n" + vaultHost + "    IdentityFile " + home.sshDir().resolve("id_absent") + "\n");
        home.block("Host vault-strict\n" + vaultHost + "    IdentitiesOnly yes\n    IdentityFile "
                + home.identity().privateKey() + "\n");
        home.block("Host vault-rsa\n" + vaultHost + "    IdentitiesOnly yes\n    IdentityFile "
                + agentRsa.publicKeyFile() + "\n");
        home.host("locked-elsewhere", ssh.box(), ssh.lockedKey(), "IdentityAgent " + emptyAgent.socket());

        Files.createDirectories(home.home().resolve(".config/vmo"));
        Files.writeString(home.home().resolve(".config/vmo/config.yml"), "ssh_config: " + home.config() + "\n");
        daemon = TestDaemon.start(
                home.home(),
                postgres.newDatabase(),
                Map.of("SSH_AUTH_SOCK", agent.socket().toString()));
    }

    @AfterAll
    void stop() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        for (AutoCloseable closeable : new AutoCloseable[] {agent, emptyAgent, vault, ssh}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void aPassphraseProtectedKeyLogsInThroughTheAgent() throws Exception {
        var result = daemon.run("ssh", SshFixture.LOCKED, "--", "echo", "unlocked by the agent");

        assertThat(result.exitCode()).as(result + ssh.logs()).isZero();
        assertThat(result.out()).isEqualTo("unlocked by the agent\n");
        assertThat(ssh.box().log())
                .contains("Accepted publickey for " + SshClientHome.user())
                .contains("ED25519 " + ssh.lockedKey().fingerprint());
    }

    @Test
    void theAgentsOtherKeysAreOfferedToo() throws Exception {
        assertThat(agentOnly.privateKey()).doesNotExist();

        var result = daemon.run("ssh", "vault", "--", "echo", "with a key only the agent has");

        assertThat(result.exitCode()).as(result + vault.log()).isZero();
        assertThat(result.out()).isEqualTo("with a key only the agent has\n");
        assertThat(vault.log()).contains("ED25519 " + agentOnly.fingerprint());
    }

    @Test
    void anRsaKeyInTheAgentSignsWithSha2() throws Exception {
        var result = daemon.run("ssh", "vault-rsa", "--", "echo", "rsa through the agent");

        assertThat(result.exitCode()).as(result + vault.log()).isZero();
        assertThat(result.out()).isEqualTo("rsa through the agent\n");
        assertThat(vault.log()).contains("RSA " + agentRsa.fingerprint());
    }

    @Test
    void identitiesOnlyKeepsTheAgentsOtherKeysBack() throws Exception {
        int accepted = count(vault.log(), "Accepted publickey");

        var result = daemon.run("ssh", "vault-strict", "--", "echo", "should not run");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.out()).isEmpty();
        assertThat(result.err())
                .contains("refused the login")
                .contains("id_ed25519")
                .doesNotContain("agent-only");
        // vault would have let the agent's key in: it was not offered.
        assertThat(count(vault.log(), "Accepted publickey")).isEqualTo(accepted);
    }

    @Test
    void anAgentWithoutThePassphraseProtectedKeySaysToAddIt() throws Exception {
        var result = daemon.run("ssh", "locked-elsewhere", "--", "true");

        assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
        assertThat(result.err())
                .contains("passphrase-protected")
                .contains(emptyAgent.socket().toString())
                .contains("does not hold it")
                .contains("ssh-add");
    }

    @Test
    void identityFilesStillWorkBesideTheAgent() throws Exception {
        var result = daemon.run("ssh", SshFixture.BOX, "--", "echo", "from the file");

        assertThat(result.exitCode()).as(result + ssh.logs()).isZero();
        assertThat(ssh.box().log())
                .contains("ED25519 " + ssh.client().identity().fingerprint());
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
