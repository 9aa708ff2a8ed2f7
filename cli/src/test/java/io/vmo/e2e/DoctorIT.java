package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** vmo doctor against a real daemon: one line per check, what to do when one is wrong, and its exit code. */
@ExtendWith(SharedPostgres.Resolver.class)
class DoctorIT {

    @Test
    void reportsEachCheckAndWhatToDo(SharedPostgres postgres, @TempDir Path tmp) throws Exception {
        try (TestDaemon daemon = TestDaemon.start(tmp.resolve("home"), postgres.newDatabase())) {
            daemon.addProject("vm", "quick:\n\t@echo hi\n");
            daemon.register("gone", tmp.resolve("no-such-folder"));

            var result = daemon.run("doctor");

            assertThat(result.exitCode()).as(result.toString()).isZero();
            assertThat(result.out())
                    .containsPattern("ok +client +vmo \\S+ \\(commit \\w+")
                    .containsPattern("ok +token +.*\\(owner only\\)")
                    .containsPattern("ok +reachable +the daemon at .* answers")
                    .containsPattern("ok +daemon +vmo daemon ")
                    .containsPattern("ok +database +PostgreSQL \\d+")
                    .containsPattern("ok +disk +.* free under ")
                    .containsPattern("warn +projects +1 of 2 with a problem: gone: .*— fix the folder")
                    .containsPattern("ok +ssh +OpenSSH's configuration resolves")
                    .containsPattern("(ok|warn) +known_hosts")
                    .containsPattern("ok +service +not installed");

            var json = daemon.run("doctor", "--json");
            assertThat(json.out())
                    .startsWith("[{\"name\":\"client\",\"status\":\"ok\"")
                    .contains("{\"name\":\"projects\",\"status\":\"warn\"");

            // A token file others can read: a failure, with the fix.
            Path token = daemon.tokenFile();
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-r--r--"));
            var leaky = daemon.run("doctor");
            assertThat(leaky.exitCode()).isEqualTo(1);
            assertThat(leaky.out()).containsPattern("FAIL +token +.* is readable by others .*— chmod 600 ");
            Files.setPosixFilePermissions(token, PosixFilePermissions.fromString("rw-------"));

            daemon.kill();
            var alone = daemon.run("doctor");
            assertThat(alone.exitCode()).isEqualTo(1);
            assertThat(alone.out())
                    .containsPattern("FAIL +reachable +cannot reach the vmo daemon .*— start it")
                    .containsPattern("ok +client");
        }
    }
}
