package io.vmo.ssh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH server, Debian's {@code /usr/sbin/sshd} ({@code make test-deps} installs it), in a process of its
 * own on a free port of 127.0.0.1, with everything it uses in the directory it is given: host key, config,
 * authorized_keys, pid file, log. It takes public keys only, for the user running the tests (root included), and
 * allows TCP forwarding, so it can be a ProxyJump host.
 */
public final class TestSshd implements AutoCloseable {

    public static final Path SSHD = Path.of("/usr/sbin/sshd");
    public static final String HOST = "127.0.0.1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(10);
    private static final String BANNER = "SSH-2.0-OpenSSH";

    private final Path dir;
    private final SshKeys.KeyPair hostKey;
    private final int port;
    private final Process process;
    private final Thread stopAtExit;

    private TestSshd(Path dir, SshKeys.KeyPair hostKey, int port, Process process) {
        this.dir = dir;
        this.hostKey = hostKey;
        this.port = port;
        this.process = process;
        // A crashed or killed-early test must not leave servers listening behind it.
        this.stopAtExit = new Thread(this::stop);
        Runtime.getRuntime().addShutdownHook(stopAtExit);
    }

    /**
     * Starts a server in {@code dir} (created if need be) and returns once it has sent its SSH banner.
     * {@code extraConfig} lines, e.g. {@code "AllowTcpForwarding no"}, go before the defaults in its sshd_config, so
     * they win: sshd takes the first value it reads for most keywords (Port, ListenAddress and HostKey add up
     * instead). No Match blocks: they would swallow the defaults.
     */
    public static TestSshd start(Path dir, String... extraConfig) throws IOException, InterruptedException {
        if (!Files.isExecutable(SSHD)) {
            throw new IllegalStateException(SSHD + " is missing: run `make test-deps` (it installs openssh-server)");
        }
        // sshd re-executes itself for every connection and refuses relative paths.
        dir = Files.createDirectories(dir).toAbsolutePath();
        // A server started again in the same directory keeps its host key, as a rebooted machine would.
        Path hostKeyFile = dir.resolve("ssh_host_ed25519_key");
        SshKeys.KeyPair hostKey = Files.exists(hostKeyFile)
                ? SshKeys.read(hostKeyFile)
                : SshKeys.ed25519(hostKeyFile, "", "test-sshd@" + HOST);
        Files.writeString(dir.resolve("authorized_keys"), "", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (isRoot()) {
            // As root sshd insists on its privilege separation directory; nothing creates it where no system sshd
            // ever ran (/run is a tmpfs).
            Files.createDirectories(Path.of("/run/sshd"));
            refuseLockedAccount();
        }
        // The free port is found by binding and releasing it, so another process may take it before sshd does:
        // then try another.
        IllegalStateException failure = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Path config = dir.resolve("sshd_config");
            Files.writeString(config, config(dir, port, List.of(extraConfig)));
            Path log = dir.resolve("sshd.log");
            Files.writeString(log, "");
            long started = System.nanoTime();
            Process process = new ProcessBuilder(SSHD.toString(), "-D", "-e", "-f", config.toString())
                    .redirectInput(
                            ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            TestSshd sshd = new TestSshd(dir, hostKey, port, process);
            try {
                sshd.awaitBanner(started);
                return sshd;
            } catch (IllegalStateException e) {
                sshd.close();
                failure = e;
                if (!sshd.log().contains("Address already in use")) {
                    break;
                }
            }
        }
        throw failure;
    }

    private static String config(Path dir, int port, List<String> extra) {
        StringBuilder config = new StringBuilder("# Written by TestSshd; sshd reads nothing from /etc/ssh with -f.\n");
        extra.forEach(line -> config.append(line).append('\n'));
        config.append("""
                ListenAddress %s
                Port %d
                HostKey %s
                PidFile %s
                AuthorizedKeysFile %s
                AuthenticationMethods publickey
                PubkeyAuthentication yes
                PasswordAuthentication no
                KbdInteractiveAuthentication no
                # Tests may run as root; keys only, as the Debian default.
                PermitRootLogin prohibit-password
                # authorized_keys and the host key live in a temp directory, whose modes sshd would reject.
                StrictModes no
                # PAM would need a service file and a system login setup; keys need neither.
                UsePAM no
                # For ProxyJump: the jump host opens the TCP connection to the next one.
                AllowTcpForwarding yes
                PermitTunnel no
                X11Forwarding no
                PrintMotd no
                PrintLastLog no
                UseDNS no
                # Each connection, accepted key and refusal: what a failing test needs to show.
                LogLevel VERBOSE
                # Many tests connect at once; the default (10:30:100) starts dropping unauthenticated connections.
                MaxStartups 200
                MaxSessions 50
                LoginGraceTime 20
                """.formatted(
                        HOST,
                        port,
                        dir.resolve("ssh_host_ed25519_key"),
                        dir.resolve("sshd.pid"),
                        dir.resolve("authorized_keys")));
        return config.toString();
    }

    /**
     * Waits until a connection gets the server's identification line, so the first real client cannot be early.
     * (sshd logs the probe as a connection closed before key exchange.)
     */
    private void awaitBanner(long startedNanos) throws IOException, InterruptedException {
        long deadline = startedNanos + START_TIMEOUT.toNanos();
        String lastProblem = "no connection attempt yet";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("sshd exited with status " + process.exitValue()
                        + " before accepting connections; its log:\n" + log());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), 500);
                socket.setSoTimeout(2000);
                String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                if (line != null && line.startsWith(BANNER)) {
                    return;
                }
                lastProblem = "it sent " + line;
            } catch (IOException e) {
                lastProblem = e.toString();
            }
            Thread.sleep(10);
        }
        throw new IllegalStateException("sshd did not accept connections on " + HOST + ":" + port + " within "
                + START_TIMEOUT.toSeconds() + " s (" + lastProblem + "); its log:\n" + log());
    }

    /**
     * Without PAM, a root sshd refuses any account whose shadow password starts with "!" (locked), keys or not
     * (a non-root sshd cannot read /etc/shadow and does not check). Say so now rather than with every login.
     */
    private static void refuseLockedAccount() throws IOException {
        String user = SshClientHome.user();
        Path shadow = Path.of("/etc/shadow");
        if (!Files.isReadable(shadow)) {
            return;
        }
        for (String line : Files.readAllLines(shadow)) {
            String[] fields = line.split(":", 3);
            if (fields.length > 1 && fields[0].equals(user) && fields[1].startsWith("!")) {
                throw new IllegalStateException("the account " + user + " is locked (its password in /etc/shadow"
                        + " starts with !), and sshd without PAM lets no one log in to a locked account. Run the"
                        + " tests as another user, or unlock it without setting a password: usermod -p '*' " + user);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(HOST, 0));
            return socket.getLocalPort();
        }
    }

    static boolean isRoot() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0;
        } catch (IOException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    public int port() {
        return port;
    }

    public Path dir() {
        return dir;
    }

    public SshKeys.KeyPair hostKey() {
        return hostKey;
    }

    /** {@code ssh-ed25519 AAAA...}: the host public key, without comment. */
    public String hostKeyLine() {
        return hostKey.typeAndKey();
    }

    /** Its known_hosts line, exactly as OpenSSH writes it: {@code [127.0.0.1]:PORT ssh-ed25519 AAAA...}. */
    public String knownHostsEntry() {
        return "[" + HOST + "]:" + port + " " + hostKeyLine();
    }

    /** Lets the holder of this public key (a line as in a {@code .pub} file) log in; sshd reads the file per login. */
    public void authorize(String publicKeyLine) throws IOException {
        Files.writeString(dir.resolve("authorized_keys"), publicKeyLine.strip() + "\n", StandardOpenOption.APPEND);
    }

    /** What sshd has logged so far (LogLevel VERBOSE): connections, accepted keys, refusals. */
    public String log() {
        try {
            return Files.readString(dir.resolve("sshd.log"));
        } catch (IOException e) {
            return "(cannot read " + dir.resolve("sshd.log") + ": " + e + ")";
        }
    }

    /** The listening process (its sessions run in child processes). */
    public long pid() {
        return process.pid();
    }

    /** Stops the server and every session still running under it. */
    @Override
    public void close() throws InterruptedException {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }

    private void stop() {
        // Per-connection sshd processes outlive the listener's SIGTERM; end them first.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
