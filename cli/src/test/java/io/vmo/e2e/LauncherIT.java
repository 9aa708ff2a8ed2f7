package io.vmo.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/vmo finds its installation however it is reached: a link to it in ~/bin, a linked directory, a relative
 * path. It finds it with shell builtins where it can (each process started costs ~5 ms of a command's 150).
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("vmo.launcher", "../bin/vmo"))
            .toAbsolutePath()
            .normalize();

    /** What the build wrote into the client (cli/pom.xml): the pom's version and the commit, -dirty or not. */
    static final String VERSION = "vmo \\d+\\.\\d+\\.\\d+\\S* \\(commit [0-9a-f]{7,}(-dirty)?\\)\n";

    /** The same, from the daemon's side. */
    static final String DAEMON_VERSION = VERSION.replaceFirst("^vmo ", "vmo daemon ");

    @Test
    void findsItsInstallationThroughLinksAndRelativePaths(@TempDir Path tmp) throws Exception {
        Path bin = LAUNCHER.getParent();
        Path linkedFile = Files.createSymbolicLink(tmp.resolve("vmo"), LAUNCHER);
        Path linkedDir = Files.createSymbolicLink(tmp.resolve("linked-bin"), bin);
        Path relative = tmp.relativize(LAUNCHER);
        for (String launcher : List.of(
                LAUNCHER.toString(),
                linkedFile.toString(),
                linkedDir.resolve("vmo").toString(),
                relative.toString())) {
            ProcessBuilder vmo = Vmo.isolated(new ProcessBuilder(launcher, "--version"), tmp, Map.of());
            var result = Vmo.run(vmo.directory(tmp.toFile()), Duration.ofSeconds(60));
            assertThat(result.exitCode()).as(launcher + "\n" + result).isZero();
            assertThat(result.out()).as(launcher).matches(VERSION);
        }
        var daemon = Vmo.run(
                Vmo.isolated(new ProcessBuilder(LAUNCHER.toString(), "daemon", "--version"), tmp, Map.of()),
                Duration.ofSeconds(60));
        assertThat(daemon.out()).as(daemon.toString()).matches(DAEMON_VERSION);
    }
}
