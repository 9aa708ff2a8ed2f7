package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI end to end: Debian's Chromium, driven by playwright-core scripts ({@code web/e2e/scenarios.mjs}),
 * against a real daemon and PostgreSQL. Each test is one scenario in a fresh browser signed in through its own
 * one-time login link; a failing scenario fails the test with the script's output (and leaves a screenshot in
 * {@code cli/target/web-e2e/}). Needs {@code make test-deps} (chromium) and {@code make build} (web/node_modules).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class WebUiIT {

    private static final Path REPO = Path.of(System.getProperty("vmo.launcher", "../bin/vmo"))
            .toAbsolutePath()
            .getParent()
            .getParent();
    private static final Path WEB = REPO.resolve("web");
    /** Screenshots of each page (scenario "screenshots") and of failures; docs/screenshots are copies of these. */
    private static final Path SHOTS = REPO.resolve("cli/target/web-e2e");

    TestDaemon daemon;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase());
        daemon.addProject("e2e", """
                stream: ## Twenty lines on each stream, then a coloured one
                \t@for i in $$(seq 1 20); do echo "out $$i"; echo "err $$i" >&2; sleep 0.02; done
                \t@printf '\\033[32mcolored\\033[0m line\\n'; echo done
                slow: ## Forty ticks, a tenth of a second apart
                \t@for i in $$(seq 1 40); do echo "tick $$i"; sleep 0.1; done
                forever: ## Runs until canceled
                \t@echo started; sleep 31342
                deploy: ## Pretends to deploy for a while (the screenshots show it running)
                \t@echo "deploying…"; sleep 31342
                fail: ## Fails (make exits 2)
                \t@echo "about to fail" >&2; exit 3
                million: ## A million lines
                \t@seq 1 1000000
                ask: ## Asks for a name (run it in a terminal)
                \t@printf 'name? '; read n; echo "hello $$n"
                """);
        // A VM for the VMs page: listed from the ssh config, never connected to here.
        Path ssh = Files.createDirectories(daemon.home().resolve(".ssh"));
        Files.writeString(ssh.resolve("config"), "Host web-1\n  HostName 127.0.0.1\n  User deploy\n");
        Files.writeString(
                Files.createDirectories(daemon.home().resolve(".config/vmo")).resolve("config.yml"),
                "log_presets:\n  web-1: { nginx: [tail, -f, /var/log/nginx/access.log], app: [docker, logs, -f, app] }\n");
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
        Processes.killSleeps("31342");
    }

    @Test
    void clickATargetAndSeeItsLinesStreamInOrderWithStderrDistinctThenSearchAndDownload() throws Exception {
        scenario("stream");
    }

    @Test
    void reloadMidJobShowsTheWholeLogWithNoDuplicateAndPauseCountsNewLines() throws Exception {
        scenario("reload");
    }

    @Test
    void aDroppedConnectionResumesAfterTheLastSeqWithNoGapOrDuplicate() throws Exception {
        scenario("reconnect");
    }

    @Test
    void aMillionLinesStayQuick() throws Exception {
        scenario("million");
    }

    @Test
    void cancelFromTheUiWhileTheTargetsButtonIsDisabled() throws Exception {
        scenario("cancel");
    }

    @Test
    void historyShowsJobsLiveWithTheirBadges() throws Exception {
        scenario("history");
    }

    @Test
    void settingsOverridePersistsAcrossReloads() throws Exception {
        scenario("settings");
    }

    @Test
    void aPageOfAnotherOriginCannotOpenTheWebSocket() throws Exception {
        scenario("origin");
    }

    @Test
    void typeIntoAPtyJob() throws Exception {
        // The daemon side of PTY jobs (attach-job, stdin, resize) comes with the terminal branch; until it is
        // merged this daemon answers attach-job with unknown-type, and there is nothing to type into.
        try (RawSocket socket = RawSocket.connect(daemon)) {
            String reply = socket.send("{\"v\":1,\"type\":\"attach-job\",\"id\":\"p\",\"jobId\":\"00000000\"}")
                    .next();
            Assumptions.assumeFalse(
                    reply.contains("\"unknown-type\""),
                    "this daemon has no PTY jobs yet (attach-job unknown): the scenario runs once they are merged");
        }
        scenario("pty");
    }

    @Test
    void theTerminalPageRendersXtermOnAJob() throws Exception {
        scenario("terminal");
    }

    @Test
    void everyPagePassesAxeWcagChecksAndWorksByKeyboard() throws Exception {
        scenario("a11y");
    }

    @Test
    void screenshotsOfEachPage() throws Exception {
        scenario("screenshots");
        for (String page : new String[] {"dashboard", "log-viewer", "history", "vms", "settings"}) {
            assertThat(SHOTS.resolve(page + ".png")).isNotEmptyFile();
        }
    }

    private void scenario(String name) throws IOException, InterruptedException {
        String link = daemon.run("ui").out().strip();
        Path output = Files.createTempFile("vmo-e2e-" + name, ".txt");
        ProcessBuilder node = new ProcessBuilder("node", "e2e/scenarios.mjs", name)
                .directory(WEB.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        node.environment().put("VMO_URL", "http://" + daemon.address());
        node.environment().put("VMO_LOGIN", link.substring(link.indexOf("/login")));
        node.environment().put("VMO_SHOTS", SHOTS.toString());
        Process process = node.start();
        boolean ended = process.waitFor(150, TimeUnit.SECONDS);
        if (!ended) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        String printed = Files.readString(output, StandardCharsets.UTF_8);
        Files.delete(output);
        assertThat(ended)
                .as("scenario %s did not end within 150 s:%n%s", name, printed)
                .isTrue();
        assertThat(process.exitValue()).as("scenario %s:%n%s", name, printed).isZero();
        assertThat(printed).contains("scenario " + name + ": passed");
    }
}
