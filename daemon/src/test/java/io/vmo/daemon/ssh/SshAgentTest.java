package io.vmo.daemon.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.hierynomus.sshj.key.KeyAlgorithms;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.signature.Signature;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The agent client against OpenSSH's own ssh-agent, holding keys loaded with ssh-add. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshAgentTest {

    static final String PASSPHRASE = "agent passphrase";

    Path dir;
    Process agentProcess;
    SshAgent agent;
    byte[] ed25519;
    byte[] rsa;

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        this.dir = dir;
        Path socket = dir.resolve("agent.sock");
        // -D: in the foreground, so the test owns the process and ends it.
        agentProcess = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile())
                .start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (!Files.exists(socket)) {
            assertThat(System.currentTimeMillis())
                    .as("ssh-agent creates its socket")
                    .isLessThan(deadline);
            Thread.sleep(20);
        }
        agent = new SshAgent(socket);
        ed25519 = blob(keygen("locked_ed25519", "ed25519", PASSPHRASE));
        rsa = blob(keygen("plain_rsa", "rsa", ""));
        sshAdd(socket, dir.resolve("locked_ed25519"));
        sshAdd(socket, dir.resolve("plain_rsa"));
    }

    @AfterAll
    void stop() throws InterruptedException {
        if (agentProcess != null) {
            agentProcess.destroy();
            agentProcess.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void listsTheKeysSshAddLoadedWithTheirComments() throws Exception {
        List<SshAgent.Identity> identities = agent.identities();

        assertThat(identities).extracting(SshAgent.Identity::comment).containsExactly("locked_ed25519", "plain_rsa");
        assertThat(identities.get(0).blob()).isEqualTo(ed25519);
        assertThat(identities.get(0).type()).isEqualTo("ssh-ed25519");
        assertThat(identities.get(1).blob()).isEqualTo(rsa);
        assertThat(identities.get(1).type()).isEqualTo("ssh-rsa");
        assertThat(identities.get(0).matches(identities.get(0).publicKey())).isTrue();
        assertThat(identities.get(0).matches(identities.get(1).publicKey())).isFalse();
    }

    @Test
    void signsWithAPassphraseProtectedKeyItHolds() throws Exception {
        byte[] data = "session id and request".getBytes(StandardCharsets.UTF_8);

        byte[] signature = agent.sign(ed25519, data, 0);

        assertThat(new Buffer.PlainBuffer(signature).readString()).isEqualTo("ssh-ed25519");
        assertThat(verifies(KeyAlgorithms.EdDSA25519().create().newSignature(), ed25519, data, signature))
                .isTrue();
        byte[] other = "something else".getBytes(StandardCharsets.UTF_8);
        assertThat(verifies(KeyAlgorithms.EdDSA25519().create().newSignature(), ed25519, other, signature))
                .as("a signature of other data does not verify")
                .isFalse();
    }

    @Test
    void signsRsaWithTheSha2HashTheFlagsAskFor() throws Exception {
        byte[] data = "rsa data".getBytes(StandardCharsets.UTF_8);

        byte[] sha256 = agent.sign(rsa, data, SshAgent.SIGN_RSA_SHA2_256);
        byte[] sha512 = agent.sign(rsa, data, SshAgent.SIGN_RSA_SHA2_512);

        assertThat(new Buffer.PlainBuffer(sha256).readString()).isEqualTo("rsa-sha2-256");
        assertThat(new Buffer.PlainBuffer(sha512).readString()).isEqualTo("rsa-sha2-512");
        assertThat(verifies(KeyAlgorithms.RSASHA256().create().newSignature(), rsa, data, sha256))
                .isTrue();
        assertThat(verifies(KeyAlgorithms.RSASHA512().create().newSignature(), rsa, data, sha512))
                .isTrue();
    }

    @Test
    void aKeyItDoesNotHoldIsRefused() throws Exception {
        byte[] stranger = blob(keygen("stranger", "ed25519", ""));

        assertThatThrownBy(() -> agent.sign(stranger, new byte[] {1, 2, 3}, 0))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("refused to sign");
    }

    @Test
    void aMissingAgentIsAnIoErrorNamingTheSocket() {
        Path nowhere = dir.resolve("no-agent.sock");

        assertThatThrownBy(() -> new SshAgent(nowhere).identities()).isInstanceOf(IOException.class);
    }

    private static boolean verifies(Signature signature, byte[] blob, byte[] data, byte[] encoded) throws Exception {
        PublicKey key = new Buffer.PlainBuffer(blob).readPublicKey();
        signature.initVerify(key);
        signature.update(data);
        return signature.verify(encoded);
    }

    /** A key pair made by ssh-keygen; returns the .pub line. */
    private String keygen(String name, String type, String passphrase) throws Exception {
        Path file = dir.resolve(name);
        List<String> command = new ArrayList<>(
                List.of("ssh-keygen", "-q", "-t", type, "-N", passphrase, "-C", name, "-f", file.toString()));
        if (type.equals("rsa")) {
            command.addAll(List.of("-b", "2048"));
        }
        run(new ProcessBuilder(command));
        return Files.readString(Path.of(file + ".pub")).strip();
    }

    /** ssh-add, answering the passphrase prompt through SSH_ASKPASS as a desktop session would. */
    private void sshAdd(Path socket, Path key) throws Exception {
        Path askpass = dir.resolve("askpass");
        if (!Files.exists(askpass)) {
            Files.writeString(askpass, "#!/bin/sh\necho '" + PASSPHRASE + "'\n");
            Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        }
        ProcessBuilder add = new ProcessBuilder("ssh-add", key.toString());
        add.environment()
                .putAll(Map.of(
                        "SSH_AUTH_SOCK",
                        socket.toString(),
                        "SSH_ASKPASS",
                        askpass.toString(),
                        "SSH_ASKPASS_REQUIRE",
                        "force"));
        run(add);
    }

    private static void run(ProcessBuilder builder) throws Exception {
        Process process = builder.redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(builder.command() + ": " + output).isZero();
    }

    private static byte[] blob(String publicKeyLine) {
        return Base64.getDecoder().decode(publicKeyLine.split(" ")[1]);
    }
}
