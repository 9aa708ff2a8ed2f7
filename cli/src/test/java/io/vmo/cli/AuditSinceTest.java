package io.vmo.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** {@code vmo audit --since}: a duration back from now, or a time (local unless it says otherwise). */
class AuditSinceTest {

    static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");

    @Test
    void readsDurationsBackFromNow() {
        assertThat(AuditCommand.since("90s", NOW)).isEqualTo(NOW.minusSeconds(90));
        assertThat(AuditCommand.since("30m", NOW)).isEqualTo(NOW.minus(Duration.ofMinutes(30)));
        assertThat(AuditCommand.since("12H", NOW)).isEqualTo(NOW.minus(Duration.ofHours(12)));
        assertThat(AuditCommand.since("7d", NOW)).isEqualTo(NOW.minus(Duration.ofDays(7)));
        assertThat(AuditCommand.since("2w", NOW)).isEqualTo(NOW.minus(Duration.ofDays(14)));
    }

    @Test
    void readsTimesWithAndWithoutAnOffset() {
        ZoneId here = ZoneId.systemDefault();
        assertThat(AuditCommand.since("2026-12-01T08:00:00Z", NOW)).isEqualTo(Instant.parse("2026-12-01T08:00:00Z"));
        assertThat(AuditCommand.since("2026-12-01T08:00+02:00", NOW)).isEqualTo(Instant.parse("2026-12-01T06:00:00Z"));
        assertThat(AuditCommand.since("2026-12-01 08:30", NOW))
                .isEqualTo(LocalDateTime.parse("2026-12-01T08:30").atZone(here).toInstant());
        assertThat(AuditCommand.since("2026-12-01", NOW))
                .isEqualTo(LocalDate.parse("2026-12-01").atStartOfDay(here).toInstant());
    }

    @Test
    void saysWhatItTakesOtherwise() {
        assertThatThrownBy(() -> AuditCommand.since("yesterday", NOW))
                .isInstanceOf(CliException.class)
                .hasMessage("--since yesterday is neither a duration (30m, 12h, 7d, 2w) nor a time (2026-12-06,"
                        + " 2026-12-06T14:30, 2026-12-06T14:30:00Z)");
    }
}
