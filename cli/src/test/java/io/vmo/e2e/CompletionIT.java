package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.cli.BashCompletion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vmo completion bash` as a user loads it, in a real bash, with the real launcher on PATH as {@code vmo}: projects,
 * targets, job ids, VMs and presets come from the running daemon; with no daemon the static parts still complete and
 * nothing is printed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class CompletionIT {

    TestDaemon daemon;
    Path script;
    Path path;
    String jobPrefix;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        Path home = tmp.resolve("home");
        write(
                home.resolve(".config/vmo/config.yml"),
                "vm_config_roots: [~/vm-config]\n"
                        + "log_presets:\n  web-1: { nginx: [tail, -f, /var/log/nginx.log], app: [journalctl, -f] }\n");
        write(home.resolve("vm-config/dev/config.yml"), "vms:\n  web-1: {host: 10.0.0.5}\n  db-1: {host: 10.0.0.6}\n");
        daemon = TestDaemon.start(home, postgres.newDatabase());
        daemon.addProject("demo", "status: ## Show the status\n\t@echo ok\ndeploy:\n\t@echo deploy\n");
        daemon.addProject("infra", "plan:\n\t@echo plan\n");
        var run = daemon.run("run", "-d", "demo", "status");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        jobPrefix = run.out().strip().substring(0, 8);

        var completion = daemon.run("completion", "bash");
        assertThat(completion.exitCode()).as(completion.toString()).isZero();
        script = Files.writeString(tmp.resolve("vmo.bash"), completion.out());
        // `vmo` on PATH is the launcher, as for a user who linked bin/vmo into ~/bin.
        path = Files.createDirectories(tmp.resolve("bin"));
        Files.createSymbolicLink(
                path.resolve("vmo"), Path.of(System.getProperty("vmo.launcher")).toAbsolutePath());
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void positionalsComeFromTheDaemon() throws Exception {
        Map<String, String> env = Map.of("VMO_DAEMON", daemon.address());
        assertThat(complete(env, "vmo", "run", "")).containsExactlyInAnyOrder("demo", "infra");
        assertThat(complete(env, "vmo", "run", "de")).containsExactly("demo");
        assertThat(complete(env, "vmo", "run", "demo", "")).containsExactlyInAnyOrder("status", "deploy");
        assertThat(complete(env, "vmo", "run", "-d", "infra", "")).containsExactly("plan");
        assertThat(complete(env, "vmo", "targets", "")).containsExactlyInAnyOrder("demo", "infra");
        assertThat(complete(env, "vmo", "tail", "")).containsExactly(jobPrefix);
        assertThat(complete(env, "vmo", "cancel", jobPrefix.substring(0, 3))).containsExactly(jobPrefix);
        assertThat(complete(env, "vmo", "ssh", "")).containsExactlyInAnyOrder("web-1", "db-1");
        assertThat(complete(env, "vmo", "logs", "")).containsExactlyInAnyOrder("web-1", "db-1");
        assertThat(complete(env, "vmo", "logs", "web-1", "")).containsExactly("app", "nginx");
        // Past the positionals the daemon knows: make's own arguments are the user's.
        assertThat(complete(env, "vmo", "run", "demo", "status", "")).isEmpty();
        // Options still complete as before.
        assertThat(complete(env, "vmo", "run", "--d")).containsExactlyInAnyOrder("--detach", "--daemon");
    }

    @Test
    void aDaemonTypedOnTheLineIsTheOneAsked() throws Exception {
        Map<String, String> nowhere = Map.of("VMO_DAEMON", "127.0.0.1:1");
        assertThat(complete(nowhere, "vmo", "run", "--daemon", daemon.address(), ""))
                .containsExactlyInAnyOrder("demo", "infra");
    }

    @Test
    void withNoDaemonTheStaticPartsStillCompleteSilently() throws Exception {
        Map<String, String> nowhere = Map.of("VMO_DAEMON", "127.0.0.1:1");
        assertThat(complete(nowhere, "vmo", "run", "")).isEmpty();
        assertThat(complete(nowhere, "vmo", "logs", "web-1", "")).isEmpty();
        assertThat(complete(nowhere, "vmo", "ta")).containsExactlyInAnyOrder("tail", "targets");
        assertThat(complete(nowhere, "vmo", "tail", "--da")).containsExactly("--daemon");
    }

    /** A daemon that accepts connections and never answers (a stopped one): TAB must not hang the shell. */
    @Test
    void aDaemonThatDoesNotAnswerCostsTwoSecondsAtMost() throws Exception {
        try (var silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> env = Map.of("VMO_DAEMON", "127.0.0.1:" + silent.getLocalPort());
            long start = System.nanoTime();
            assertThat(complete(env, "vmo", "run", "")).isEmpty();
            assertThat(complete(env, "vmo", "logs", "web-1", "")).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        }
    }

    /** The candidates bash offers with the cursor at the end of {@code words}; fails on anything on stderr. */
    private List<String> complete(Map<String, String> env, String... words) throws Exception {
        String program = BashCompletion.program(script, words);
        String line = String.join(" ", words);
        ProcessBuilder bash = Vmo.isolated(new ProcessBuilder("bash", "-c", program), daemon.home(), env);
        bash.environment().put("PATH", path + ":" + System.getenv("PATH"));
        var result = Vmo.run(bash, Duration.ofSeconds(30));
        assertThat(result.err()).as(line).isEmpty();
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.out().lines().filter(s -> !s.isBlank()).toList();
    }

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
