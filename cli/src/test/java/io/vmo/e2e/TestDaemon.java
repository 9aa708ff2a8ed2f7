package io.vmo.e2e;

import io.vmo.cli.DaemonClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real daemon, started with {@code bin/vmo daemon} in its own process, on a free loopback port, in a home
 * directory of the test's own (token, registry, state) and against the database it is given.
 */
public final class TestDaemon implements AutoCloseable {

    private static final Pattern LISTENING = Pattern.compile("listening on http://([^ ]+)");

    private final Path home;
    private final String databaseUrl;
    private final List<String> extraArgs;
    private final Map<String, String> env;
    private Process process;
    private String address;

    private TestDaemon(Path home, String databaseUrl, Map<String, String> env, List<String> extraArgs) {
        this.home = home;
        this.databaseUrl = databaseUrl;
        this.env = env;
        this.extraArgs = extraArgs;
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
        TestDaemon daemon = new TestDaemon(home, databaseUrl, env, List.of(extraArgs));
        daemon.start();
        return daemon;
    }

    private void start() throws IOException {
        Files.createDirectories(home.resolve(".config/mkcli"));
        List<String> args = new ArrayList<>(List.of("daemon", "--listen", "127.0.0.1:0", "--cancel-grace", "2"));
        if (databaseUrl != null) {
            args.addAll(List.of("--database-url", databaseUrl));
        }
        args.addAll(extraArgs);
        Path log = home.resolve("daemon.log");
        ProcessBuilder command = Vmo.command(home, Map.of(), args);
        command.environment().remove("SSH_AUTH_SOCK");
        command.environment().remove("SSH_AGENT_PID");
        command.environment().putAll(env);
        process = command
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        var found = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = reader.readLine()) != null; ) {
                    Matcher m = LISTENING.matcher(line);
                    if (m.find()) {
                        return m.group(1);
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
        Files.writeString(registry, alias + "=" + dir + "\n", StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
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
        return Vmo.command(home, Map.of("VMO_DAEMON", address), List.of(args));
    }

    public Vmo.Result run(String... args) throws IOException, InterruptedException {
        return Vmo.run(cli(args));
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

    public String log() throws IOException {
        return Files.readString(home.resolve("daemon.log"));
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
