package io.vmo.daemon.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class JobEnvironmentTest {

    @Test
    void aMakeThatStartedTheDaemonIsNotPassedOnButEverythingElseIs() {
        UUID id = UUID.randomUUID();
        Map<String, String> env = JobEnvironment.of(
                Map.of(
                        "MAKEFLAGS",
                        "n -- X=1",
                        "MFLAGS",
                        "-n",
                        "MAKELEVEL",
                        "1",
                        "GNUMAKEFLAGS",
                        "-n",
                        "MAKEFILES",
                        "x.mk",
                        "MAKE_TERMOUT",
                        "/dev/pts/1",
                        "HOME",
                        "/home/me",
                        "PATH",
                        "/usr/bin",
                        "X",
                        "1"),
                id);
        assertThat(env)
                .containsOnly(
                        Map.entry("HOME", "/home/me"),
                        Map.entry("PATH", "/usr/bin"),
                        Map.entry("X", "1"),
                        Map.entry(OrphanReaper.JOB_ID_VARIABLE, id.toString()));
    }
}
