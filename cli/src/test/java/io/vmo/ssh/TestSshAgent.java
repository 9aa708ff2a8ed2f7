package io.vmo.ssh;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSH's own {@code ssh-agent}, in the foreground on a socket of the test's own, so it is the test's process to
 * stop and no agent of the machine is involved. Keys go in with the real {@code ssh-add}; a passphrase is typed
 * through SSH_ASKPASS, as a desktop session does it.
 */
public final class TestSshAgent implements AutoCloseable {

    private final Path dir;
    private final Process process;

    private TestSshAgent(Path dir, Process process) {
        this.dir = dir;
        this.process = process;
    }

    public static TestSshAgent start(Path dir) throws IOException, InterruptedException {
        dir = Files.createDirectories(dir).toAbsolutePath();
        Path socket = dir.resolve("agent.sock");
        Process process = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("agent.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
        TestSshAgent agent = new TestSshAgent(dir, process);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(socket)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                agent.close();
                throw new IllegalStateException("ssh-agent did not create " + socket + "; its output:\n"
                        + Files.readString(dir.resolve("agent.log")));
            }
            Thread.sleep(20);
        }
        return agent;
    }

    /** What SSH_AUTH_SOCK is set to for a client of this agent. */
    public Path socket() {
        return dir.resolve("agent.sock");
    }

    /** {@code ssh-add key}, typing {@code passphrase} when it asks (null or "": the key has none). */
    public void add(SshKeys.KeyPair key, String passphrase) throws IOException, InterruptedException {
        Path askpass = dir.resolve("askpass-" + key.privateKey().getFileName());
        Files.writeString(askpass, "#!/bin/sh\nprintf '%s\\n' '" + (passphrase == null ? "" : passphrase) + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        ProcessBuilder add = new ProcessBuilder("ssh-add", key.privateKey().toString());
        add.environment()
                .putAll(Map.of(
                        "SSH_AUTH_SOCK",
                        socket().toString(),
                        "SSH_ASKPASS",
                        askpass.toString(),
                        "SSH_ASKPASS_REQUIRE",
                        "force"));
        var result = SshClientHome.Result.of(add);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("ssh-add " + key.privateKey() + " failed: " + result);
        }
    }

    /** {@code ssh-add -l}: the fingerprints of the keys it holds, one a line. */
    public String list() throws IOException, InterruptedException {
        ProcessBuilder list = new ProcessBuilder("ssh-add", "-l");
        list.environment().put("SSH_AUTH_SOCK", socket().toString());
        return SshClientHome.Result.of(list).out();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
