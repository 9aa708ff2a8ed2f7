package io.vmo.daemon.web;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.vmo.daemon.audit.AuditEntry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Refusals reach the audit trail as the log gets them: each answered refusal as an {@code access} row while an
 * address makes few, then one row for the rest of the period; a connection closed for what it did makes none.
 */
class RefusalAuditTest {

    final List<AuditEntry> trail = new ArrayList<>();
    final EmbeddedChannel scheduler = new EmbeddedChannel();
    final RefusalLog refusals = new RefusalLog(new TestClock(), scheduler.eventLoop(), trail::add);

    @Test
    void eachRefusalIsARowUntilAnAddressRepeatsThenOneRowSumsTheRest() throws Exception {
        scheduler.freezeTime();
        InetAddress guesser = InetAddress.getByName("192.0.2.9");
        for (int n = 1; n <= 7; n++) {
            refusals.record(refusal(guesser, Refusal.Reason.WRONG_TOKEN, n));
        }
        assertThat(trail).hasSize(RefusalLog.LINES_PER_PERIOD);
        assertThat(trail.getFirst())
                .isEqualTo(new AuditEntry(
                        "access",
                        null,
                        null,
                        "192.0.2.9",
                        "GET /api/jobs",
                        AuditEntry.REFUSED,
                        "unauthorized: wrong bearer token, 1 in a row"));
        scheduler.advanceTimeBy(RefusalLog.PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.runScheduledPendingTasks();
        assertThat(trail).hasSize(RefusalLog.LINES_PER_PERIOD + 1);
        assertThat(trail.getLast().detail()).isEqualTo("4 more refused from 192.0.2.9 in 10 s: 4 x wrong bearer token");
        assertThat(trail.getLast().outcome()).isEqualTo(AuditEntry.REFUSED);
    }

    @Test
    void aConnectionClosedForWhatItDidIsNoAccessRow() throws Exception {
        refusals.record(refusal(InetAddress.getLoopbackAddress(), Refusal.Reason.SILENT_PEER, 0));
        refusals.record(refusal(InetAddress.getLoopbackAddress(), Refusal.Reason.MALFORMED_FRAME, 0));
        assertThat(trail).isEmpty();
        assertThat(refusals.recent()).hasSize(2);
    }

    private static Refusal refusal(InetAddress peer, Refusal.Reason reason, int failures) {
        return new Refusal(Instant.EPOCH, peer, "GET /api/jobs", reason, failures, Duration.ZERO, "", null);
    }
}
