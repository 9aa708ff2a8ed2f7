package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vmo.protocol.Locations;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The unit's quoting, on paths and values systemd would otherwise read otherwise; the host commands' errors. */
class ServiceFilesTest {

    @Test
    void wordsAndValuesAreQuotedAsSystemdReadsThem(@TempDir Path tmp) throws Exception {
        assertThat(SystemdUnit.execArgument("/opt/vmo/bin/vmo")).isEqualTo("/opt/vmo/bin/vmo");
        assertThat(SystemdUnit.execArgument("/opt/my vmo/bin/vmo")).isEqualTo("\"/opt/my vmo/bin/vmo\"");
        assertThat(SystemdUnit.execArgument("50%$HOME")).isEqualTo("50%%$$HOME");

        // A launcher under a folder with a space, and values with quotes, backslashes, % and $: systemd-analyze
        // reads them without a complaint.
        Path launcher = Files.createDirectories(tmp.resolve("my vmo/bin")).resolve("vmo");
        Files.writeString(launcher, "#!/bin/sh\n");
        launcher.toFile().setExecutable(true);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("VMO_DAEMON_JAVA_OPTS", "-Dx=\"a b\" -Dy=c\\d -Dz=50% -Dw=$HOME");
        var setup = new ServiceSetup(launcher, Locations.from(Map.of("HOME", tmp.toString())), env);
        String unit = SystemdUnit.render(setup);
        assertThat(unit)
                .contains("ExecStart=\"" + launcher + "\" daemon\n")
                .contains("Environment=\"VMO_DAEMON_JAVA_OPTS=-Dx=\\\"a b\\\" -Dy=c\\\\d -Dz=50%% -Dw=$HOME\"\n");
        Path file = Files.writeString(tmp.resolve("vmo.service"), unit);
        var verify = new ProcessBuilder("systemd-analyze", "verify", file.toString()).start();
        String err = new String(verify.getErrorStream().readAllBytes());
        assertThat(verify.waitFor()).as(err).isZero();
        assertThat(err).as(unit).isEmpty();
    }

    @Test
    void aProgramThatIsNotThereSaysWhatItIsFor() {
        assertThatThrownBy(() -> HostCommand.run("vmo service uses it", "vmo-no-such-program", "x"))
                .isInstanceOf(CliException.class)
                .hasMessage("vmo-no-such-program not found on PATH: vmo service uses it");
    }

    @Test
    void theLauncherMustBeKnown() {
        assertThatThrownBy(() -> ServiceSetup.from(Map.of("HOME", "/home/u")))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("VMO_LAUNCHER is not set");
    }
}
