package io.vmo.ssh;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The user's side of SSH, in a home directory of the test's own: {@code ~/.ssh} (mode 0700) with an ed25519 key
 * pair without passphrase ({@code id_ed25519}), {@code known_hosts} and a {@code config} of Host aliases.
 *
 * <p>OpenSSH's {@code ssh} ignores {@code $HOME}: it reads {@code ~/.ssh/config}, and expands {@code ~} in it, from
 * the home directory of the user's passwd entry ({@code /root} for root). So the config written here names every
 * file by its absolute path, {@link #ssh} always passes {@code -F} {@link #config()}, and code under test needs a
 * way to be pointed at {@link #config()} in the same way. Given {@code -F}, ssh does not read /etc/ssh/ssh_config
 * either, so runs do not depend on the machine, and it passes {@code -F} on to the ssh it starts for a ProxyJump.
 */
public final class SshClientHome {

    private final Path home;
    private final Path sshDir;
    private final SshKeys.KeyPair identity;
    private final List<String> includes = new ArrayList<>();
    private final List<String> blocks = new ArrayList<>();

    private SshClientHome(Path home, Path sshDir, SshKeys.KeyPair identity) {
        this.home = home;
        this.sshDir = sshDir;
        this.identity = identity;
    }

    /** Creates {@code home/.ssh} with a new key pair, an empty known_hosts and a config with only the defaults. */
    public static SshClientHome create(Path home) throws IOException, InterruptedException {
        home = Files.createDirectories(home).toAbsolutePath();
        Path sshDir = Files.createDirectories(home.resolve(".ssh"));
        // ssh refuses private keys that others can read, and a careful user's ~/.ssh is private too.
        Files.setPosixFilePermissions(sshDir, PosixFilePermissions.fromString("rwx------"));
        SshKeys.KeyPair identity = SshKeys.ed25519(sshDir.resolve("id_ed25519"), "", user() + "@vmo-test");
        SshClientHome client = new SshClientHome(home, sshDir, identity);
        Files.writeString(client.knownHosts(), "");
        client.writeConfig();
        return client;
    }

    /** The user name the test runs as, which every {@link TestSshd} lets in. */
    public static String user() {
        return System.getProperty("user.name");
    }

    public Path home() {
        return home;
    }

    public Path sshDir() {
        return sshDir;
    }

    /** {@code ~/.ssh/config}: pass it as {@code ssh -F}. */
    public Path config() {
        return sshDir.resolve("config");
    }

    public Path knownHosts() {
        return sshDir.resolve("known_hosts");
    }

    /** {@code ~/.ssh/id_ed25519}, without passphrase. */
    public SshKeys.KeyPair identity() {
        return identity;
    }

    /** Another key pair in {@code ~/.ssh}, e.g. {@code addKey("id_locked", "secret")} for one with a passphrase. */
    public SshKeys.KeyPair addKey(String name, String passphrase) throws IOException, InterruptedException {
        return SshKeys.ed25519(sshDir.resolve(name), passphrase, user() + "@vmo-test");
    }

    /** Adds the server's host key to known_hosts. */
    public SshClientHome trust(TestSshd sshd) throws IOException {
        return trust(sshd.knownHostsEntry());
    }

    /** Adds a line to known_hosts as given, e.g. a wrong key for a server's address. */
    public SshClientHome trust(String knownHostsLine) throws IOException {
        Files.writeString(knownHosts(), knownHostsLine.strip() + "\n", StandardOpenOption.APPEND);
        return this;
    }

    /** A Host block for {@code sshd} that logs in with {@link #identity()}, plus {@code extraLines}. */
    public SshClientHome host(String alias, TestSshd sshd, String... extraLines) throws IOException {
        return host(alias, sshd, identity, extraLines);
    }

    /**
     * A Host block: {@code extraLines} such as {@code "ProxyJump jump"}, then {@code HostName 127.0.0.1}, the
     * server's port, {@link #user()}, the key and {@code IdentitiesOnly yes}. ssh takes the first value it finds for
     * an option, so an extra line like {@code "User someone"} wins.
     */
    public SshClientHome host(String pattern, TestSshd sshd, SshKeys.KeyPair key, String... extraLines)
            throws IOException {
        return block(hostBlock(pattern, sshd, key, extraLines));
    }

    /** The text of such a Host block, e.g. for a file to {@link #include}. */
    public static String hostBlock(String pattern, TestSshd sshd, SshKeys.KeyPair key, String... extraLines) {
        StringBuilder block = new StringBuilder("Host " + pattern + "\n");
        for (String line : extraLines) {
            block.append("    ").append(line).append('\n');
        }
        return block.append("    HostName ")
                .append(TestSshd.HOST)
                .append('\n')
                .append("    Port ")
                .append(sshd.port())
                .append('\n')
                .append("    User ")
                .append(user())
                .append('\n')
                .append("    IdentityFile ")
                .append(key.privateKey())
                .append('\n')
                .append("    IdentitiesOnly yes\n")
                .toString();
    }

    /** Adds a block to the config verbatim, after those already there (for each option, ssh uses the first value). */
    public SshClientHome block(String text) throws IOException {
        blocks.add(text.endsWith("\n") ? text : text + "\n");
        writeConfig();
        return this;
    }

    /**
     * Writes {@code ~/.ssh/config.d/<name>} and has the config include it, at the top: before every Host block, as
     * people write it. Returns the file.
     */
    public Path include(String name, String text) throws IOException {
        Path file = Files.createDirectories(sshDir.resolve("config.d")).resolve(name);
        Files.writeString(file, text);
        String line = "Include " + file;
        if (!includes.contains(line)) {
            includes.add(line);
        }
        writeConfig();
        return file;
    }

    private void writeConfig() throws IOException {
        StringBuilder config = new StringBuilder("""
                # Written by SshClientHome. OpenSSH reads the config of the passwd entry's home, not $HOME's:
                # use ssh -F <this file>. Paths are absolute for the same reason (~ is that home too).
                """);
        includes.forEach(line -> config.append(line).append('\n'));
        blocks.forEach(block -> config.append('\n').append(block));
        config.append("""

                # Defaults, last because ssh takes the first value it finds for an option.
                Host *
                    UserKnownHostsFile %s
                    GlobalKnownHostsFile /dev/null
                    StrictHostKeyChecking yes
                    # known_hosts stays exactly as the test wrote it.
                    UpdateHostKeys no
                    BatchMode yes
                    ConnectTimeout 10
                """.formatted(knownHosts()));
        Files.writeString(config(), config);
    }

    /** The real {@code ssh} with {@code -F} {@link #config()}, without any ssh-agent of the environment. */
    public ProcessBuilder ssh(String... args) {
        List<String> command = new ArrayList<>(List.of("ssh", "-F", config().toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> env = builder.environment();
        env.remove("SSH_AUTH_SOCK");
        env.remove("SSH_AGENT_PID");
        env.put("HOME", home.toString());
        return builder;
    }

    /** Runs {@code ssh -F config args...} to the end, stdin empty. */
    public Result run(String... args) throws IOException, InterruptedException {
        return Result.of(ssh(args));
    }

    /** {@code ssh -G alias}: how OpenSSH resolves an alias with this config, each option with its values in order. */
    public Map<String, List<String>> resolve(String alias) throws IOException, InterruptedException {
        Result result = run("-G", alias);
        if (result.exitCode() != 0) {
            throw new IllegalStateException("ssh -G " + alias + " failed: " + result);
        }
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (String line : result.out().split("\n")) {
            String[] keyValue = line.split(" ", 2);
            options.computeIfAbsent(keyValue[0], k -> new ArrayList<>()).add(keyValue.length > 1 ? keyValue[1] : "");
        }
        return options;
    }

    /** What a finished process left behind. */
    public record Result(int exitCode, byte[] stdout, byte[] stderr) {

        private static final Executor VIRTUAL = task -> Thread.ofVirtual().start(task);

        /** Runs to the end (at most a minute), stdin closed; both streams are read at once so neither can block. */
        public static Result of(ProcessBuilder builder) throws IOException, InterruptedException {
            Process process = builder.start();
            process.getOutputStream().close();
            var stderr = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return process.getErrorStream().readAllBytes();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    VIRTUAL);
            var stdout = CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            return process.getInputStream().readAllBytes();
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    },
                    VIRTUAL);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(builder.command() + " did not finish within a minute");
            }
            return new Result(process.exitValue(), stdout.join(), stderr.join());
        }

        public String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        public String err() {
            return new String(stderr, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + exitCode + "\n--- stdout\n" + abbreviate(out()) + "\n--- stderr\n" + abbreviate(err());
        }

        private static String abbreviate(String s) {
            return s.length() > 2000 ? s.substring(0, 2000) + "… (" + s.length() + " chars)" : s;
        }
    }
}
