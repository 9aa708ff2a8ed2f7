package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded PostgreSQL's disk fills up while a job writes: the daemon says so on /healthz, stays responsive, keeps
 * the job's output in memory and then back-pressures the job (its pipe fills, it blocks in write) — nothing is
 * dropped; once space is freed the store recovers by itself and the job ends with every byte stored.
 *
 * <p>The data directory is a tmpfs of its own (the job's copy of its output stays outside it), filled to the last
 * byte with a filler file.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class DiskFullIT {

    static final Pattern STORE_OK = Pattern.compile("\"store\"\\s*:\\s*\"ok\"");
    static final Pattern STORE_DOWN = Pattern.compile("\"store\"\\s*:\\s*\"down\"");
    static final long MIB = 1 << 20;

    @TempDir
    Path tmp;

    Path pgData;
    boolean mounted;
    TestDaemon daemon;
    Path dir;

    @BeforeEach
    void mountSmallDisk() throws Exception {
        pgData = Files.createDirectories(tmp.resolve("home/.local/state/vmo/postgres"));
        // 512 MB: initdb takes ~40 MB, and the ~100 MB of output this test stores take about twice that with WAL.
        var mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=512m,mode=0700", "tmpfs", pgData.toString())
                .redirectErrorStream(true)
                .start();
        String out = new String(mount.getInputStream().readAllBytes());
        mounted = mount.waitFor() == 0;
        assumeTrue(mounted, "cannot mount a tmpfs here (" + out.strip() + ")");
    }

    @AfterEach
    void cleanUp() throws Exception {
        Files.deleteIfExists(pgData.resolve("filler"));
        if (dir != null) {
            Files.writeString(dir.resolve("stop"), "");
        }
        if (daemon != null) {
            daemon.close();
            daemon.killEmbeddedPostgres();
        }
        if (mounted) {
            // Backends of a killed postmaster exit by themselves, but may still hold files for a moment.
            for (int i = 0;
                    i < 50
                            && new ProcessBuilder("umount", pgData.toString())
                                            .start()
                                            .waitFor()
                                    != 0;
                    i++) {
                Thread.sleep(200);
            }
            new ProcessBuilder("umount", "-l", pgData.toString()).start().waitFor(); // no-op once unmounted
        }
    }

    @Test
    void aFullDiskDelaysOutputButNeverDropsIt() throws Exception {
        daemon = TestDaemon.start(tmp.resolve("home"), null);
        dir = daemon.addProject("gen", "");
        Generator.install(dir);
        Path copy = dir.resolve("copy-steady");
        // Bursts of 4 x 500 lines (~55 KB) 5 ms apart, 5 ms pauses: some 5-8 MB/s, until the stop file appears.
        Files.writeString(
                dir.resolve("Makefile"),
                "steady:\n"
                        + Generator.recipe(
                                dir, "steady", 500, 4, "0.005", "5", 100_000, dir.resolve("stop"), copy.toString()));
        var started = daemon.run("run", "-d", "gen", "steady");
        assertThat(started.exitCode()).as(started.toString()).isZero();
        String jobId = started.out().strip();

        StoredCount stored = new StoredCount(daemon, jobId);
        long deadline = System.currentTimeMillis() + 30_000;
        while (stored.read() < 5 * MIB) {
            assertThat(System.currentTimeMillis()).as("5 MB of output stored").isLessThan(deadline);
            Thread.sleep(100);
        }

        SoftAssertions softly = new SoftAssertions();
        try (Responsiveness responsiveness = Responsiveness.watch(daemon, jobId, Duration.ofSeconds(1))) {
            Thread countThread = Thread.ofPlatform().daemon().start(stored::poll);
            long fillStart = System.currentTimeMillis();
            var dd = new ProcessBuilder("dd", "if=/dev/zero", "of=" + pgData.resolve("filler"), "bs=1M")
                    .redirectErrorStream(true)
                    .start();
            String ddOut = new String(dd.getInputStream().readAllBytes());
            assertThat(dd.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(ddOut).as("dd fills the disk").contains("No space left on device");

            // /healthz says the store is down, and why, within 10 s.
            String health = awaitHealth(STORE_DOWN, 503, Duration.ofSeconds(10));
            softly.assertThat(health)
                    .as("/healthz within 10 s of the disk filling up")
                    .startsWith("503 ")
                    .containsPattern(STORE_DOWN)
                    .contains("\"problem\"")
                    .containsPattern("(?i)no space left on device|space");

            // The job is back-pressured: its copy stops growing while the disk stays full.
            long stalledAt = -1;
            long last = Files.size(copy);
            long lastChange = System.currentTimeMillis();
            long stallDeadline = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < stallDeadline) {
                Thread.sleep(100);
                long size = Files.size(copy);
                if (size != last) {
                    last = size;
                    lastChange = System.currentTimeMillis();
                } else if (System.currentTimeMillis() - lastChange >= 3_000) {
                    stalledAt = size;
                    break;
                }
            }
            long storedBefore = stored.lastSeen();
            softly.assertThat(stalledAt)
                    .as(
                            "the job's output stopped growing for 3 s while the disk was full"
                                    + " (it reached %d bytes; %d stored when the store was last readable)",
                            last, storedBefore)
                    .isPositive();
            if (stalledAt > 0) {
                softly.assertThat(stalledAt - storedBefore)
                        .as(
                                "output held beyond what the store had (%d MiB): at most the writer's 64 MiB queue,"
                                        + " what is in flight and the pipe",
                                (stalledAt - storedBefore) / MIB)
                        .isLessThanOrEqualTo(200 * MIB);
            }
            softly.assertThat(daemon.isAlive())
                    .as("the daemon is alive with the disk full")
                    .isTrue();
            String stillFull = health();
            softly.assertThat(stillFull)
                    .as("/healthz while the disk is still full")
                    .startsWith("503 ")
                    .containsPattern(STORE_DOWN);
            System.out.printf(
                    "disk full after %d ms; job stalled at %d bytes (%d stored); healthz: %s%n",
                    System.currentTimeMillis() - fillStart, stalledAt, storedBefore, stillFull);

            // Free the space: the store recovers by itself (restarting PostgreSQL if it PANICked).
            Files.delete(pgData.resolve("filler"));
            String recovered = awaitHealth(STORE_OK, 200, Duration.ofSeconds(30));
            softly.assertThat(recovered)
                    .as("/healthz within 30 s of space being freed")
                    .startsWith("200 ")
                    .containsPattern(STORE_OK);
            long resumedDeadline = System.currentTimeMillis() + 20_000;
            long before = Files.size(copy);
            while (Files.size(copy) == before && System.currentTimeMillis() < resumedDeadline) {
                Thread.sleep(100);
            }
            softly.assertThat(Files.size(copy))
                    .as("the job writes again once space is freed")
                    .isGreaterThan(before);
            Files.writeString(dir.resolve("stop"), "");
            countThread.interrupt();

            StoredJob end = awaitEnd(daemon, jobId, Duration.ofSeconds(60));
            softly.assertThat(end.status())
                    .as("the job's stored status; its system events: %s", end.text("system"))
                    .isEqualTo("success");
            softly.assertThat(OutputCheck.problems("job " + jobId, end, Files.readAllBytes(copy)))
                    .isEmpty();
            softly.assertThat(Files.readString(copy)).contains("steady end after");
            responsiveness.close();
            softly.assertThat(responsiveness.problems())
                    .as("requests slower than 1 s or unanswered (%s)", responsiveness.summary())
                    .isEmpty();
        } catch (Throwable t) { // report it together with what failed before
            softly.fail("stopped early: " + t, t);
        } finally {
            softly.assertAll();
        }
    }

    private String health() {
        try {
            var response = daemon.get("/healthz", Duration.ofSeconds(2));
            return response.statusCode() + " " + response.body();
        } catch (Exception e) {
            return "no answer: " + e;
        }
    }

    /** Polls /healthz until it answers this status with a body matching; returns the last answer either way. */
    private String awaitHealth(Pattern body, int status, Duration within) throws InterruptedException {
        long deadline = System.currentTimeMillis() + within.toMillis();
        String health = health();
        while (!(health.startsWith(status + " ") && body.matcher(health).find())
                && System.currentTimeMillis() < deadline) {
            Thread.sleep(200);
            health = health();
        }
        return health;
    }

    static StoredJob awaitEnd(TestDaemon daemon, String jobId, Duration within) throws Exception {
        long deadline = System.currentTimeMillis() + within.toMillis();
        while (true) {
            try {
                StoredJob stored = StoredJob.read(daemon.embeddedJdbcUrl(), jobId);
                if (!"running".equals(stored.status())) {
                    return stored;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError("job " + jobId + " still stored as running after " + within
                            + "; stored " + stored.bytes("stdout").length + " bytes of stdout so far; daemon log:\n"
                            + daemon.logTail(20) + "\n--- postgres.log\n" + daemon.postgresLogTail(10));
                }
            } catch (java.sql.SQLException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new AssertionError(
                            "the store is still unreadable " + within + " after space was freed: "
                                    + e + "\n--- daemon.log\n" + daemon.logTail(20) + "\n--- postgres.log\n"
                                    + daemon.postgresLogTail(10),
                            e);
                }
            }
            Thread.sleep(250);
        }
    }

    /** How many bytes of the job's stdout the store holds, read with plain JDBC; remembers the last successful read. */
    static final class StoredCount {
        private final TestDaemon daemon;
        private final UUID jobId;
        private volatile long lastSeen;

        StoredCount(TestDaemon daemon, String jobId) {
            this.daemon = daemon;
            this.jobId = UUID.fromString(jobId);
        }

        long read() throws IOException, java.sql.SQLException {
            try (var c = DriverManager.getConnection(daemon.embeddedJdbcUrl());
                    var s = c.prepareStatement("select coalesce(sum(length(data)), 0) from job_events"
                            + " where job_id = ? and stream = 'stdout'")) {
                s.setObject(1, jobId);
                var rs = s.executeQuery();
                rs.next();
                lastSeen = rs.getLong(1);
                return lastSeen;
            }
        }

        /** Reads every 250 ms until interrupted, ignoring failures (the store is expected to be down at times). */
        void poll() {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    read();
                } catch (Exception e) {
                    // down: lastSeen keeps the last value the store gave
                }
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** The stored byte count last read, a lower bound of what the store held since. */
        long lastSeen() {
            return lastSeen;
        }
    }
}
