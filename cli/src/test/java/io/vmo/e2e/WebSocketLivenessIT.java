package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A WebSocket whose peer has gone silently — it neither sends anything nor takes what waits for it — is closed
 * after the daemon's ping goes unanswered, whether it was attached to a terminal or joined to a job in full flow;
 * a peer that reads slowly and never answers, one that reads nothing but sends heartbeats, and the CLI with a
 * paused reader are kept. The daemon runs with a 1 s ping interval and a 2 s timeout (and 2 s HTTP deadlines,
 * which must not touch WebSockets).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class WebSocketLivenessIT {

    static final Pattern STARTED = Pattern.compile("\"job:started\".*?\"job\":\\{\"id\":\"([0-9a-f-]{36})\"");
    /** ~170 MB: far more than every buffer between the daemon and a socket that does not read. */
    static final long FLOOD_LINES = 20_000_000;
    /** The daemon's line for each WebSocket it closes as dead; its reason, in a summed-up line too. */
    static final String NO_SIGN_OF_LIFE = "closed a WebSocket from 127.0.0.1: no sign of life";

    static final String SILENT_PEER = "no sign of life after a ping";

    TestDaemon daemon;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        daemon = TestDaemon.start(
                tmp.resolve("home"),
                postgres.newDatabase(),
                "--ws-ping-interval",
                "1",
                "--ws-ping-timeout",
                "2",
                "--request-timeout",
                "2",
                "--http-idle-timeout",
                "2");
        daemon.addProject("p", """
                flood:
                \t@seq 1 $(LINES)
                wait:
                \t@sleep 60
                """);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void aPeerThatNeitherSendsNorTakesAnythingIsClosedAttachedOrJoined() throws Exception {
        int logBefore = daemon.log().length(); // what this test makes the daemon log comes after
        try (WireSocket attached = WireSocket.open(daemon.address()).upgrade(daemon.token());
                WireSocket joined = WireSocket.open(daemon.address()).upgrade(daemon.token())) {
            String terminal = startAndJoin(attached, "wait", true);
            String flood = startAndJoin(joined, "flood", false);
            try {
                // Both go silent: neither reads nor writes. 1 s to the ping, 2 s to give up, ticks of 0.25 s.
                Thread.sleep(6_000);
                WireSocket.End idle = attached.readToEnd(Duration.ofSeconds(5));
                assertThat(idle.how())
                        .as("the silent terminal attachment, read 6 s on: %s", idle)
                        .isNotEqualTo("open");
                // Reading what was queued for it takes a moment; were it still open, the flood would go on and on.
                WireSocket.End busy = joined.readToEnd(Duration.ofSeconds(10));
                assertThat(busy.how())
                        .as("the silent viewer of a flood, read 6 s on: %s", busy)
                        .isNotEqualTo("open");
                assertThat(daemon.log().substring(logBefore).split(Pattern.quote(NO_SIGN_OF_LIFE), -1))
                        .as("the daemon's log, split at each line saying so: one for each socket")
                        .hasSize(3);
            } finally {
                assertThat(daemon.run("cancel", terminal).exitCode()).isZero();
                assertThat(daemon.run("cancel", flood).exitCode()).isZero();
            }
        }
    }

    @Test
    void aSlowReaderThatNeverAnswersPingsIsKept() throws Exception {
        int logBefore = daemon.log().length(); // what this test makes the daemon log comes after
        try (WireSocket slow = WireSocket.open(daemon.address()).upgrade(daemon.token())) {
            String flood = startAndJoin(slow, "flood", false);
            long reads = 0;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            try {
                // ~3 MB/s, a thirtieth of what the daemon could send, and never a frame back. Its ping waits behind
                // about 10 MB (the daemon's half megabyte, both sockets' buffers): 3 s to reach it, beyond the timeout.
                // What shows it alive is the daemon's data going out — in bursts, as the kernel frees half the
                // socket's send buffer at a time (about 0.6 s apart here; at the defaults' 30 s timeout a reader
                // of 70 KB/s is seen reading).
                while (System.nanoTime() < end) {
                    int n;
                    try {
                        n = slow.readSome(64 << 10, Duration.ofSeconds(2));
                    } catch (IOException e) {
                        throw new AssertionError(
                                "the slow reader's connection failed " + slow.age() + " s in, after " + reads
                                        + " reads: " + e + "; the daemon's log:\n" + daemon.logTail(15),
                                e);
                    }
                    assertThat(n).as("read %d, %.1f s in", reads, slow.age()).isNotNegative();
                    reads++;
                    Thread.sleep(20);
                }
                assertThat(daemon.log().substring(logBefore)).doesNotContain(SILENT_PEER);
            } finally {
                assertThat(daemon.run("cancel", flood).exitCode()).isZero();
            }
        }
    }

    @Test
    void aPeerThatReadsNothingButSendsHeartbeatsIsKept() throws Exception {
        int logBefore = daemon.log().length(); // what this test makes the daemon log comes after
        try (WireSocket paused = WireSocket.open(daemon.address()).upgrade(daemon.token())) {
            String flood = startAndJoin(paused, "flood", false);
            var heartbeat = Thread.ofPlatform().daemon().start(() -> {
                try {
                    while (true) {
                        paused.pong();
                        Thread.sleep(400);
                    }
                } catch (IOException | InterruptedException e) {
                    // done
                }
            });
            try {
                Thread.sleep(8_000);
                assertThat(daemon.log().substring(logBefore)).doesNotContain(SILENT_PEER);
                WireSocket.End end = paused.readToEnd(Duration.ofSeconds(3));
                assertThat(end.how())
                        .as("still open, 8 s without reading: %s", end)
                        .isEqualTo("open");
            } finally {
                heartbeat.interrupt();
                assertThat(daemon.run("cancel", flood).exitCode()).isZero();
            }
        }
    }

    @Test
    void theCliWithAPausedReaderKeepsItsConnectionThroughItsHeartbeat() throws Exception {
        int logBefore = daemon.log().length();
        // More than the CLI's 16 MiB window and every socket buffer on the way (up to 36 MB here) can hold, so
        // that the daemon is left with output the CLI does not take.
        long lines = FLOOD_LINES;
        Process cli = Vmo.command(
                        daemon.home(),
                        Map.of("VMO_DAEMON", daemon.address(), "VMO_HEARTBEAT_SECONDS", "0.5"),
                        List.of("run", "p", "flood", "--", "LINES=" + lines))
                .start();
        cli.getOutputStream().close();
        var stderr = CompletableFuture.supplyAsync(() -> readAll(cli.getErrorStream()));
        try {
            // Nobody reads its stdout: the CLI stops reading the socket once its window is full, some seconds in
            // (its JVM's start and the job's pace vary); without a heartbeat the daemon closed it 11 s in, and the
            // CLI resumed after its reconnect ("resuming after seq 3694").
            Thread.sleep(20_000);
            long bytes = cli.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            assertThat(cli.waitFor(300, TimeUnit.SECONDS)).isTrue();
            assertThat(cli.exitValue()).as("stderr: %s", stderr.join()).isZero();
            assertThat(bytes).isEqualTo(FlowControlIT.seqBytes(lines));
            assertThat(daemon.log().substring(logBefore))
                    .as("the daemon's log while the CLI's reader paused")
                    .doesNotContain(SILENT_PEER);
        } finally {
            cli.destroyForcibly();
        }
    }

    /**
     * Starts a job of project p over this socket and follows it there — attach-job for a terminal, else join-job
     * from the start; returns its id.
     */
    private static String startAndJoin(WireSocket socket, String target, boolean interactive) throws IOException {
        socket.text("{\"v\":1,\"type\":\"execute-command\",\"id\":\"s\",\"project\":\"p\",\"target\":\"" + target
                + "\",\"interactive\":" + interactive + ",\"args\":[\"LINES=" + FLOOD_LINES + "\"]}");
        String jobId = socket.readUntil(STARTED, Duration.ofSeconds(30)).group(1);
        socket.text("{\"v\":1,\"type\":\"" + (interactive ? "attach-job" : "join-job") + "\",\"id\":\"j\",\"jobId\":\""
                + jobId + "\"}");
        socket.readUntil("\"type\":\"job:joined\"", Duration.ofSeconds(30));
        return jobId;
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
