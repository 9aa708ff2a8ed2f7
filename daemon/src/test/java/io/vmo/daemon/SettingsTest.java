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

    @Test
    void retentionDefaultsTo30DaysAndTheLast5RunsOfEachTarget(@TempDir Path home) throws Exception {
        assertThat(Settings.load(home.resolve("missing.yml"), home).retention()).isEqualTo(new RetentionPolicy(30, 5));
        Path file = home.resolve("config.yml");
        Files.writeString(file, "retention: {days: 7}\n");
        assertThat(Settings.load(file, home).retention()).isEqualTo(new RetentionPolicy(7, 5));
        Files.writeString(file, "retention:\n  days: 90\n  keep_last_per_target: 0\n");
        Settings settings = Settings.load(file, home);
        assertThat(settings.problem()).isNull();
        assertThat(settings.retention()).isEqualTo(new RetentionPolicy(90, 0));
    }

    @Test
    void anUnusableRetentionIsAProblem(@TempDir Path home) throws Exception {
        Path file = home.resolve("config.yml");
        Files.writeString(file, "retention: {days: 0}\n");
        assertThat(Settings.load(file, home).problem())
                .contains("retention.days must be 1 or more")
                .contains("(got 0 and 5)");
        Files.writeString(file, "retention: {days: 30, keep_last: 5}\n");
        assertThat(Settings.load(file, home).problem()).as("a misspelt key").contains("keep_last");
    }
}
