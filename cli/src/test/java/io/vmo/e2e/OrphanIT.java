package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Processes a job left behind when its daemon was SIGKILLed are reaped by the next daemon: the job is marked lost
 * and, when its recorded process group is provably still the job's, the group gets SIGTERM (SIGKILL after the
 * grace). A pid that has since come to mean another process is never signalled.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@ExtendWith(SharedPostgres.Resolver.class)
class OrphanIT {

    // Distinctive sleep lengths mark this test's processes.
    static final String BACKGROUND = "31411";
    static final String FOREGROUND = "31412";
    static final String UNRELATED = "31413";
    static final String STAY = "31414";

    @TempDir
    Path tmp;

    TestDaemon daemon;
    final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (daemon != null) {
            daemon.close();
        }
        started.forEach(Process::destroyForcibly);
        for (String sleep : List.of(BACKGROUND, FOREGROUND, UNRELATED, STAY)) {
            Processes.killSleeps(sleep);
        }
    }

    @Test
    void aRestartedDaemonStopsTheProcessesOfAJobItLost(SharedPostgres postgres) throws Exception {
        String databaseUrl = postgres.newDatabase();
        daemon = TestDaemon.start(tmp.resolve("home"), databaseUrl);
        daemon.addProject(
                "vm", "orphans:\n\t@echo started; sleep " + BACKGROUND + " & sleep " + FOREGROUND + "; echo never\n");
        String jobId = daemon.run("run", "-d", "vm", "orphans").out().strip();
        StoredJob.awaitStdout(databaseUrl, jobId, "started");
        awaitOne(BACKGROUND);
        awaitOne(FOREGROUND);

        daemon.kill();
        assertThat(Processes.sleeps(BACKGROUND))
                .as("the recipe's background sleep outlives the daemon")
                .hasSize(1);
        assertThat(Processes.sleeps(FOREGROUND))
                .as("the recipe's foreground sleep outlives the daemon")
                .hasSize(1);
        daemon.restart();

        List<ProcessHandle> left = new ArrayList<>(Processes.awaitNoSleeps(BACKGROUND, 10_000));
        left.addAll(Processes.awaitNoSleeps(FOREGROUND, 1_000));
        StoredJob stored = StoredJob.read(databaseUrl, jobId);
        assertThat(left)
                .as(
                        "the lost job's processes 10 s after the daemon restarted; its system events: %s",
                        stored.text("system"))
                .isEmpty();
        assertThat(stored.status()).isEqualTo("lost");
        assertThat(stored.events().getLast().stream()).isEqualTo("system");
        String note = new String(stored.events().getLast().data(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(note)
                .as("the lost job's last event says what was found and done")
                .contains("lost")
                // not just "the daemon stopped": which processes it stopped, and how
                .containsPattern("(?i)process|pid|SIGTERM|SIGKILL");
        assertThat(stored.text("stdout")).isEqualTo("started\n");
    }

    @Test
    void aRecordedPidThatNowBelongsToAnotherProcessIsNeverSignalled(SharedPostgres postgres) throws Exception {
        // An unrelated long-lived process, leading a process group of its own, as a job's make would.
        Process unrelated = new ProcessBuilder("setsid", "sleep", UNRELATED).start();
        started.add(unrelated);
        long unrelatedPid = awaitOne(UNRELATED).pid();

        String databaseUrl = postgres.newDatabase();
        daemon = TestDaemon.start(tmp.resolve("home"), databaseUrl);
        daemon.addProject("vm", "stay:\n\t@echo started; sleep " + STAY + "\n");
        String jobId = daemon.run("run", "-d", "vm", "stay").out().strip();
        StoredJob.awaitStdout(databaseUrl, jobId, "started");
        long recorded = recordedPid(databaseUrl, jobId);
        assertThat(recorded).as("the job's recorded pid").isPositive();

        daemon.kill();
        // The job's own processes go (as after a reboot), so only the unrelated process could be hit...
        ProcessHandle.of(recorded).ifPresent(make -> {
            make.descendants().forEach(ProcessHandle::destroyForcibly);
            make.destroyForcibly();
        });
        Processes.killSleeps(STAY);
        assertThat(Processes.awaitNoSleeps(STAY, 5_000)).isEmpty();
        // ...and the row now names it, as if its pid had been reused. Only `pid` changes: whatever else the daemon
        // records about the job's process (its start time, say) still describes the job's own make.
        try (var c = DriverManager.getConnection(databaseUrl);
                var s = c.prepareStatement("update jobs set pid = ? where id = ?")) {
            s.setInt(1, Math.toIntExact(unrelatedPid));
            s.setObject(2, UUID.fromString(jobId));
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
        daemon.restart();

        Thread.sleep(5_000); // longer than the 2 s grace between SIGTERM and SIGKILL
        StoredJob stored = StoredJob.read(databaseUrl, jobId);
        assertThat(ProcessHandle.of(unrelatedPid).map(ProcessHandle::isAlive).orElse(false))
                .as(
                        "pid %d, not the job's, 5 s after the restart (the lost job's note: %s)",
                        unrelatedPid, stored.text("system"))
                .isTrue();
        assertThat(unrelated.isAlive()).isTrue();
        assertThat(stored.status()).isEqualTo("lost");
        assertThat(stored.events().getLast().stream()).isEqualTo("system");
    }

    private static ProcessHandle awaitOne(String sleep) throws InterruptedException {
        List<ProcessHandle> found = Processes.awaitSleeps(sleep, 1, 5_000);
        assertThat(found).as("sleep %s processes", sleep).hasSize(1);
        return found.getFirst();
    }

    private static long recordedPid(String databaseUrl, String jobId) throws Exception {
        try (var c = DriverManager.getConnection(databaseUrl);
                var s = c.prepareStatement("select pid from jobs where id = ?")) {
            s.setObject(1, UUID.fromString(jobId));
            var rs = s.executeQuery();
            assertThat(rs.next()).isTrue();
            return rs.getLong(1);
        }
    }
}
