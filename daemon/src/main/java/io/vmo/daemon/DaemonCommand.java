package io.vmo.daemon;

import io.vmo.daemon.service.ServiceNotifier;
import io.vmo.daemon.tls.ServerTls;
import io.vmo.daemon.tls.TlsSetup;
import io.vmo.daemon.web.ConnectionLimits;
import io.vmo.protocol.BuildInfo;
import io.vmo.protocol.Locations;
import io.vmo.protocol.VmoException;
import java.io.IOException;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** {@code vmo daemon}: runs the daemon in the foreground until interrupted. */
@Command(
        name = "daemon",
        mixinStandardHelpOptions = true,
        versionProvider = DaemonCommand.Version.class,
        description = "Run the vmo daemon in the foreground. With no database configured it runs its own "
                + "PostgreSQL, with data under $XDG_STATE_HOME/vmo.")
public final class DaemonCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(DaemonCommand.class);

    /** {@code vmo daemon -V}: the version and the commit the daemon was built from. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"vmo daemon " + BuildInfo.read().describe()};
        }
    }

    @Option(
            names = "--listen",
            paramLabel = "HOST:PORT",
            defaultValue = "${env:VMO_LISTEN:-127.0.0.1:7777}",
            description =
                    "Address to serve the WebSocket, REST API and UI on (env VMO_LISTEN; default: ${DEFAULT-VALUE}). "
                            + "Port 0 picks a free one.")
    String listen;

    @Option(
            names = "--tls",
            paramLabel = "self-signed",
            defaultValue = "${env:VMO_TLS}",
            description = "Serve TLS (https://, wss://) with a certificate the daemon makes once and keeps in "
                    + "$XDG_CONFIG_HOME/vmo/tls/ (env VMO_TLS). Clients pin it on first use.")
    String tlsMode;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            defaultValue = "${env:VMO_TLS_CERT}",
            description = "Serve TLS with this certificate: PEM, the chain with the server's own first (env "
                    + "VMO_TLS_CERT). Needs --tls-key.")
    Path tlsCertificate;

    @Option(
            names = "--tls-key",
            paramLabel = "FILE",
            defaultValue = "${env:VMO_TLS_KEY}",
            description = "The certificate's private key: PEM, unencrypted, not readable by other users (env "
                    + "VMO_TLS_KEY).")
    Path tlsKey;

    // Before TLS, the one way to listen on the network; kept only to say what replaced it.
    @Option(names = "--insecure-plaintext-on-network", hidden = true)
    boolean plaintextOnNetwork;

    @Option(
            names = "--database-url",
            paramLabel = "URL",
            defaultValue = "${env:VMO_DATABASE_URL}",
            description = "PostgreSQL to use instead of the embedded one (env VMO_DATABASE_URL), as "
                    + "postgresql://user:pass@host:5432/db or jdbc:postgresql://…")
    String databaseUrl;

    @Option(
            names = "--cancel-grace",
            paramLabel = "SECONDS",
            defaultValue = "5",
            description = "Seconds between SIGTERM and SIGKILL when a job is canceled (default: ${DEFAULT-VALUE}).")
    double cancelGraceSeconds;

    // Tests shorten it to see an idle connection closed; nobody else needs to.
    @Option(
            names = "--ssh-idle",
            paramLabel = "SECONDS",
            defaultValue = "60",
            hidden = true,
            description = "Seconds an SSH connection no job uses stays open (default: ${DEFAULT-VALUE}).")
    double sshIdleSeconds;

    // Connections (docs/architecture.md, "Connections"). A busy workstation's clients all share loopback's share:
    // the benchmark's 200 viewers fit; one script's thousand sockets do not.
    @Option(
            names = "--max-connections-per-peer",
            paramLabel = "N",
            defaultValue = "256",
            description = "Connections one client address may have open at once; more are refused with HTTP 429 "
                    + "(loopback is one address: every local client's). Default: ${DEFAULT-VALUE}.")
    int maxConnectionsPerPeer;

    // Long enough for any real client on any network, short enough that a trickling socket is gone in seconds.
    @Option(
            names = "--request-timeout",
            paramLabel = "SECONDS",
            defaultValue = "10",
            description = "Seconds an HTTP request (head and body) may take to arrive; then 408 and close "
                    + "(default: ${DEFAULT-VALUE}).")
    double requestTimeoutSeconds;

    // Longer than java.net.http's own 30 s, so the CLI and scripts close idle connections first (no race between a
    // reused connection and our close); browsers reopen what we close.
    @Option(
            names = "--http-idle-timeout",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "Seconds an HTTP keep-alive connection may wait for its next request (default: "
                    + "${DEFAULT-VALUE}).")
    double httpIdleSeconds;

    // A dead peer is noticed within ping interval + timeout (a minute); proxies with a 60 s idle limit see traffic.
    @Option(
            names = "--ws-ping-interval",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "Seconds a WebSocket may be silent before the daemon pings it (default: ${DEFAULT-VALUE}).")
    double pingIntervalSeconds;

    @Option(
            names = "--ws-ping-timeout",
            paramLabel = "SECONDS",
            defaultValue = "30",
            description = "Seconds after a ping within which a WebSocket client must send anything or take some "
                    + "of what waits for it; else it is closed (default: ${DEFAULT-VALUE}).")
    double pingTimeoutSeconds;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress address;
        ConnectionLimits connections;
        TlsSetup tlsSetup;
        try {
            address = parseListen(listen);
            if (plaintextOnNetwork) {
                throw new IllegalArgumentException(
                        "--insecure-plaintext-on-network is gone: the daemon speaks TLS now. " + HOW_TO_TLS);
            }
            tlsSetup = TlsSetup.of(tlsMode, tlsCertificate, tlsKey);
            refuseNetworkWithoutTls(address, tlsSetup);
            connections = new ConnectionLimits(
                    maxConnectionsPerPeer,
                    seconds(requestTimeoutSeconds),
                    seconds(httpIdleSeconds),
                    seconds(pingIntervalSeconds),
                    seconds(pingTimeoutSeconds));
        } catch (IllegalArgumentException e) {
            System.err.println("vmo daemon: " + e.getMessage());
            return 2;
        }
        Locations locations = Locations.fromEnvironment();
        try {
            DaemonLog.configure(locations.daemonLog(), System.getenv());
        } catch (IOException e) {
            System.err.println("vmo daemon: cannot write its log " + locations.daemonLog() + ": " + e);
            return 1;
        }
        ServerTls tls = null;
        if (tlsSetup.enabled()) {
            // Here, before anything starts: the key is read (or made) once, never on a connection's thread.
            try {
                Set<String> wanted = ServerTls.wanted(address, interfaceAddresses());
                tls = ServerTls.load(tlsSetup, locations, wanted);
                Set<String> missing = tls.missing(wanted);
                if (tls.selfSigned() && !missing.isEmpty()) {
                    log.warn(
                            "the self-signed certificate {} does not cover {}: browsers will warn about the name."
                                    + " Delete it and {} to have a new one made at the next start (clients then"
                                    + " have to accept its new fingerprint)",
                            locations.selfSignedCertificate(),
                            String.join(", ", missing),
                            locations.selfSignedKey());
                }
            } catch (VmoException e) {
                System.err.println("vmo daemon: " + e.getMessage());
                return 1;
            }
        }
        var config = new Daemon.Config(
                address,
                tls,
                databaseUrl,
                locations,
                seconds(cancelGraceSeconds),
                executablePath(),
                agentSocket(),
                seconds(sshIdleSeconds),
                connections);
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
        ServiceNotifier notifier = ServiceNotifier.from(System.getenv());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            notifier.stopping();
                            log.info("stopping");
                            daemon.close();
                            stopped.countDown();
                        },
                        "vmo-shutdown"));
        int port = daemon.address().getPort();
        List<String> urls = urls(tls != null ? "https" : "http", address.getAddress(), port, interfaceAddresses());
        // Tests and scripts read this line to find the port when --listen asked for port 0: the first URL is one
        // this machine can use.
        String everywhere = !address.getAddress().isAnyLocalAddress()
                ? ""
                : urls.size() == 1
                        ? "every interface; "
                        : "every interface: also " + String.join(" ", urls.subList(1, urls.size())) + "; ";
        System.out.println("vmo daemon listening on " + urls.getFirst() + " (" + everywhere + "token in "
                + locations.tokenFile() + ")");
        // Like Jupyter: a link that signs a browser in once. The daemon's token itself never reaches a page.
        System.out.println("web UI: " + urls.getFirst() + "/login?token=" + daemon.newLoginToken()
                + " (works once; `vmo ui` prints a new one)");
        if (tls != null) {
            // What a user compares with the fingerprint the CLI pins, or a browser shows, on first use.
            System.out.println("TLS: certificate " + tls.description() + ", " + tls.fingerprint()
                    + (tls.selfSigned()
                            ? " (self-signed: `vmo --daemon https://…` pins it on first use; browsers ask once)"
                            : ""));
        }
        System.out.flush();
        // Daemon.start returned once the server's socket was bound and listening: connections are accepted now.
        log.info(
                "listening on {} (pid {})",
                urls.getFirst(),
                ProcessHandle.current().pid());
        notifier.ready("listening on " + urls.getFirst());
        stopped.await();
        return 0;
    }

    private static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }

    /** The user's ssh-agent, as every OpenSSH client finds it: SSH_AUTH_SOCK. */
    private static Path agentSocket() {
        String socket = System.getenv("SSH_AUTH_SOCK");
        return socket == null || socket.isBlank() ? null : Path.of(socket);
    }

    /** $PATH, where an alias may have an executable of its own that answers --list-targets. */
    private static List<Path> executablePath() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Arrays.stream(path.split(":"))
                .filter(s -> !s.isEmpty())
                .map(Path::of)
                .toList();
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
        var address = new InetSocketAddress(host.isEmpty() ? "127.0.0.1" : host, port);
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("--listen \"" + listen + "\": cannot resolve " + host);
        }
        return address;
    }

    private static final String HOW_TO_TLS = "Give it a certificate: --tls self-signed (made once, kept in"
            + " ~/.config/vmo/tls/; clients pin it on first use), or --tls-cert FILE --tls-key FILE (PEM, e.g. from"
            + " your CA or Let's Encrypt)";

    /**
     * An address other machines can reach (any but loopback; the wildcard too) would hand them the token, login
     * links, cookies and every job's output in plaintext: refused without TLS, saying how to give it.
     */
    static void refuseNetworkWithoutTls(InetSocketAddress address, TlsSetup tls) {
        if (!address.getAddress().isLoopbackAddress() && !tls.enabled()) {
            String shown = hostLiteral(address.getAddress()) + ":" + address.getPort();
            throw new IllegalArgumentException("--listen " + shown + " can be reached from other machines, and"
                    + " without TLS its token, login links, session cookies and every job's output would cross the"
                    + " network in plaintext. " + HOW_TO_TLS + ". Or listen on loopback (127.0.0.1:"
                    + address.getPort() + ") and reach it through an SSH tunnel (ssh -L " + address.getPort()
                    + ":127.0.0.1:" + address.getPort() + " THIS-HOST)");
        }
    }

    /**
     * URLs a client can use: the listen address's own, or for a wildcard one (0.0.0.0, ::), which no client can
     * connect to, 127.0.0.1 first and then each IPv4 address of this machine's interfaces.
     */
    static List<String> urls(String scheme, InetAddress listen, int port, List<InetAddress> interfaces) {
        if (!listen.isAnyLocalAddress()) {
            return List.of(scheme + "://" + hostLiteral(listen) + ":" + port);
        }
        var urls = new java.util.ArrayList<String>();
        urls.add(scheme + "://127.0.0.1:" + port);
        interfaces.stream()
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
                .map(a -> scheme + "://" + hostLiteral(a) + ":" + port)
                .distinct()
                .forEach(urls::add);
        return List.copyOf(urls);
    }

    /** A URL's host: an IPv6 address in brackets ([::1], [::], else as the daemon's Host check spells it). */
    static String hostLiteral(InetAddress address) {
        if (address instanceof Inet6Address) {
            return address.isLoopbackAddress()
                    ? "[::1]"
                    : address.isAnyLocalAddress()
                            ? "[::]"
                            : "[" + address.getHostAddress().replaceAll("%.*", "") + "]";
        }
        return address.getHostAddress();
    }

    private static List<InetAddress> interfaceAddresses() {
        try {
            return NetworkInterface.networkInterfaces()
                    .filter(DaemonCommand::isUp)
                    .flatMap(NetworkInterface::inetAddresses)
                    .toList();
        } catch (SocketException e) {
            return List.of(); // 127.0.0.1 is still printed
        }
    }

    private static boolean isUp(NetworkInterface networkInterface) {
        try {
            return networkInterface.isUp();
        } catch (SocketException e) {
            return false;
        }
    }
}
