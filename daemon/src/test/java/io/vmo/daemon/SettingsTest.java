package io.vmo.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @Test
    void interactiveTargetsArePerProject(@TempDir Path home) throws Exception {
        Path file = home.resolve("config.yml");
        Files.writeString(file, "interactive:\n  vm: [create, ssh]\n  other: [apply]\n");
        Settings settings = Settings.load(file, home);
        assertThat(settings.problem()).isNull();
        assertThat(settings.isInteractive("vm", "create")).isTrue();
        assertThat(settings.isInteractive("vm", "apply")).isFalse();
        assertThat(settings.isInteractive("other", "apply")).isTrue();
        assertThat(settings.isInteractive("nope", "create")).isFalse();
    }

    @Test
    void noFileMeansNothingIsInteractive(@TempDir Path home) {
        assertThat(Settings.load(home.resolve("missing.yml"), home).isInteractive("vm", "create"))
                .isFalse();
    }
}
