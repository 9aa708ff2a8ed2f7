package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vmo service}: the unit it writes is one systemd accepts and whose ExecStart, run as systemd would, starts a
 * daemon that says READY=1 only once it accepts connections; the launchd agent; install, status and uninstall
 * through the service managers' programs. systemd does not run here, so systemctl, loginctl and launchctl are stub
 * scripts on PATH that record their arguments (the only fakes: the daemon is real).
 */
@ExtendWith(SharedPostgres.Resolver.class)
class ServiceIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("vmo.launcher", "../bin/vmo"))
            .toAbsolutePath()
            .normalize();
    private static final String USER = System.getProperty("user.name");
    private static final long UID = new com.sun.security.auth.module.UnixSystem().getUid();

    /** A datagram socket bound at argv[1], as systemd's notify socket; prints each message on a line. */
    private static final String NOTIFY_LISTENER = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(sys.argv[1])
            print("bound", flush=True)
            while True:
                print(s.recv(4096).decode().replace("\\n", "|"), flush=True)
            """;

    @Test
    void theUnitPassesSystemdAnalyzeAndItsExecStartRunsADaemonThatSaysWhenReady(
            SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path stubs = stubs(tmp.resolve("stubs"));
        int port = TestDaemon.freePort();
        var install = Vmo.run(
                Vmo.command(
                        home,
                        Map.of(
                                "PATH",
                                stubs + ":" + System.getenv("PATH"),
                                "SSH_AUTH_SOCK",
                                tmp.resolve("agent.sock").toString(),
                                "VMO_DATABASE_URL",
                                postgres.newDatabase(),
                                "VMO_LISTEN",
                                "127.0.0.1:" + port),
                        List.of("service", "install", "--now")),
                Duration.ofSeconds(60));
        assertThat(install.exitCode()).as(install.toString()).isZero();
        assertThat(calls(stubs))
                .containsExactly(
                        "systemctl --user daemon-reload",
                        "systemctl --user enable --now vmo.service",
                        "loginctl show-user " + USER + " --property=Linger");
        assertThat(install.out())
                .contains("loginctl enable-linger " + USER)
                .contains("PATH, SSH_AUTH_SOCK")
                .contains("run `vmo service install` again")
                .contains("journalctl --user -u vmo");

        Path unitFile = home.resolve(".config/systemd/user/vmo.service");
        String unit = Files.readString(unitFile);
        // systemd-analyze reports bad settings on stderr and still exits 0.
        var verify =
                Vmo.run(new ProcessBuilder("systemd-analyze", "verify", unitFile.toString()), Duration.ofSeconds(60));
        assertThat(verify.exitCode()).as(verify + "\n" + unit).isZero();
        assertThat(verify.err()).as(unit).isEmpty();
        assertThat(unit).contains("\nType=notify\n").contains("\nRestart=on-failure\n");

        List<String> execStart = lines(unit, "ExecStart");
        assertThat(execStart).containsExactly(LAUNCHER + " daemon");
        Map<String, String> environment = new LinkedHashMap<>();
        for (String line : lines(unit, "Environment")) {
            String assignment = unquote(line);
            environment.put(
                    assignment.substring(0, assignment.indexOf('=')),
                    assignment.substring(assignment.indexOf('=') + 1));
        }
        assertThat(environment).containsKeys("PATH", "SSH_AUTH_SOCK", "VMO_DATABASE_URL", "VMO_LISTEN");

        Path notifySocket = tmp.resolve("notify");
        Process listener = new ProcessBuilder("python3", "-c", NOTIFY_LISTENER, notifySocket.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        BlockingQueue<String> notifications = lines(listener);
        Process daemon = null;
        try {
            assertThat(notifications.poll(30, TimeUnit.SECONDS)).isEqualTo("bound");
            // As systemd runs it: that command line, the unit's environment and what the manager itself gives (HOME,
            // NOTIFY_SOCKET), stdout and stderr not a terminal.
            var service = new ProcessBuilder(execStart.getFirst().split(" "));
            service.environment().clear();
            service.environment().putAll(environment);
            service.environment().put("HOME", home.toString());
            service.environment().put("USER", USER);
            service.environment().put("NOTIFY_SOCKET", notifySocket.toString());
            daemon = service.redirectOutput(tmp.resolve("stdout").toFile())
                    .redirectError(tmp.resolve("stderr").toFile())
                    .start();

            String ready = notifications.poll(120, TimeUnit.SECONDS);
            // The moment READY=1 is there, the port must take a connection.
            try (var socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
            assertThat(ready)
                    .as(Files.readString(tmp.resolve("stderr")))
                    .isEqualTo("READY=1|STATUS=listening on http://127.0.0.1:" + port);

            var jobs = Vmo.run(
                    Vmo.command(home, Map.of("VMO_DAEMON", "127.0.0.1:" + port), List.of("jobs")),
                    Duration.ofSeconds(60));
            assertThat(jobs.exitCode()).as(jobs.toString()).isZero();

            // Its stdout is no terminal: it logs to the file `vmo service logs` prints.
            Path log = home.resolve(".local/state/vmo/daemon.log");
            assertThat(Files.readString(log)).contains("listening on http://127.0.0.1:" + port);
            var logs = Vmo.run(Vmo.command(home, Map.of(), List.of("service", "logs")), Duration.ofSeconds(60));
            assertThat(logs.exitCode()).as(logs.toString()).isZero();
            assertThat(logs.out()).contains("listening on http://127.0.0.1:" + port);

            daemon.destroy(); // SIGTERM, as systemctl stop
            assertThat(notifications.poll(30, TimeUnit.SECONDS)).isEqualTo("STOPPING=1");
            assertThat(daemon.waitFor(60, TimeUnit.SECONDS)).isTrue();
            // What SuccessExitStatus=143 is there for: a stop is not a failure to restart after.
            assertThat(daemon.exitValue()).isEqualTo(143);
            assertThat(Files.readString(log)).contains("stopping");
        } finally {
            if (daemon != null && daemon.isAlive()) {
                daemon.destroyForcibly();
            }
            listener.destroyForcibly();
        }
    }

    @Test
    void statusAndUninstallAskSystemctlAndTheDataStays(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path stubs = stubs(tmp.resolve("stubs"));
        Map<String, String> env = Map.of("PATH", stubs + ":" + System.getenv("PATH"));
        Path unitFile = home.resolve(".config/systemd/user/vmo.service");

        var install = run(home, env, "service", "install");
        assertThat(install.exitCode()).as(install.toString()).isZero();
        assertThat(install.out()).contains("systemctl --user start vmo");
        assertThat(calls(stubs)).startsWith("systemctl --user daemon-reload", "systemctl --user enable vmo.service");

        var status = run(home, env, "service", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out())
                .contains("unit:    " + unitFile + "\n")
                .contains("enabled: enabled\n")
                .contains("running: active\n")
                .contains(home.resolve(".local/state/vmo/daemon.log").toString());
        assertThat(calls(stubs))
                .contains("systemctl --user is-enabled vmo.service", "systemctl --user is-active vmo.service");

        // Installed again (say, for a new PATH): the running daemon is left alone, and the output says so.
        var again = run(home, env, "service", "install");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("`systemctl --user restart vmo`");
        assertThat(install.out()).doesNotContain("restart");

        Files.delete(stubs.resolve("calls"));
        var uninstall = run(home, env, "service", "uninstall");
        assertThat(uninstall.exitCode()).as(uninstall.toString()).isZero();
        assertThat(calls(stubs))
                .containsExactly("systemctl --user disable --now vmo.service", "systemctl --user daemon-reload");
        assertThat(unitFile).doesNotExist();
        assertThat(uninstall.out())
                .contains("data stays in " + home.resolve(".local/state/vmo"))
                .contains(home.resolve(".config/vmo").toString());

        // A user manager that cannot be reached: what systemctl said, and where to look.
        Files.writeString(stubs.resolve("fail"), "");
        var failed = run(home, env, "service", "install");
        assertThat(failed.exitCode()).isEqualTo(2);
        assertThat(failed.err())
                .contains("`systemctl --user daemon-reload` failed (exit 1): Failed to connect to bus")
                .contains("systemctl --user status");
        var failedStatus = run(home, env, "service", "status");
        assertThat(failedStatus.exitCode()).isEqualTo(2);
        assertThat(failedStatus.err()).contains("`systemctl --user is-enabled vmo.service` failed (exit 1)");
    }

    @Test
    void aLaunchAgentIsBootstrappedAndBootedOutUntilLaunchdLetsGo(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path stubs = stubs(tmp.resolve("stubs"));
        Map<String, String> env = Map.of(
                "PATH", stubs + ":" + System.getenv("PATH"),
                "SSH_AUTH_SOCK", "/tmp/agent & co",
                "VMO_SERVICE_PLATFORM", "launchd");
        Path plist = home.resolve("Library/LaunchAgents/io.vmo.vmo.plist");
        String service = "gui/" + UID + "/io.vmo.vmo";

        var install = run(home, env, "service", "install", "--now");
        assertThat(install.exitCode()).as(install.toString()).isZero();
        assertThat(calls(stubs))
                .containsExactly("launchctl print " + service, "launchctl bootstrap gui/" + UID + " " + plist);

        var parsed = Vmo.run(
                new ProcessBuilder(
                        "python3",
                        "-c",
                        "import json, plistlib, sys; print(json.dumps(plistlib.load(open(sys.argv[1], 'rb'))))",
                        plist.toString()),
                Duration.ofSeconds(30));
        assertThat(parsed.exitCode()).as(parsed.toString()).isZero();
        String log = home.resolve(".local/state/vmo/daemon.log").toString();
        assertThat(parsed.out())
                .contains("\"Label\": \"io.vmo.vmo\"")
                .contains("\"ProgramArguments\": [\"" + LAUNCHER + "\", \"daemon\"]")
                .contains("\"RunAtLoad\": true")
                .contains("\"KeepAlive\": {\"SuccessfulExit\": false}")
                .contains("\"SSH_AUTH_SOCK\": \"/tmp/agent & co\"")
                .contains("\"PATH\": \"" + stubs + ":")
                .contains("\"StandardOutPath\": \"" + log + "\"")
                .contains("\"StandardErrorPath\": \"" + log + "\"");

        var status = run(home, env, "service", "status");
        assertThat(status.exitCode()).as(status.toString()).isZero();
        assertThat(status.out()).contains("running: running\n").contains(plist.toString());

        // Again, to update it: booted out first, and launchd still has it for a while after bootout returns.
        Files.delete(stubs.resolve("calls"));
        var again = run(home, env, "service", "install", "--now");
        assertThat(again.exitCode()).as(again.toString()).isZero();
        assertThat(again.out()).contains("restarted with the new definition");
        assertThat(calls(stubs))
                .containsExactly(
                        "launchctl print " + service,
                        "launchctl bootout " + service,
                        "launchctl print " + service,
                        "launchctl print " + service,
                        "launchctl print " + service,
                        "launchctl bootstrap gui/" + UID + " " + plist);

        Files.delete(stubs.resolve("calls"));
        var uninstall = run(home, env, "service", "uninstall");
        assertThat(uninstall.exitCode()).as(uninstall.toString()).isZero();
        assertThat(calls(stubs)).startsWith("launchctl print " + service, "launchctl bootout " + service);
        assertThat(calls(stubs).getLast()).isEqualTo("launchctl print " + service);
        assertThat(plist).doesNotExist();
        assertThat(uninstall.out()).contains("data stays in " + home.resolve(".local/state/vmo"));

        var after = run(home, env, "service", "status");
        assertThat(after.exitCode()).isEqualTo(3);
        assertThat(after.out()).contains("not installed").contains("running: not loaded");
    }

    @Test
    void logsPrintsTheFileAndFollowsItAcrossRotation(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        var missing = run(home, Map.of(), "service", "logs");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no daemon log at " + home.resolve(".local/state/vmo/daemon.log"));

        Path log = Files.createDirectories(home.resolve(".local/state/vmo")).resolve("daemon.log");
        Files.writeString(log, "one\n");
        var once = run(home, Map.of(), "service", "logs");
        assertThat(once.exitCode()).as(once.toString()).isZero();
        assertThat(once.out()).isEqualTo("one\n");

        Process follow = Vmo.command(home, Map.of(), List.of("service", "logs", "-f"))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        try {
            BlockingQueue<String> lines = lines(follow);
            assertThat(lines.poll(60, TimeUnit.SECONDS)).isEqualTo("one");
            append(log, "two\n");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("two");
            // Rotated as logback does: renamed away (its last lines may still land there), a new file in its place.
            Path rotated = Files.move(log, log.resolveSibling("daemon.log.1"));
            append(rotated, "three\n");
            Files.writeString(log, "four\n");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("three");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("four");
            append(log, "five\n");
            assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("five");
        } finally {
            follow.destroyForcibly();
        }
    }

    private static Vmo.Result run(Path home, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return Vmo.run(Vmo.command(home, env, List.of(args)), Duration.ofSeconds(60));
    }

    /**
     * systemctl, loginctl and launchctl that append their name and arguments to {@code calls}. systemctl fails as
     * without a user manager once a file {@code fail} exists; launchctl keeps a booted-out agent loaded for two more
     * {@code print}s, as launchd takes its time.
     */
    private static Path stubs(Path dir) throws IOException {
        Files.createDirectories(dir);
        String record = "#!/bin/sh\necho \"$(basename \"$0\") $*\" >> '" + dir + "/calls'\ndir='" + dir + "'\n";
        script(dir.resolve("systemctl"), record + """
                        if [ -e "$dir/fail" ]; then echo 'Failed to connect to bus: No medium found' >&2; exit 1; fi
                        case "$2" in
                          is-enabled) echo enabled ;;
                          is-active) echo active ;;
                        esac
                        """);
        script(dir.resolve("loginctl"), record + "echo Linger=no\n");
        script(dir.resolve("launchctl"), record + """
                        case "$1" in
                          bootstrap) touch "$dir/loaded" ;;
                          bootout) echo 2 > "$dir/pending" ;;
                          print)
                            if [ -e "$dir/pending" ]; then
                              n=$(cat "$dir/pending")
                              if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$dir/pending"; else rm -f "$dir/pending" "$dir/loaded"; fi
                            fi
                            if [ -e "$dir/loaded" ]; then printf '%s = {\\n\\tstate = running\\n}\\n' "$2"; exit 0; fi
                            echo "Could not find service \\"io.vmo.vmo\\" in domain" >&2; exit 113 ;;
                        esac
                        """);
        return dir;
    }

    private static void script(Path file, String text) throws IOException {
        Files.writeString(file, text);
        file.toFile().setExecutable(true);
    }

    private static List<String> calls(Path stubs) throws IOException {
        Path calls = stubs.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls) : List.of();
    }

    private static List<String> lines(String unit, String key) {
        return unit.lines()
                .filter(l -> l.startsWith(key + "="))
                .map(l -> l.substring(key.length() + 1))
                .toList();
    }

    /** A value as systemd reads a double-quoted one: \\ and \" unescaped, %% a %. */
    private static String unquote(String value) {
        if (!value.startsWith("\"")) {
            return value;
        }
        return value.substring(1, value.length() - 1)
                .replace("\\\"", "\"")
                .replace("\\\\", "\\")
                .replace("%%", "%");
    }

    /** The process's stdout, a line at a time. */
    private static BlockingQueue<String> lines(Process process) {
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread.ofVirtual().start(() -> {
            try (var reader =
                    new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // the process has gone
            }
        });
        return lines;
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardOpenOption.APPEND);
    }
}
