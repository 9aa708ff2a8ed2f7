package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a dead daemon's jobs left running, with real processes started as jobs are (their own session, the job's
 * id in their environment): only processes provably the job's are stopped.
 */
class OrphanReaperTest {

    static final SessionSpawn SPAWN = new SessionSpawn();

    private static final Duration GRACE = Duration.ofMillis(300);

    @TempDir
    Path dir;

    private final OrphanReaper reaper = new OrphanReaper(GRACE);
    /** Everything a test started, stopped after it whatever happened. */
    private final List<ProcessHandle> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        started.forEach(ProcessHandle::destroyForcibly);
    }

    /** A job's process group as the daemon starts it, once it has printed "ready"; returns its other lines. */
    private record Job(UUID id, LocalProcess leader, ProcessStamp stamp, BufferedReader lines) {}

    private Job job(String script) throws Exception {
        UUID id = UUID.randomUUID();
        assertThat(new ProcessBuilder("mkfifo", dir.resolve("go").toString())
                        .start()
                        .waitFor())
                .isZero();
        LocalProcess leader = LocalProcess.start(
                SPAWN, List.of("sh", "-c", script), dir, Map.of(OrphanReaper.JOB_ID_VARIABLE, id.toString()));
        ProcessStamp stamp = ProcessStamp.of(leader.pid()).orElseThrow(); // as execute records it
        var lines = new BufferedReader(new InputStreamReader(leader.stdout(), StandardCharsets.UTF_8));
        String line;
        while (!(line = lines.readLine()).equals("ready")) {
            started.add(ProcessHandle.of(Long.parseLong(line)).orElseThrow());
        }
        ProcessHandle.of(leader.pid()).ifPresent(h -> {
            started.addAll(h.descendants().toList());
            started.add(h);
        });
        return new Job(id, leader, stamp, lines);
    }

    /** A line to the job's "read x < go", which holds its leader until the test lets it exit. */
    private void letGo(Job job) throws Exception {
        Files.writeString(dir.resolve("go"), "\n");
        job.leader().waitFor(); // it has exited and been collected: its pid names nothing now
    }

    private static ProcStat stat(ProcessHandle process) {
        return ProcStat.read(process.pid()).orElseThrow();
    }

    @Test
    void stopsEveryProcessOfAJobWhoseLeaderStillRuns() throws Exception {
        Job job = job("sleep 60 & echo $!; sleep 60 & echo $!; echo ready; wait");
        List<ProcStat> all = Processes.tree(job.leader().pid());
        assertThat(all).hasSize(3);
        started.subList(0, 2).forEach(p -> Processes.awaitProgram(p.pid(), "sleep"));

        String done = reaper.reap(new OrphanReaper.Orphan(job.id(), job.stamp()));

        assertThat(done)
                .startsWith(
                        "3 of its processes were still running (" + job.leader().pid() + " sh, ")
                .contains("sleep")
                .contains("sent SIGTERM; all had ended");
        Processes.awaitEnded(all);
    }

    @Test
    void onceTheLeaderIsGoneOnlyMembersOfItsSessionMarkedWithTheJobsIdAreStopped() throws Exception {
        Job job = job("sleep 60 & echo $!; env -u " + OrphanReaper.JOB_ID_VARIABLE
                + " sleep 60 & echo $!; echo ready; read x < go");
        // Until they exec, both are copies of the shell, marked alike.
        ProcStat marked = Processes.awaitProgram(started.get(0).pid(), "sleep");
        ProcStat unmarked = Processes.awaitProgram(started.get(1).pid(), "sleep");
        letGo(job);
        assertThat(unmarked.session()).isEqualTo(job.leader().pid());

        String done = reaper.reap(new OrphanReaper.Orphan(job.id(), job.stamp()));

        assertThat(done)
                .isEqualTo("1 of its processes were still running (" + marked.pid() + " sleep): sent"
                        + " SIGTERM; all had ended " + done.replaceAll(".* ended (\\d+) ms later\\.$", "$1")
                        + " ms later.");
        Processes.awaitEnded(List.of(marked));
        assertThat(Processes.running(unmarked))
                .as("no proof it is the job's: left alone")
                .isTrue();
    }

    @Test
    void processesThatIgnoreSigtermGetSigkillAfterTheGrace() throws Exception {
        Job job = job("trap '' TERM; sleep 60 & echo ready; wait");
        List<ProcStat> all = Processes.tree(job.leader().pid());

        String done = reaper.reap(new OrphanReaper.Orphan(job.id(), job.stamp()));

        assertThat(done)
                .startsWith("2 of its processes were still running")
                .endsWith("; 2 still ran after the 300 ms grace and got SIGKILL.");
        Processes.awaitEnded(all);
    }

    @Test
    void aPidThatNowNamesAnotherProgramIsLeftAlone() throws Exception {
        Job job = job("echo ready; read x < go");
        ProcessStamp recorded = new ProcessStamp(
                job.stamp().pid(),
                job.stamp().bootId(),
                job.stamp().startTicks() - 1); // the job's process started earlier: this is another one

        String done = reaper.reap(new OrphanReaper.Orphan(job.id(), recorded));

        assertThat(done)
                .isEqualTo("Its process id " + job.leader().pid() + " now belongs to another program (sh,"
                        + " started later), which was left alone.");
        assertThat(Processes.running(stat(started.getLast()))).isTrue();
    }

    @Test
    void aJobWhoseProcessesHaveAllEndedNeedsNothing() throws Exception {
        Job job = job("echo ready; read x < go");
        letGo(job);
        assertThat(reaper.reap(new OrphanReaper.Orphan(job.id(), job.stamp())))
                .isEqualTo("None of its processes was still running.");
    }

    @Test
    void nothingIsSignalledOnTheStrengthOfAnotherBootOrOfNoStamp() throws Exception {
        Job job = job("echo ready; read x < go");
        ProcessStamp otherBoot = new ProcessStamp(
                job.stamp().pid(), UUID.randomUUID().toString(), job.stamp().startTicks());
        assertThat(reaper.reap(new OrphanReaper.Orphan(job.id(), otherBoot)))
                .isEqualTo("The machine has restarted since, so none of its processes is left.");
        assertThat(reaper.reap(new OrphanReaper.Orphan(job.id(), null))).isEqualTo("It had no local process.");
        assertThat(Processes.running(stat(started.getLast()))).isTrue();
    }

    @Test
    void reapsSeveralJobsAtOnceWithASentencePerJob() throws Exception {
        Job running = job("echo ready; read x < go");
        UUID remote = UUID.randomUUID();
        Map<UUID, String> done = reaper.reap(
                List.of(new OrphanReaper.Orphan(running.id(), running.stamp()), new OrphanReaper.Orphan(remote, null)));
        assertThat(done).containsOnlyKeys(running.id(), remote);
        assertThat(done.get(running.id())).startsWith("1 of its processes were still running");
        assertThat(reaper.reap(List.of())).isEmpty();
    }
}
