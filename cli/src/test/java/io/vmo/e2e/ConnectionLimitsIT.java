package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vmo.cli.DaemonClient;
import io.vmo.protocol.Request;
import io.vmo.protocol.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one client connection may take of the daemon, against a real daemon over real sockets: a request that
 * does not arrive whole in time is answered 408 and closed (300 sockets trickling their headers are all closed at
 * the deadline, while /healthz and `vmo jobs` stay fast), an idle keep-alive connection is closed, one address
 * beyond its share of connections is refused with 429 (and another address is not), and malformed WebSocket frames
 * are each one line in the daemon's log — at most {@link #LINES_PER_PERIOD} per address in 10 s, the rest summed up
 * in one line — never a trace.
 */
@ExtendWith(SharedPostgres.Resolver.class)
class ConnectionLimitsIT {

    /** io.vmo.daemon.web.RefusalLog.LINES_PER_PERIOD: refusal lines per address in 10 s; the rest are summed up. */
    static final int LINES_PER_PERIOD = 3;

    static final int TRICKLERS = 300;
    /** The daemon's default --request-timeout. */
    static final double REQUEST_TIMEOUT = 10;

    @TempDir
    Path tmp;

    @Test
    void threeHundredTricklingSocketsAreAnswered408AndClosedAtTheDeadlineWhileTheDaemonStaysFast(
            SharedPostgres postgres) throws Exception {
        // Loopback is one peer: the share must hold the tricklers and the test's own clients.
        try (TestDaemon daemon = TestDaemon.start(
                        tmp.resolve("home"), postgres.newDatabase(), "--max-connections-per-peer", "400");
                ExecutorService readers = Executors.newVirtualThreadPerTaskExecutor()) {
            daemon.addProject("p", "quick:\n\t@echo hi\n");
            String jobId = daemon.run("run", "-d", "p", "quick").out().strip();
            // Before the tricklers: a baseline, and this JVM's clients warmed up (the first use of each is slow).
            long quietMillis = listJobsMillis(daemon);
            assertThat(daemon.get("/healthz", Duration.ofSeconds(30)).statusCode())
                    .isEqualTo(200);
            List<WireSocket> sockets = new ArrayList<>();
            Thread trickler = null;
            try {
                for (int i = 0; i < TRICKLERS; i++) {
                    sockets.add(WireSocket.open(daemon.address())
                            .write("GET /healthz HTTP/1.1\r\nHost: " + daemon.address() + "\r\nX-Trickle: "));
                }
                List<CompletableFuture<WireSocket.End>> ends = sockets.stream()
                        .map(s -> CompletableFuture.supplyAsync(() -> readToEnd(s, Duration.ofSeconds(25)), readers))
                        .toList();
                trickler = Thread.ofPlatform().daemon().name("trickler").start(() -> trickle(sockets));
                List<Long> listMillis = new ArrayList<>();
                // 2 s, not the 1 s of other fault tests: the 300 deadlines fall due together, on 2 cores shared with
                // this JVM's 300 readers waking at once (one /healthz took 1.08 s then on a machine at load 14).
                try (Responsiveness watch = Responsiveness.watch(daemon, jobId, Duration.ofSeconds(2))) {
                    for (int i = 0; i < 3; i++) {
                        // `vmo jobs` itself (its JVM's start is the machine's business, not the daemon's) ...
                        Vmo.Result jobs = daemon.run("jobs");
                        assertThat(jobs.exitCode()).as("vmo jobs: %s", jobs).isZero();
                        assertThat(jobs.out()).contains(jobId.substring(0, 8));
                        // ... and its request, timed, over a new connection as the CLI makes it
                        listMillis.add(listJobsMillis(daemon));
                        Thread.sleep(1_000);
                    }
                    CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new))
                            .get(60, TimeUnit.SECONDS);
                    assertThat(watch.problems())
                            .as("/healthz and /api/jobs/ID under %d trickling sockets (%s)", TRICKLERS, watch.summary())
                            .isEmpty();
                }
                assertThat(listMillis)
                        .as("connect + list-jobs, as `vmo jobs` does (ms; %d ms before the tricklers)", quietMillis)
                        .allMatch(ms -> ms < 1_000);
                for (int i = 0; i < TRICKLERS; i++) {
                    WireSocket.End end = ends.get(i).join();
                    assertThat(end.how()).as("trickling socket %d: %s", i, end).isNotEqualTo("open");
                    assertThat(end.atSeconds())
                            .as("when trickling socket %d was closed: %s", i, end)
                            .isBetween(REQUEST_TIMEOUT - 0.5, REQUEST_TIMEOUT + 3);
                    assertThat(end.start())
                            .as("trickling socket %d", i)
                            .startsWith("HTTP/1.1 408 Request Timeout")
                            .contains("Connection: close")
                            .contains("\"code\":\"request-timeout\"")
                            .contains("within 10 s");
                }
            } finally {
                if (trickler != null) {
                    trickler.interrupt();
                }
                for (WireSocket s : sockets) {
                    s.close();
                }
            }
            List<String> lines = daemon.log()
                    .lines()
                    .filter(l -> l.contains("refused a request from 127.0.0.1 (request-timeout)"))
                    .toList();
            assertThat(lines)
                    .as("one line per refusal, at most %d in 10 s from one address", LINES_PER_PERIOD)
                    .hasSize(LINES_PER_PERIOD);
            assertThat(lines.getFirst())
                    .endsWith("the request did not arrive whole in time; within 10 s of the" + " connection's opening");
            assertThat(awaitLog(
                            daemon,
                            "refused " + (TRICKLERS - LINES_PER_PERIOD) + " more request(s) from"
                                    + " 127.0.0.1 in the last 10 s: " + (TRICKLERS - LINES_PER_PERIOD)
                                    + " x the request did not arrive"
                                    + " whole in time"))
                    .as("the rest, summed up")
                    .isTrue();
            assertThat(daemon.log()).doesNotContain("\tat ");
        }
    }

    @Test
    void silentAndIdleConnectionsAreClosedAndASlowButTimelyRequestIsAnswered(SharedPostgres postgres) throws Exception {
        try (TestDaemon daemon = TestDaemon.start(
                tmp.resolve("home"), postgres.newDatabase(), "--request-timeout", "2", "--http-idle-timeout", "2")) {
            String healthz = "GET /healthz HTTP/1.1\r\nHost: " + daemon.address() + "\r\n\r\n";

            try (WireSocket silent = WireSocket.open(daemon.address())) {
                WireSocket.End end = silent.readToEnd(Duration.ofSeconds(10));
                assertThat(end.how())
                        .as("a connection that sends nothing: %s", end)
                        .isNotEqualTo("open");
                assertThat(end.bytes())
                        .as("nothing asked, nothing answered: %s", end)
                        .isZero();
                assertThat(end.atSeconds()).isBetween(1.5, 5.0);
            }

            try (WireSocket slow = WireSocket.open(daemon.address())) {
                for (String part : healthz.split("(?<=\n)")) {
                    slow.write(part);
                    Thread.sleep(300); // 1.2 s in all: slow, but within the 2 s
                }
                assertThat(slow.readHead()).startsWith("HTTP/1.1 200");
                slow.readUntil("\"store\":\"ok\"}", Duration.ofSeconds(5));
                // kept alive: a second request, a second after the first answer, is answered too
                Thread.sleep(1_000);
                slow.write(healthz);
                assertThat(slow.readHead()).startsWith("HTTP/1.1 200");
                slow.readUntil("\"store\":\"ok\"}", Duration.ofSeconds(5));
                double answered = slow.age();
                WireSocket.End end = slow.readToEnd(Duration.ofSeconds(10));
                assertThat(end.how())
                        .as("a kept-alive connection left idle: %s", end)
                        .isNotEqualTo("open");
                assertThat(end.bytes()).isZero();
                assertThat(end.atSeconds() - answered)
                        .as("seconds idle before the daemon closed it")
                        .isBetween(1.5, 5.0);
            }

            try (WireSocket again = WireSocket.open(daemon.address())) {
                again.write(healthz);
                again.readUntil("\"store\":\"ok\"}", Duration.ofSeconds(5));
                again.write("GET /healthz HTTP/1.1\r\nHost: "); // a next request that never ends
                double started = again.age();
                WireSocket.End end = again.readToEnd(Duration.ofSeconds(10));
                assertThat(end.start())
                        .startsWith("HTTP/1.1 408")
                        .contains("\"code\":\"request-timeout\"")
                        .contains("of its first byte");
                assertThat(end.atSeconds() - started).isBetween(1.5, 5.0);
            }
        }
    }

    @Test
    void anAddressBeyondItsShareOfConnectionsIsRefusedWith429AndAnotherAddressIsNot(SharedPostgres postgres)
            throws Exception {
        try (TestDaemon daemon =
                TestDaemon.start(tmp.resolve("home"), postgres.newDatabase(), "--max-connections-per-peer", "4")) {
            String healthz = "GET /healthz HTTP/1.1\r\nHost: " + daemon.address() + "\r\nConnection: close\r\n\r\n";
            List<WireSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    held.add(WireSocket.open(daemon.address()));
                }
                try (WireSocket fifth = WireSocket.open(daemon.address())) {
                    WireSocket.End end = fifth.write(healthz).readToEnd(Duration.ofSeconds(5));
                    assertThat(end.how()).as("%s", end).isNotEqualTo("open");
                    assertThat(end.start())
                            .startsWith("HTTP/1.1 429 Too Many Requests")
                            .contains("\"code\":\"too-many-connections\"")
                            .contains("127.0.0.1 already has 4 connections open")
                            .contains("--max-connections-per-peer");
                }
                Vmo.Result jobs = daemon.run("jobs");
                assertThat(jobs.exitCode()).as("%s", jobs).isNotZero();
                assertThat(jobs.err())
                        .as("%s", jobs)
                        .contains("HTTP 429")
                        .contains("already has 4 connections open")
                        .hasLineCount(1);
                // 127.0.0.2 is loopback too, but another address: its share is its own
                try (WireSocket other = WireSocket.open(daemon.address(), "127.0.0.2")) {
                    WireSocket.End end = other.write(healthz).readToEnd(Duration.ofSeconds(5));
                    assertThat(end.start()).as("%s", end).startsWith("HTTP/1.1 200");
                }
                held.removeFirst().close();
                assertThat(answersWithin(daemon, healthz, Duration.ofSeconds(5)))
                        .as("a connection once one of the four has closed")
                        .startsWith("HTTP/1.1 200");
            } finally {
                for (WireSocket s : held) {
                    s.close();
                }
            }
            assertThat(daemon.log())
                    .contains("refused a connection from 127.0.0.1 (too-many-connections): too many"
                            + " connections open from this address; 4 open already");
        }
    }

    @Test
    void malformedWebSocketFramesAreOneLineEachInTheLogAFewIn10sAndNeverATrace(SharedPostgres postgres)
            throws Exception {
        record Bad(String what, int first, byte[] payload, boolean masked) {}
        List<Bad> kinds = List.of(
                new Bad("reserved opcode", 0x83, new byte[] {1, 2}, true),
                new Bad("unmasked", 0x81, "{}".getBytes(), false),
                new Bad("RSV1 without an extension", 0xC1, "{}".getBytes(), true),
                new Bad("invalid UTF-8", 0x81, new byte[] {(byte) 0xC3, 0x28}, true),
                new Bad("fragmented ping", 0x09, new byte[0], true),
                new Bad("ping over 125 bytes", 0x89, new byte[126], true));
        int sent = 4 * kinds.size();
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase())) {
            // From an address of their own (no other refusal shares their 10 s), all open first, so that the frames
            // go within a moment: one period of the log's.
            List<WireSocket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < sent; i++) {
                    sockets.add(WireSocket.open(daemon.address(), "127.0.0.3").upgrade(daemon.token()));
                }
                for (int i = 0; i < sent; i++) {
                    Bad bad = kinds.get(i % kinds.size());
                    sockets.get(i).frame(bad.first(), bad.payload(), bad.masked());
                }
                for (int i = 0; i < sent; i++) {
                    Bad bad = kinds.get(i % kinds.size());
                    WireSocket.End end = sockets.get(i).readToEnd(Duration.ofSeconds(5));
                    assertThat(end.how())
                            .as("after a frame %s: %s", bad.what(), end)
                            .isNotEqualTo("open");
                    assertThat(end.start())
                            .as("the daemon's answer to a frame %s", bad.what())
                            .startsWith(String.valueOf((char) 0x88)); // a close frame, with its code
                }
            } finally {
                for (WireSocket s : sockets) {
                    s.close();
                }
            }
            List<String> lines = daemon.log()
                    .lines()
                    .filter(l -> l.contains("closed a WebSocket frame from 127.0.0.3: malformed WebSocket frame"))
                    .toList();
            assertThat(lines)
                    .as("%d malformed frames from one address: one line each, the first %d", sent, LINES_PER_PERIOD)
                    .hasSize(LINES_PER_PERIOD)
                    .allSatisfy(l -> assertThat(l).containsPattern("; close code 100[27] [A-Za-z ]+: .+"));
            assertThat(awaitLog(
                            daemon,
                            "refused " + (sent - LINES_PER_PERIOD) + " more request(s) from 127.0.0.3 in"
                                    + " the last 10 s: " + (sent - LINES_PER_PERIOD) + " x malformed WebSocket frame"))
                    .as("the rest, summed up")
                    .isTrue();
            assertThat(daemon.log()).doesNotContain("\tat ").doesNotContain("reached at the tail of the pipeline");
            // and the daemon is as it was
            try (RawSocket socket = RawSocket.connect(daemon)) {
                assertThat(socket.send("{\"v\":1,\"type\":\"list-jobs\",\"id\":\"z\"}")
                                .next())
                        .contains("job:list");
            }
        }
    }

    /** Whether the daemon's log holds {@code text} within 15 s (a summary comes at the end of its 10 s). */
    private static boolean awaitLog(TestDaemon daemon, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!daemon.log().contains(text)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(200);
        }
        return true;
    }

    /** Connects as the CLI does and lists jobs; how long that took. */
    private static long listJobsMillis(TestDaemon daemon) {
        long start = System.nanoTime();
        try (DaemonClient client = daemon.connect()) {
            client.call(new Request.ListJobs(client.nextId(), 20), Response.JobList.class);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static String answersWithin(TestDaemon daemon, String request, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try (WireSocket socket = WireSocket.open(daemon.address())) {
                String start =
                        socket.write(request).readToEnd(Duration.ofSeconds(5)).start();
                if (start.startsWith("HTTP/1.1 200") || System.nanoTime() > deadline) {
                    return start;
                }
            }
            Thread.sleep(100);
        }
    }

    /** A byte a second on each socket, for as long as the test runs: each header line grows, none ends. */
    private static void trickle(List<WireSocket> sockets) {
        while (!Thread.currentThread().isInterrupted()) {
            for (WireSocket s : sockets) {
                try {
                    s.write("a");
                } catch (IOException e) {
                    // closed by the daemon: that socket is done
                }
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static WireSocket.End readToEnd(WireSocket socket, Duration limit) {
        try {
            return socket.readToEnd(limit);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
