package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Durability through crashes of the embedded PostgreSQL: its postmaster is SIGKILLed 20 times while jobs write, and
 * the daemon restarts it by itself each time; afterwards every job's stored stdout is exactly what the job wrote
 * (its own copy, kept with {@code tee}), once, in order, with seqs 1..N.
 *
 * <p>The kills land at different moments of the daemon's work: just after a pause in the output began (the writer
 * may hold output committed without waiting for the WAL flush), in the middle of a burst, and while a job ends (its
 * end queued, not yet stored).
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class PostgresCrashIT {

    static final int KILLS = 20;
    /** How long the copy must stay the same size to count as a pause (the parts of a burst are ~10 ms apart). */
    static final long PAUSE_MILLIS = 25;

    static final Pattern STORE_OK = Pattern.compile("\"store\"\\s*:\\s*\"ok\"");

    @TempDir
    Path tmp;

    TestDaemon daemon;
    Path dir;

    @AfterEach
    void stop() throws Exception {
        if (dir != null) {
            Files.writeString(dir.resolve("stop"), ""); // every generator ends at its next burst
        }
        if (daemon != null) {
            daemon.close();
            daemon.killEmbeddedPostgres(); // if the daemon could not stop it
        }
    }

    @Test
    void everyByteReachesTheStoreOnceThroughTwentyPostmasterKills() throws Exception {
        daemon = TestDaemon.start(tmp.resolve("home"), null);
        // dir is known only once the project exists: write the Makefile after.
        dir = daemon.addProject("gen", "");
        Generator.install(dir);
        Path stop = dir.resolve("stop");
        // long: bursts of 4 x 300 lines (~130 KB), parts 10 ms apart, then a pause of 100-300 ms (~0.4-0.5 MB/s);
        // at most ~2.5 min. short: 3000 lines (~330 KB) at once, then a marker file: the job is about to end.
        Files.writeString(
                dir.resolve("Makefile"),
                "long:\n"
                        + Generator.recipe(
                                dir,
                                "long",
                                300,
                                4,
                                "0.01",
                                "100,130,160,200,300",
                                600,
                                stop,
                                dir.resolve("copy-long").toString())
                        + "short:\n"
                        + Generator.recipe(
                                        dir,
                                        "short$(K)",
                                        3000,
                                        1,
                                        "0",
                                        "",
                                        1,
                                        null,
                                        dir.resolve("copy-short$(K)").toString())
                                .replace("\n", "; touch " + dir.resolve("done-short$(K)") + "\n"));

        Map<String, Path> copies = new LinkedHashMap<>(); // job id -> the job's own copy of its stdout
        String longJob = start("long");
        copies.put(longJob, dir.resolve("copy-long"));
        Path longCopy = dir.resolve("copy-long");
        awaitGrowing(longCopy);

        List<String> kills = new ArrayList<>();
        long[] pauseDelays = {30, 50, 80, 110, 150};
        long[] burstDelays = {0, 10, 20, 30, 40};
        long[] endDelays = {0, 5, 15, 30, 60, 100};
        for (int i = 0; i < KILLS; i++) {
            long postmaster = daemon.postmaster()
                    .orElseThrow(() -> new AssertionError("no postmaster running"))
                    .pid();
            String when;
            switch (i % 3) {
                case 0 -> {
                    long delay = pauseDelays[(i / 3) % pauseDelays.length];
                    long pauseBegan = awaitPause(longCopy);
                    sleepUntil(pauseBegan + delay);
                    kill(postmaster);
                    when = delay + " ms after a pause began";
                }
                case 1 -> {
                    long delay = burstDelays[(i / 3) % burstDelays.length];
                    awaitPause(longCopy);
                    long burstBegan = awaitGrowth(longCopy);
                    sleepUntil(burstBegan + delay);
                    kill(postmaster);
                    when = delay + " ms into a burst";
                }
                default -> {
                    long delay = endDelays[(i / 3) % endDelays.length];
                    String k = Integer.toString(i);
                    String shortJob = start("short", "--", "K=" + k);
                    copies.put(shortJob, dir.resolve("copy-short" + k));
                    Path done = dir.resolve("done-short" + k);
                    long deadline = System.currentTimeMillis() + 30_000;
                    while (!Files.exists(done)) {
                        assertThat(System.currentTimeMillis())
                                .as("short job %s did not finish writing", shortJob)
                                .isLessThan(deadline);
                        Thread.sleep(1);
                    }
                    sleepUntil(System.currentTimeMillis() + delay);
                    kill(postmaster);
                    when = delay + " ms after short job " + shortJob.substring(0, 8) + " wrote its last line";
                }
            }
            long killed = System.currentTimeMillis();
            long size = Files.size(longCopy);
            long newPostmaster = awaitRestart(postmaster, i + 1, when);
            kills.add(String.format(
                    "kill #%d of postmaster %d %s (long job's copy at %d bytes); back as %d after %d ms",
                    i + 1, postmaster, when, size, newPostmaster, System.currentTimeMillis() - killed));
        }
        System.out.println(String.join("\n", kills));

        Files.writeString(stop, "");
        String jdbcUrl = daemon.embeddedJdbcUrl();
        long deadline = System.currentTimeMillis() + 60_000;
        List<String> problems = new ArrayList<>();
        for (var job : copies.entrySet()) {
            StoredJob stored = awaitEnd(jdbcUrl, job.getKey(), deadline);
            String what = "job " + job.getKey() + " (" + job.getValue().getFileName() + ")";
            if (!"success".equals(stored.status()) || !Integer.valueOf(0).equals(stored.exitCode())) {
                problems.add(what + ": stored as " + stored.status() + " with exit code " + stored.exitCode()
                        + " (system events: " + stored.text("system").strip() + ")");
            }
            problems.addAll(OutputCheck.problems(what, stored, Files.readAllBytes(job.getValue())));
        }
        assertThat(problems)
                .as("what the store holds after %d postmaster kills:\n%s", KILLS, String.join("\n", kills))
                .isEmpty();
        assertThat(Files.readString(longCopy)).contains("long end after");
    }

    private String start(String... targetAndArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", "-d", "gen"));
        args.addAll(List.of(targetAndArgs));
        Vmo.Result result = daemon.run(args.toArray(String[]::new));
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result.out().strip();
    }

    private void kill(long postmaster) {
        ProcessHandle.of(postmaster).ifPresent(ProcessHandle::destroyForcibly);
    }

    /**
     * Waits until the daemon has a new postmaster running and says the store is ok again; returns its pid. The test
     * restarts nothing itself: that is the daemon's job.
     */
    private long awaitRestart(long killed, int kill, String when) throws Exception {
        long deadline = System.currentTimeMillis() + 30_000;
        long postmaster = -1;
        String health = "(not asked: no new postmaster yet)";
        while (System.currentTimeMillis() < deadline) {
            assertThat(daemon.isAlive())
                    .as("the daemon died after kill #%d; its log:\n%s", kill, daemon.logTail(40))
                    .isTrue();
            postmaster = daemon.postmaster()
                    .map(ProcessHandle::pid)
                    .filter(pid -> pid != killed)
                    .orElse(-1L);
            if (postmaster > 0) {
                try {
                    var response = daemon.get("/healthz", Duration.ofSeconds(2));
                    health = response.statusCode() + " " + response.body();
                    if (response.statusCode() == 200
                            && STORE_OK.matcher(response.body()).find()) {
                        return postmaster;
                    }
                } catch (IOException e) {
                    health = "no answer: " + e;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("PostgreSQL was not back within 30 s of kill #" + kill + " (" + when
                + ") of postmaster " + killed + ": the daemon must restart it by itself.\n"
                + "postmaster now: " + (postmaster > 0 ? postmaster : "none running") + "; /healthz: " + health
                + "\n--- postgres.log (tail)\n" + daemon.postgresLogTail(15)
                + "\n--- daemon.log (tail)\n" + daemon.logTail(25));
    }

    private static StoredJob awaitEnd(String jdbcUrl, String jobId, long deadline) throws Exception {
        StoredJob stored = StoredJob.read(jdbcUrl, jobId);
        while ("running".equals(stored.status())) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("job " + jobId + " is still stored as running, a minute after the last "
                        + "kill; stored so far: " + stored.events().size() + " events, " + stored.bytes("stdout").length
                        + " bytes of stdout; " + OutputCheck.seqProblem(stored.seqs()));
            }
            Thread.sleep(250);
            stored = StoredJob.read(jdbcUrl, jobId);
        }
        return stored;
    }

    private static void awaitGrowing(Path copy) throws Exception {
        long deadline = System.currentTimeMillis() + 20_000;
        while (!Files.exists(copy) || Files.size(copy) == 0) {
            assertThat(System.currentTimeMillis()).as("%s never grew", copy).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Waits for the copy to have grown and then stayed the same size for {@link #PAUSE_MILLIS}; returns when its last growth was seen. */
    private static long awaitPause(Path copy) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        long size = Files.size(copy);
        long lastChange = System.currentTimeMillis();
        boolean grew = false;
        while (System.currentTimeMillis() < deadline) {
            long now = System.currentTimeMillis();
            long s = Files.size(copy);
            if (s != size) {
                size = s;
                lastChange = now;
                grew = true;
            } else if (grew && now - lastChange >= PAUSE_MILLIS) {
                return lastChange;
            }
            Thread.sleep(1);
        }
        throw new AssertionError("the long job's output showed no pause within 10 s (copy at " + size + " bytes)");
    }

    /** Waits for the copy to grow; returns when it did. */
    private static long awaitGrowth(Path copy) throws Exception {
        long deadline = System.currentTimeMillis() + 10_000;
        long size = Files.size(copy);
        while (System.currentTimeMillis() < deadline) {
            if (Files.size(copy) != size) {
                return System.currentTimeMillis();
            }
            Thread.sleep(1);
        }
        throw new AssertionError("the long job's output did not resume within 10 s (copy at " + size + " bytes)");
    }

    private static void sleepUntil(long millis) throws InterruptedException {
        long left = millis - System.currentTimeMillis();
        if (left > 0) {
            Thread.sleep(left);
        }
    }
}
