package io.vmo.daemon;

import io.vmo.protocol.VmoException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vmo daemon}: runs the daemon in the foreground until interrupted. */
@Command(name = "daemon", mixinStandardHelpOptions = true,
        description = "Run the vmo daemon in the foreground. With no database configured it runs its own "
                + "PostgreSQL, with data under $XDG_STATE_HOME/vmo.")
public final class DaemonCommand implements Callable<Integer> {

    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "${env:VMO_LISTEN:-127.0.0.1:7777}",
            description = "Address to serve the WebSocket, REST API and UI on (env VMO_LISTEN; default: ${DEFAULT-VALUE}). "
                    + "Port 0 picks a free one.")
    String listen;

    @Option(names = "--database-url", paramLabel = "URL", defaultValue = "${env:VMO_DATABASE_URL}",
            description = "PostgreSQL to use instead of the embedded one (env VMO_DATABASE_URL), as "
                    + "postgresql://user:pass@host:5432/db or jdbc:postgresql://…")
    String databaseUrl;

    @Option(names = "--cancel-grace", paramLabel = "SECONDS", defaultValue = "5",
            description = "Seconds between SIGTERM and SIGKILL when a job is canceled (default: ${DEFAULT-VALUE}).")
    double cancelGraceSeconds;

    // Tests shorten it to see an idle connection closed; nobody else needs to.
    @Option(names = "--ssh-idle", paramLabel = "SECONDS", defaultValue = "60", hidden = true,
            description = "Seconds an SSH connection no job uses stays open (default: ${DEFAULT-VALUE}).")
    double sshIdleSeconds;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address;
        try {
            address = parseListen(listen);
        } catch (IllegalArgumentException e) {
            System.err.println("vmo daemon: " + e.getMessage());
            return 2;
        }
        Locations locations = Locations.fromEnvironment();
        var config = new Daemon.Config(address, databaseUrl, locations,
                Duration.ofMillis(Math.round(cancelGraceSeconds * 1000)), executablePath(), agentSocket(),
                Duration.ofMillis(Math.round(sshIdleSeconds * 1000)));
        Daemon daemon;
        try {
            daemon = Daemon.start(config);
        } catch (VmoException e) { // the store cannot be used, or a file is open to others
            System.err.println("vmo daemon: " + e.getMessage());
            return 1;
        } catch (BindException e) {
            System.err.println("vmo daemon: cannot listen on " + listen + ": " + e.getMessage()
                    + "; is another vmo daemon running? Choose another address with --listen HOST:PORT");
            return 1;
        }
        var stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            daemon.close();
            stopped.countDown();
        }, "vmo-shutdown"));
        InetSocketAddress bound = daemon.address();
        // Tests and scripts read this line to find the port when --listen asked for port 0.
        System.out.println("vmo daemon listening on http://" + bound.getHostString() + ":" + bound.getPort()
                + " (token in " + locations.tokenFile() + ")");
        // Like Jupyter: a link that signs a browser in once. The daemon's token itself never reaches a page.
        System.out.println("web UI: http://" + bound.getHostString() + ":" + bound.getPort() + "/login?token="
                + daemon.newLoginToken() + " (works once; `vmo ui` prints a new one)");
        System.out.flush();
        stopped.await();
        return 0;
    }

    /** The user's ssh-agent, as every OpenSSH client finds it: SSH_AUTH_SOCK. */
    private static Path agentSocket() {
        String socket = System.getenv("SSH_AUTH_SOCK");
        return socket == null || socket.isBlank() ? null : Path.of(socket);
    }

    /** $PATH, where an alias may have an executable of its own that answers --list-targets. */
    private static List<Path> executablePath() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(":")).filter(s -> !s.isEmpty()).map(Path::of).toList();
    }

    static InetSocketAddress parseListen(String listen) {
        int colon = listen.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("--listen \"" + listen + "\" needs HOST:PORT, e.g. 127.0.0.1:7777");
        }
        String host = listen.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(listen.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--listen \"" + listen + "\": the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--listen \"" + listen + "\": the port must be 0 to 65535");
        }
        return new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
    }
}
