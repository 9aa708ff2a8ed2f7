package io.vmo.e2e;

import static io.vmo.e2e.TerminalClient.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.protocol.ErrorCode;
import io.vmo.protocol.JobStatus;
import io.vmo.protocol.LogStream;
import io.vmo.protocol.Response;
import io.vmo.protocol.TargetInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Interactive (PTY) jobs driven through the protocol, as the web UI will drive them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class InteractiveIT {

    static final String TREE = "31360";

    String databaseUrl;
    TestDaemon daemon;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        databaseUrl = postgres.newDatabase();
        Path home = tmp.resolve("home");
        Files.createDirectories(home.resolve(".config/vmo"));
        Files.writeString(home.resolve(".config/vmo/config.yml"), "interactive:\n  vm: [create]\n");
        daemon = TestDaemon.start(home, databaseUrl);
        daemon.addProject("vm", """
                ask:
                \t@printf 'size? '; read answer; echo "got $$answer"; stty size; exit 3
                create: ## asks, as `make create` does
                \t@printf 'disk size? '; read size; echo "creating $$size"
                secret:
                \t@stty -echo; printf 'password: '; read pw; stty echo; echo; echo "length $${#pw}"
                echoer:
                \t@while read line; do echo "echo:$$line"; [ "$$line" = bye ] && exit 0; done
                sizes:
                \t@while read line; do [ "$$line" = q ] && exit 0; echo "size:$$(stty size)"; done
                big:
                \t@i=0; while [ $$i -lt 2000 ]; do echo "line $$i ..................................................."; i=$$((i+1)); done; read x
                tree:
                \t@sleep %1$s & (trap '' HUP TERM; sleep %1$s) & echo started; wait
                plain:
                \t@echo plain; sleep 30
                """.formatted(TREE));
    }

    @AfterEach
    void killLeftovers() {
        Processes.killSleeps(TREE);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    static String execute(String target, String extra) {
        return "{\"v\":1,\"type\":\"execute-command\",\"id\":\"x\",\"project\":\"vm\",\"target\":" + json(target)
                + extra + "}";
    }

    static String attach(String jobId, String extra) {
        return "{\"v\":1,\"type\":\"attach-job\",\"id\":\"a\",\"jobId\":" + json(jobId) + extra + "}";
    }

    String start(TerminalClient client, String target, String extra) throws InterruptedException {
        Response.JobStarted started = client.call(execute(target, extra), Response.JobStarted.class);
        assertThat(started.job().interactive()).isTrue();
        return started.job().id();
    }

    @Test
    void aPromptIsAnsweredThroughTheProtocol() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            String jobId = start(client, "ask", ",\"interactive\":true,\"cols\":100,\"rows\":30");
            Response.JobJoined joined = client.call(attach(jobId, ""), Response.JobJoined.class);
            assertThat(joined.job().interactive()).isTrue();
            client.awaitScreen("size? ");

            client.stdin(jobId, "large\r");

            client.awaitScreen("got large\r\n");
            client.awaitScreen("30 100\r\n"); // the size given at start, right from the first look
            Response.JobDone done = client.awaitDone();
            assertThat(done.status()).isEqualTo(JobStatus.FAILED);
            assertThat(done.exitCode())
                    .as("make's own code for a failed recipe")
                    .isEqualTo(2);
            assertThat(client.logs()).allSatisfy(log -> assertThat(log.stream()).isIn(LogStream.PTY, LogStream.INPUT));

            StoredJob stored = StoredJob.read(databaseUrl, jobId);
            assertThat(stored.exitCode()).isEqualTo(2);
            assertThat(stored.text("pty"))
                    .contains("size? ")
                    .contains("got large\r\n")
                    .contains("30 100\r\n");
            assertThat(stored.text("stdout")).isEmpty();
            // Live and stored agree event by event.
            assertThat(stored.seqs())
                    .isEqualTo(client.logs().stream().map(Response.JobLog::seq).toList());
            // pty4j's native library is unpacked once under the state dir, not into a new /tmp folder each start.
            assertThat(daemon.home().resolve(".local/state/vmo/pty4j/linux/x86-64/libpty.so"))
                    .isRegularFile();
        }
    }

    @Test
    void inputIsNeverStoredOnlyThatItHappened() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            String jobId = start(client, "secret", ",\"interactive\":true");
            client.call(attach(jobId, ""), Response.JobJoined.class);
            client.awaitScreen("password: ");

            long start = System.nanoTime();
            for (char c : "hunter2-xyzzy".toCharArray()) {
                client.stdin(jobId, String.valueOf(c));
            }
            client.stdin(jobId, "\r");
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;

            client.awaitScreen("length 13");
            client.awaitDone();
            StoredJob stored = StoredJob.read(databaseUrl, jobId);
            String everything = new String(stored.events().stream()
                    .map(e -> new String(e.data(), StandardCharsets.UTF_8))
                    .reduce("", String::concat));
            assertThat(everything).doesNotContain("hunter").doesNotContain("xyzzy");
            List<StoredJob.Event> inputs = stored.events().stream()
                    .filter(e -> e.stream().equals("input"))
                    .toList();
            assertThat(inputs).isNotEmpty().allSatisfy(e -> assertThat(e.data()).isEmpty());
            assertThat(inputs.size()).as("at most one marker a second").isLessThanOrEqualTo((int) seconds + 2);
        }
    }

    @Test
    void aTargetMarkedInConfigRunsInATerminalWithoutTheFlag() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            Response.TargetList targets = client.call(
                    "{\"v\":1,\"type\":\"list-targets\",\"id\":\"t\",\"project\":\"vm\"}", Response.TargetList.class);
            assertThat(targets.targets())
                    .contains(
                            new TargetInfo("create", "asks, as `make create` does", true),
                            new TargetInfo("ask", null, false));
            assertThat(daemon.run("targets", "vm").out()).contains("[interactive] asks, as `make create` does");

            String jobId = start(client, "create", "");
            // Attach later, as a user who started it detached would.
            client.call(attach(jobId.substring(0, 8), ",\"cols\":90,\"rows\":20"), Response.JobJoined.class);
            client.awaitScreen("disk size? ");
            client.stdin(jobId, "20G\r");
            client.awaitScreen("creating 20G");
            assertThat(client.awaitDone().status()).isEqualTo(JobStatus.SUCCESS);
        }
    }

    @Test
    void withoutATerminalTheCliFollowsAndSaysHowToAnswer() throws Exception {
        Process cli = daemon.cli("run", "vm", "create").start(); // interactive by config.yml
        cli.getOutputStream().close();
        var stderr =
                new java.io.BufferedReader(new java.io.InputStreamReader(cli.getErrorStream(), StandardCharsets.UTF_8));
        String note = stderr.readLine();
        assertThat(note).contains("is interactive and this is no terminal").contains("vmo attach");
        String jobId = note.replaceAll(".*job ([0-9a-f-]{36}).*", "$1");

        try (TerminalClient client = TerminalClient.connect(daemon)) {
            client.call(attach(jobId, ""), Response.JobJoined.class);
            client.awaitScreen("disk size? ");
            client.stdin(jobId, "5G\r");
            client.awaitDone();
        }

        assertThat(cli.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(cli.exitValue()).isZero();
        assertThat(new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("disk size? 5G")
                .contains("creating 5G");
    }

    @Test
    void resizeReachesTheProgram() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            String jobId = start(client, "sizes", ",\"interactive\":true,\"cols\":80,\"rows\":24");
            client.call(attach(jobId, ""), Response.JobJoined.class);
            client.stdin(jobId, "\r");
            client.awaitScreen("size:24 80");

            client.resize(jobId, 132, 43).stdin(jobId, "\r");
            client.awaitScreen("size:43 132");

            // Attaching with a size resizes too.
            try (TerminalClient second = TerminalClient.connect(daemon)) {
                second.call(attach(jobId, ",\"cols\":101,\"rows\":31"), Response.JobJoined.class);
                second.stdin(jobId, "\r");
                second.awaitScreen("size:31 101");
                second.stdin(jobId, "q\r");
                assertThat(second.awaitDone().status()).isEqualTo(JobStatus.SUCCESS);
            }
            assertThat(client.awaitDone().status()).isEqualTo(JobStatus.SUCCESS);
        }
    }

    @Test
    void twoAttachedClientsSeeTheSameOutputAndBothCanType() throws Exception {
        try (TerminalClient first = TerminalClient.connect(daemon);
                TerminalClient second = TerminalClient.connect(daemon)) {
            String jobId = start(first, "echoer", ",\"interactive\":true");
            first.call(attach(jobId, ""), Response.JobJoined.class);
            first.stdin(jobId, "one\r");
            first.awaitScreen("echo:one");
            second.call(attach(jobId, ""), Response.JobJoined.class);
            second.awaitScreen("echo:one"); // redrawn from the store on attach

            second.stdin(jobId, "two\r");
            first.awaitScreen("echo:two");
            second.awaitScreen("echo:two");
            first.stdin(jobId, "bye\r");

            assertThat(first.awaitDone().status()).isEqualTo(JobStatus.SUCCESS);
            assertThat(second.awaitDone().status()).isEqualTo(JobStatus.SUCCESS);
            assertThat(second.screen()).isEqualTo(first.screen());
            List<Long> seqs = second.logs().stream().map(Response.JobLog::seq).toList();
            assertThat(seqs)
                    .as("no gap, no duplicate")
                    .isEqualTo(java.util.stream.LongStream.rangeClosed(seqs.getFirst(), seqs.getLast())
                            .boxed()
                            .toList());
        }
    }

    @Test
    void attachRedrawsFromRecentOutputWhileJoinReplaysAll() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            String jobId = start(client, "big", ",\"interactive\":true");
            client.call(attach(jobId, ""), Response.JobJoined.class);
            client.awaitScreen("line 1999 ");
            try (TerminalClient late = TerminalClient.connect(daemon)) {
                late.call(attach(jobId, ""), Response.JobJoined.class);
                late.awaitScreen("line 1999 ");
                long replayed = late.logs().stream()
                        .mapToLong(l -> l.chunk().getBytes(StandardCharsets.UTF_8).length)
                        .sum();
                assertThat(late.logs().getFirst().seq()).isGreaterThan(1);
                assertThat(replayed).isGreaterThanOrEqualTo(64 * 1024).isLessThan(64 * 1024 + 40 * 1024);
                assertThat(late.screen()).doesNotContain("line 0 ");

                late.stdin(jobId, "\r");
                late.awaitDone();
            }
            client.awaitDone();
            try (TerminalClient joiner = TerminalClient.connect(daemon)) {
                joiner.call(
                        "{\"v\":1,\"type\":\"join-job\",\"id\":\"j\",\"jobId\":" + json(jobId) + "}",
                        Response.JobJoined.class);
                joiner.awaitDone();
                assertThat(joiner.logs().getFirst().seq()).isEqualTo(1);
                assertThat(joiner.screen()).startsWith("line 0 ");
                // The first client attached once output had begun: what it saw is the tail of the whole.
                assertThat(joiner.screen().endsWith(client.screen())).isTrue();
            }
        }
    }

    @Test
    void cancelKillsEveryProcessOfTheTerminal() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            String jobId = start(client, "tree", ",\"interactive\":true");
            client.call(attach(jobId, ""), Response.JobJoined.class);
            client.awaitScreen("started");
            assertThat(Processes.awaitSleeps(TREE, 2, 10_000))
                    .as("both sleeps start")
                    .hasSize(2);

            Response.JobDone done = client.call(
                    "{\"v\":1,\"type\":\"cancel-job\",\"id\":\"c\",\"jobId\":" + json(jobId) + "}",
                    Response.JobDone.class);

            assertThat(done.status()).isEqualTo(JobStatus.CANCELED);
            assertThat(Processes.awaitNoSleeps(TREE, 5_000)).isEmpty();
            StoredJob stored = StoredJob.read(databaseUrl, jobId);
            assertThat(stored.status()).isEqualTo("canceled");
            assertThat(stored.text("system")).contains("SIGHUP and SIGTERM").contains("SIGKILL");
        }
    }

    @Test
    void inputToAJobThatCannotTakeItIsRefusedWithACode() throws Exception {
        try (TerminalClient client = TerminalClient.connect(daemon)) {
            String plain = client.call(execute("plain", ""), Response.JobStarted.class)
                    .job()
                    .id();
            assertThat(client.call(
                            "{\"v\":1,\"type\":\"stdin\",\"id\":\"s1\",\"jobId\":" + json(plain) + ",\"data\":\"x\"}",
                            Response.ErrorReply.class))
                    .satisfies(e -> {
                        assertThat(e.id()).isEqualTo("s1");
                        assertThat(e.code()).isEqualTo(ErrorCode.NOT_INTERACTIVE);
                    });
            assertThat(client.call(
                                    "{\"v\":1,\"type\":\"resize\",\"id\":\"r1\",\"jobId\":" + json(plain)
                                            + ",\"cols\":10,\"rows\":10}",
                                    Response.ErrorReply.class)
                            .code())
                    .isEqualTo(ErrorCode.NOT_INTERACTIVE);
            client.call(
                    "{\"v\":1,\"type\":\"cancel-job\",\"id\":\"c\",\"jobId\":" + json(plain) + "}",
                    Response.JobDone.class);

            assertThat(client.call(
                                    "{\"v\":1,\"type\":\"stdin\",\"id\":\"s2\",\"jobId\":\"00000000\",\"data\":\"x\"}",
                                    Response.ErrorReply.class)
                            .code())
                    .isEqualTo(ErrorCode.UNKNOWN_JOB);

            String ended = start(client, "ask", ",\"interactive\":true");
            client.call(attach(ended, ""), Response.JobJoined.class);
            client.stdin(ended, "\r");
            client.awaitDone();
            assertThat(client.call(
                                    "{\"v\":1,\"type\":\"stdin\",\"id\":\"s3\",\"jobId\":" + json(ended)
                                            + ",\"data\":\"x\"}",
                                    Response.ErrorReply.class)
                            .code())
                    .isEqualTo(ErrorCode.JOB_ENDED);
        }
    }
}
