package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local jobs need no Linux-only program to get a session of their own (macOS has no {@code setsid}): a daemon whose
 * PATH has every program of this machine but {@code setsid} runs a target that forks, and a cancel still stops
 * every process it started.
 */
@ExtendWith(SharedPostgres.Resolver.class)
class NoSetsidIT {

    static final String TREE = "31371";

    @Test
    void jobsRunAndCancelReachesEveryDescendantWithoutSetsid(SharedPostgres postgres, @TempDir Path tmp)
            throws Exception {
        Path bin = pathWithout(tmp.resolve("bin"), "setsid");
        String databaseUrl = postgres.newDatabase();
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), databaseUrl, Map.of("PATH", bin.toString()))) {
            daemon.addProject("vm", """
                    tree:
                    \t@sleep %1$s & (sleep %1$s; echo never) & echo started; wait
                    """.formatted(TREE));
            String jobId = daemon.run("run", "-d", "vm", "tree").out().strip();
            StoredJob.awaitStdout(databaseUrl, jobId, "started");
            assertThat(Processes.awaitSleeps(TREE, 2, 10_000)).hasSize(2);

            var cancel = daemon.run("cancel", jobId);

            assertThat(cancel.exitCode()).as(cancel.toString()).isZero();
            assertThat(Processes.awaitNoSleeps(TREE, 5_000)).isEmpty();
            assertThat(StoredJob.read(databaseUrl, jobId).status()).isEqualTo("canceled");
        } finally {
            Processes.killSleeps(TREE);
        }
    }

    /** A directory of links to every program of this machine but {@code missing}. */
    private static Path pathWithout(Path dir, String missing) throws IOException {
        MachineTools.linked(dir, program -> !program.getFileName().toString().equals(missing));
        assertThat(dir.resolve(missing)).doesNotExist();
        assertThat(dir.resolve("make")).exists();
        return dir;
    }
}
