package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vmo.daemon.CpuPriority;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Linux: the daemon's connection threads run below normal priority, and a job started through them does not: its
 * process runs at the daemon's own nice (CpuPriority.VIEWERS, JobSupervisor's launcher).
 */
@ExtendWith(SharedPostgres.Resolver.class)
class CpuPriorityIT {

    @Test
    void viewersWaitForTheJobNotTheOtherWayRound(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/thread-self/stat")), "per-thread nice is Linux's");
        String databaseUrl = postgres.newDatabase();
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), databaseUrl, Map.of())) {
            daemon.addProject("vm", """
                    nice:
                    \t@echo "nice $$(cut -d' ' -f19 /proc/self/stat)"
                    """);
            int daemonNice = nice(Path.of("/proc", Long.toString(daemon.pid()), "stat"));
            List<String> jobs = new ArrayList<>();
            jobs.add(runNice(daemon));
            // Idle for longer than the virtual threads' carriers are kept (30 s): the next request's carriers are
            // made anew, by the connection's thread, and have its nice. A job started on one of those ran at it.
            Thread.sleep(35_000);
            for (int i = 0; i < 3; i++) {
                jobs.add(runNice(daemon));
            }
            assertThat(jobs).as("each job's own nice").allMatch(out -> out.equals("nice " + daemonNice));

            List<Integer> loops = new ArrayList<>();
            try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(daemon.pid()), "task"))) {
                for (Path task : tasks.toList()) {
                    if (Files.readString(task.resolve("comm")).startsWith("vmo-loop")) {
                        loops.add(nice(task.resolve("stat")));
                    }
                }
            }
            assertThat(loops)
                    .as("the connections' threads")
                    .isNotEmpty()
                    .allMatch(n -> n == Math.max(CpuPriority.VIEWERS, daemonNice));
        }
    }

    private static String runNice(TestDaemon daemon) throws Exception {
        var run = daemon.run("run", "vm", "nice");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        return run.out().strip();
    }

    /** Field 19 of a stat file: "pid (comm) state ..." — the 17th after the comm. */
    private static int nice(Path stat) throws Exception {
        String text = Files.readString(stat);
        return Integer.parseInt(text.substring(text.lastIndexOf(')') + 2).split(" ")[16]);
    }
}
