package io.vmo.e2e;

import io.vmo.cli.DaemonClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real daemon, started with {@code bin/vmo daemon} in its own process, on a free loopback port, in a home
 * directory of the test's own (token, registry, state) and against the database it is given.
 */
public final class TestDaemon implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on (https?)://([^ ]+)");
    private static final Pattern POSTMASTER_PORT = Pattern.compile("\"-p\" \"(\\d+)\"");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path home;
    private final String databaseUrl;
    private final List<String> extraArgs;
    private final Map<String, String> env;
    private final String umask;
    private Process process;
    private String address;
    private boolean tls;
    private String listeningLine;

    private TestDaemon(Path home, String databaseUrl, Map<String, String> env, String umask, List<String> extraArgs) {
        this.home = home;
        this.databaseUrl = databaseUrl;
        this.env = env;
        this.umask = umask;
        this.extraArgs = extraArgs;
    }

    /** A loopback port free now: for a daemon that must listen on the same port after a restart, as a service's does. */
    public static int freePort() throws IOException {
        try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts a daemon; {@code databaseUrl} null means its own embedded PostgreSQL. */
    public static TestDaemon start(Path home, String databaseUrl, String... extraArgs) throws IOException {
        return start(home, databaseUrl, Map.of(), extraArgs);
    }

    /**
     * Starts a daemon with these environment variables added. It never inherits the ssh-agent of whoever runs the
     * tests (SSH_AUTH_SOCK): a test that wants one passes its own.
     */
    public static TestDaemon start(Path home, String databaseUrl, Map<String, String> env, String... extraArgs)
            throws IOException {
        return startWithUmask(null, home, databaseUrl, env, extraArgs);
    }

    /** As {@link #start(Path, String, Map, String...)}, the daemon started under this umask (null: the tests'). */
    public static TestDaemon startWithUmask(
            String umask, Path home, String databaseUrl, Map<String, String> env, String... extraArgs)
            throws IOException {
        TestDaemon daemon = new TestDaemon(home, databaseUrl, env, umask, List.of(extraArgs));
        daemon.start();
        return daemon;
    }

    private void start() throws IOException {
        Files.createDirectories(home.resolve(".config/mkcli"));
        List<String> args = new ArrayList<>(List.of("daemon", "--cancel-grace", "2"));
        if (!extraArgs.contains("--listen")) {
            args.addAll(List.of("--listen", "127.0.0.1:0"));
        }
        if (databaseUrl != null) {
            args.addAll(List.of("--database-url", databaseUrl));
        }
        args.addAll(extraArgs);
        Path log = home.resolve("daemon.log");
        ProcessBuilder command = Vmo.command(home, Map.of(), args);
        command.environment().remove("SSH_AUTH_SOCK");
        command.environment().remove("SSH_AGENT_PID");
        command.environment().putAll(env);
        if (umask != null) {
            command.command().addAll(0, List.of("/bin/sh", "-c", "umask \"$0\" && exec \"$@\"", umask));
        }
        process = command.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        listeningLine = line;
                        tls = m.group(1).equals("https");
                        return m.group(2);
                    }
                }
                return null;
            } catch (IOException e) {
                return null;
            }
        });
        try {
            address = found.get(90, TimeUnit.SECONDS);
        } catch (Exception e) {
            address = null;
        }
        if (address == null) {
            process.destroyForcibly();
            throw new IllegalStateException("the daemon did not start; its log:\n" + Files.readString(log));
        }
        // Keep draining stdout so the daemon never blocks on a full pipe.
        Thread.ofVirtual().start(() -> {
            try {
                reader.transferTo(java.io.Writer.nullWriter());
            } catch (IOException ignored) {
                // the daemon has gone
            }
        });
    }

    /** host:port */
    public String address() {
        return address;
    }

    /** {@code --daemon}'s value for this daemon: host:port, or https://host:port when it serves TLS. */
    public String url() {
        return tls ? "https://" + address : address;
    }

    /** What the daemon printed when it started listening: the line with its URLs. */
    public String listeningLine() {
        return listeningLine;
    }

    public Path home() {
        return home;
    }

    public Path tokenFile() {
        return home.resolve(".config/vmo/token");
    }

    public String token() throws IOException {
        return Files.readString(tokenFile()).strip();
    }

    public long pid() {
        return process.pid();
    }

    /** Registers a project in this daemon's mkcli registry. */
    public void register(String alias, Path dir) throws IOException {
        Path registry = home.resolve(".config/mkcli/registry");
        Files.writeString(
                registry,
                alias + "=" + dir + "\n",
                StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    /** Creates a project folder with this Makefile and registers it under {@code alias}; returns the folder. */
    public Path addProject(String alias, String makefile) throws IOException {
        Path dir = Files.createDirectories(home.resolveSibling("projects").resolve(alias));
        Files.writeString(dir.resolve("Makefile"), makefile);
        register(alias, dir);
        return dir;
    }

    /** The CLI, pointed at this daemon. */
    public ProcessBuilder cli(String... args) {
        return Vmo.command(home, Map.of("VMO_DAEMON", url()), List.of(args));
    }

    public Vmo.Result run(String... args) throws IOException, InterruptedException {
        return Vmo.run(cli(args));
    }

    /**
     * The audit trail as `vmo audit --json` prints it, once it holds {@code wanted} (rows are written in the
     * background), or after 10 s as it then is.
     */
    public String awaitAudit(String wanted) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            Vmo.Result listed = run("audit", "--json");
            if (listed.exitCode() != 0) {
                throw new AssertionError("vmo audit failed: " + listed);
            }
            if (listed.out().contains(wanted) || System.nanoTime() > deadline) {
                return listed.out();
            }
            Thread.sleep(100);
        }
    }

    /** A protocol client of the same kind the CLI uses. */
    public DaemonClient connect() {
        return DaemonClient.connect(address, tokenFile());
    }

    /** SIGKILL: the daemon dies without any chance to clean up. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts again in the same home, against the same database (on a new port). */
    public void restart() throws IOException {
        start();
    }

    /**
     * What the daemon wrote: its stderr (what it prints itself), then its log, which goes to a file of its state
     * directory since its stdout is no terminal (DaemonLog).
     */
    public String log() throws IOException {
        return Files.readString(home.resolve("daemon.log"))
                + (Files.exists(logFile()) ? Files.readString(logFile()) : "");
    }

    /** The daemon's log file, where a daemon without a terminal logs. */
    public Path logFile() {
        return home.resolve(".local/state/vmo/daemon.log");
    }

    /** The last {@code n} lines of the daemon's stderr and of its log, for assertion messages. */
    public String logTail(int n) throws IOException {
        return tail(home.resolve("daemon.log"), n) + "\n--- its log file\n" + tail(logFile(), n);
    }

    /** Whether the daemon process is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** A GET of the REST API, with the token, that gives up after {@code timeout}. */
    public HttpResponse<String> get(String path, Duration timeout) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://" + address + path))
                .header("Authorization", "Bearer " + token())
                .timeout(timeout)
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    // The embedded PostgreSQL (no database URL given): its files, its postmaster, a JDBC URL for the tests' reads.

    /** The embedded PostgreSQL's data directory (PGDATA). */
    public Path postgresData() {
        return home.resolve(".local/state/vmo/postgres");
    }

    /** The embedded PostgreSQL's log. */
    public Path postgresLog() {
        return home.resolve(".local/state/vmo/pg-runtime/postgres.log");
    }

    /** The last {@code n} lines of the embedded PostgreSQL's log, for assertion messages. */
    public String postgresLogTail(int n) throws IOException {
        return tail(postgresLog(), n);
    }

    /**
     * The postmaster's pid as {@code postmaster.pid} names it, or -1 when there is no such file. After a crash the
     * file may still name a dead process: see {@link #postmaster()}.
     */
    public long postmasterPid() throws IOException {
        try {
            List<String> lines = Files.readAllLines(postgresData().resolve("postmaster.pid"));
            return lines.isEmpty() || lines.getFirst().isBlank()
                    ? -1
                    : Long.parseLong(lines.getFirst().strip());
        } catch (NoSuchFileException | NumberFormatException e) { // absent, or being written
            return -1;
        }
    }

    /** The live postmaster, if {@code postmaster.pid} names a PostgreSQL process that is running. */
    public Optional<ProcessHandle> postmaster() throws IOException {
        long pid = postmasterPid();
        return pid <= 0
                ? Optional.empty()
                : ProcessHandle.of(pid)
                        .filter(p -> p.info().command().orElse("").contains("postgres"));
    }

    /**
     * A JDBC URL of the embedded database "vmo" as the superuser, read afresh each time (a restarted server may
     * listen on another port): the port from {@code postmaster.pid} (4th line) or else {@code postmaster.opts}, the
     * password from {@code vmo-password}. Timeouts keep a test's read from hanging on a server that is down.
     */
    public String embeddedJdbcUrl() throws IOException {
        Path data = postgresData();
        String port = null;
        try {
            List<String> lines = Files.readAllLines(data.resolve("postmaster.pid"));
            if (lines.size() >= 4 && lines.get(3).strip().matches("\\d+")) {
                port = lines.get(3).strip();
            }
        } catch (NoSuchFileException e) {
            // not running: the options it last ran with name the port
        }
        if (port == null) {
            Matcher m = POSTMASTER_PORT.matcher(Files.readString(data.resolve("postmaster.opts")));
            if (!m.find()) {
                throw new IllegalStateException("no port in " + data.resolve("postmaster.opts"));
            }
            port = m.group(1);
        }
        String password = Files.readString(data.resolve("vmo-password")).strip();
        return "jdbc:postgresql://127.0.0.1:" + port + "/vmo?user=postgres&password=" + password
                + "&connectTimeout=3&socketTimeout=30";
    }

    /** Cleanup after a test that crashed the embedded PostgreSQL: SIGKILL a postmaster still running there. */
    public void killEmbeddedPostgres() throws IOException {
        postmaster().ifPresent(ProcessHandle::destroyForcibly);
    }

    private static String tail(Path file, int n) throws IOException {
        if (!Files.exists(file)) {
            return "(no " + file + ")";
        }
        // Stack frames say little here and would crowd out the lines that say what happened.
        List<String> lines = Files.readAllLines(file, StandardCharsets.ISO_8859_1).stream()
                .filter(l -> !l.startsWith("\tat ") && !l.startsWith("\t... "))
                .toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    /** SIGTERM, as Ctrl-C would: the daemon stops its jobs and its database. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
