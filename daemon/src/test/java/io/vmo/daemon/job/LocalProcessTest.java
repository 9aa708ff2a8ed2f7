package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A job's local process group, with real processes: what it starts with, and that a signal reaches all of it. */
class LocalProcessTest {

    static final SessionSpawn SPAWN = new SessionSpawn();

    @TempDir
    Path dir;

    private LocalProcess sh(String script) throws IOException {
        return LocalProcess.start(SPAWN, List.of("sh", "-c", script), dir, Map.of("VMO_TEST", "a b"));
    }

    private static String read(java.io.InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The process and everything it started, once it has printed "ready" (it has started them). */
    private static List<ProcStat> started(LocalProcess process) throws IOException {
        var lines = new BufferedReader(new InputStreamReader(process.stdout(), StandardCharsets.UTF_8));
        assertThat(lines.readLine()).isEqualTo("ready");
        return Processes.tree(process.pid());
    }

    @Test
    void runsInItsDirWithTheJobsEnvironmentAndNoInput() throws Exception {
        LocalProcess process = sh("pwd; printf '%s\\n' \"$VMO_TEST\"; cat; echo err >&2; exit 4");
        assertThat(read(process.stdout())).isEqualTo(dir.toRealPath() + "\na b\n"); // cat read /dev/null: nothing
        assertThat(read(process.stderr())).isEqualTo("err\n");
        assertThat(process.waitFor()).isEqualTo(4);
    }

    @Test
    void terminateReachesEveryProcessOfTheGroup() throws Exception {
        LocalProcess process = sh("sleep 60 & sleep 60 & echo ready; wait");
        List<ProcStat> all = started(process);
        assertThat(all).hasSize(3).allSatisfy(p -> {
            assertThat(p.session()).as("a session of its own").isEqualTo(process.pid());
            assertThat(p.pgrp()).as("a group of its own").isEqualTo(process.pid());
        });
        process.terminate();
        Processes.awaitEnded(all);
        assertThat(process.waitFor()).as("ended by SIGTERM").isEqualTo(128 + 15);
    }

    @Test
    void killReachesProcessesThatIgnoreSigterm() throws Exception {
        LocalProcess process = sh("trap '' TERM; sleep 60 & echo ready; wait");
        List<ProcStat> all = started(process);
        process.terminate();
        assertThat(ProcessHandle.of(process.pid())
                        .orElseThrow()
                        .onExit()
                        .completeOnTimeout(null, 300, TimeUnit.MILLISECONDS)
                        .get())
                .as("SIGTERM is ignored")
                .isNull();
        process.kill();
        Processes.awaitEnded(all);
    }

    @Test
    void theProcessGetsNoDescriptorOfTheDaemonsButItsThree() throws Exception {
        LocalProcess process = sh("ls /proc/$$/fd");
        assertThat(read(process.stdout()).split("\n")).containsExactly("0", "1", "2");
        assertThat(process.waitFor()).isZero();
    }

    @Test
    void aProgramThatIsNotThereIsAClearError() {
        assertThatThrownBy(() -> LocalProcess.start(SPAWN, List.of("no-such-program-vmo"), dir, Map.of()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no-such-program-vmo")
                .hasMessageContaining("No such file")
                .hasMessageContaining("PATH");
    }

    @Test
    void exitCodesAreTheProgramsOwnOrTheSignalsAsTheJdkGivesThem() {
        assertThat(SessionSpawn.exitCode(3 << 8)).isEqualTo(3);
        assertThat(SessionSpawn.exitCode(9)).isEqualTo(128 + 9);
        assertThat(SessionSpawn.exitCode(0)).isZero();
    }

    @Test
    void signallingAGroupThatIsGoneIsHarmless() throws Exception {
        LocalProcess process = sh("exit 0");
        assertThat(process.waitFor()).isZero();
        process.kill(); // the group no longer exists
        ProcessGroup.signal(process.pid(), "TERM");
    }

    @Test
    void anInterruptedSignallerKeepsItsInterrupt() throws Exception {
        LocalProcess process = sh("echo ready; sleep 60");
        List<ProcStat> all = started(process);
        Thread.currentThread().interrupt();
        try {
            ProcessGroup.signal(process.pid(), "KILL");
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
        Processes.awaitEnded(all); // the signal went out all the same
    }
}
