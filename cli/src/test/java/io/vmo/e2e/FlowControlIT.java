package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * `vmo run flood | less` with the pager not reading: the CLI stops taking output from the daemon (a bounded
 * receive window, TCP back-pressure) instead of holding the job's whole output in its heap; once read, the output is
 * complete, in order, once — whether the daemon meanwhile dropped the CLI for being behind (it then resumes from the
 * store) or just stopped sending.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ExtendWith(SharedPostgres.Resolver.class)
class FlowControlIT {

    /** `seq 1 40000000`: 348,888,897 bytes, more than the daemon's 256 MiB drop limit plus every buffer on the way. */
    static final long LINES = 40_000_000;

    static final long PAUSE_MILLIS = 30_000;
    /**
     * The unbounded client queued what the daemon sent: 280–420 MB RSS in a 30 s pause (the daemon dropped it at 256
     * MiB behind, or the whole job fit). With the 16 MiB window and the launcher's 24 MB young generation: ~125 MB.
     */
    static final long MAX_RSS_KB = 200 * 1024;

    TestDaemon daemon;

    @BeforeAll
    void startDaemon(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase());
        daemon.addProject("vm", """
                flood:
                \t@seq 1 $(LINES)
                """);
    }

    @AfterAll
    void stopDaemon() throws Exception {
        daemon.close();
    }

    @Test
    void aReaderThatPausesKeepsTheCliFlatAndStillGetsEveryLineOnceInOrder() throws Exception {
        Process cli = daemon.cli("run", "vm", "flood", "--", "LINES=" + LINES).start();
        cli.getOutputStream().close();
        var stderr = CompletableFuture.supplyAsync(() -> readAll(cli.getErrorStream()));
        try {
            // The CLI's stdout is a pipe nobody reads: its 64 KiB fill at once, then the CLI's writes block.
            List<Long> rss = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PAUSE_MILLIS);
            while (System.nanoTime() < end && cli.isAlive()) {
                long kb = vmRssKb(cli.pid());
                if (kb > 0) {
                    rss.add(kb);
                }
                Thread.sleep(500);
            }
            long maxRss = rss.stream().mapToLong(Long::longValue).max().orElse(-1);
            System.out.println("FlowControlIT: CLI VmRSS during the " + PAUSE_MILLIS / 1000 + " s pause, kB: first "
                    + (rss.isEmpty() ? -1 : rss.getFirst()) + ", max " + maxRss + ", last "
                    + (rss.isEmpty() ? -1 : rss.getLast()) + " (" + rss.size() + " samples)");

            long t0 = System.nanoTime();
            Check check = check(cli.getInputStream());
            assertThat(cli.waitFor(300, TimeUnit.SECONDS))
                    .as("the CLI ends once its output is read")
                    .isTrue();
            String err = stderr.get(30, TimeUnit.SECONDS);
            System.out.println("FlowControlIT: read " + check.bytes + " bytes in "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms after the pause; the CLI's stderr: " + err.strip());

            assertThat(check.problem).as("the output, line by line").isNull();
            assertThat(check.lines).as("lines printed").isEqualTo(LINES);
            assertThat(check.bytes).as("bytes printed").isEqualTo(seqBytes(LINES));
            assertThat(cli.exitValue()).as("exit code; stderr: " + err).isZero();
            assertThat(maxRss)
                    .as("the CLI's highest VmRSS (kB) while its reader paused")
                    .isPositive()
                    .isLessThanOrEqualTo(MAX_RSS_KB);
        } finally {
            cli.descendants().forEach(ProcessHandle::destroyForcibly);
            cli.destroyForcibly();
        }
    }

    /** What reading the CLI's stdout to its end found. */
    private record Check(long lines, long bytes, String problem) {}

    /** Reads to the end, checking that line n is exactly the decimal n, for n = 1, 2, …: each once, in order. */
    private static Check check(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        long expected = 1;
        long value = 0;
        int digits = 0;
        long bytes = 0;
        String problem = null;
        for (int b; (b = in.read()) != -1; ) {
            bytes++;
            if (b == '\n') {
                if (problem == null && (digits == 0 || value != expected)) {
                    problem = "line " + expected + " is \"" + (digits == 0 ? "" : value) + "\" (at byte " + bytes + ")";
                }
                expected++;
                value = 0;
                digits = 0;
            } else if (b >= '0' && b <= '9' && digits < 18) {
                value = value * 10 + (b - '0');
                digits++;
            } else if (problem == null) {
                problem = "line " + expected + " holds byte " + b + " (at byte " + bytes + ")";
            }
        }
        if (problem == null && digits > 0) {
            problem = "the output ends inside line " + expected;
        }
        return new Check(expected - 1, bytes, problem);
    }

    /** The size of `seq 1 n`'s output. */
    static long seqBytes(long n) {
        long total = 0;
        for (long low = 1, digits = 1; low <= n; low *= 10, digits++) {
            long high = Math.min(n, low * 10 - 1);
            total += (high - low + 1) * (digits + 1);
        }
        return total;
    }

    private static long vmRssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process has gone
        }
        return -1;
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
